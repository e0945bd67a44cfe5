/**
 * What the catalog records of a bundle on disk: its kind, the hash of its manifest (the version's
 * identity, the same `hashManifest` a result's `input_ref` records), shape, size, and the bundles
 * it says it came from (a result's input, a concatenation's sources, a view written as a dataset).
 */

import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readParquet } from "@tt/meta-parquet";
import {
  cellAt,
  DataError,
  hashManifest,
  type KeyValueStore,
  type Manifest,
  NotFoundError,
  parseManifest,
} from "@tt/schema";
import type { ArtifactKind } from "./records.js";

/** A bundle this one says it came from. */
export interface Derivation {
  /** `input` (a result's), `source` (a concatenation's), `view` (a view written as a dataset). */
  readonly how: "input" | "source" | "view";
  readonly location: string | null;
  readonly manifestHash: string | null;
  readonly selectors: unknown[] | null;
}

/** A bundle's facts, as registered. */
export interface BundleFacts {
  readonly location: string;
  readonly kind: ArtifactKind;
  readonly manifestText: string;
  readonly manifestHash: string;
  readonly shape: number[];
  readonly dtype: string | null;
  readonly nInstances: number | null;
  readonly sizeBytes: number;
  readonly committedAt: string | null;
  /** The keys of the version's files (its inventory), for pins. */
  readonly files: string[];
  readonly derivations: Derivation[];
}

/** Whether `location` is a URL (`s3://`, `http://`...) rather than a path. */
export function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/**
 * `location` as the catalog records it: a directory's absolute path, a URL without trailing
 * slashes (`s3://bucket/eeg/` is `s3://bucket/eeg`).
 */
export function canonicalLocation(location: string): string {
  return isUrl(location) ? location.replace(/\/+$/, "") : resolve(location);
}

/** `location` as an absolute path or URL from `base` (a directory or a bundle's URL). */
function absolute(base: string, location: string): string {
  if (isUrl(location)) return canonicalLocation(location);
  if (!isUrl(base)) return resolve(base, location);
  return canonicalLocation(new URL(location, `${canonicalLocation(base)}/`).href);
}

/**
 * Reads the files of a bundle by key: from a directory on disk, or from the store of a bundle
 * elsewhere (an `s3://` or `http(s)://` location).
 */
type ReadKey = (key: string) => Promise<Uint8Array>;

/** The reader of the bundle in directory `location`. */
function directoryReader(location: string): ReadKey {
  return (key) => readFile(join(location, key));
}

/** The reader of the bundle in `store`; a missing key is a NotFoundError naming it. */
function storeReader(store: KeyValueStore): ReadKey {
  return async (key) => {
    const bytes = await store.get(key);
    if (bytes === undefined)
      throw new NotFoundError(`${store.location}/${key}`, `${store.location} holds no ${key}`);
    return bytes;
  };
}

/** The manifest of the bundle at `location`, or a NotFoundError naming it. */
async function manifestText(location: string, read: ReadKey): Promise<string> {
  try {
    return new TextDecoder().decode(await read("manifest.json"));
  } catch (error) {
    throw new NotFoundError(
      `${location}/manifest.json`,
      `${location} holds no manifest.json: is it a tensortools dataset or result bundle?`,
      { cause: error },
    );
  }
}

/** Sum of the inventory's lengths, and its keys. */
function inventoryOf(json: { inventory?: Record<string, { bytes?: number }> }) {
  const entries = Object.entries(json.inventory ?? {});
  const size = entries.reduce((sum, [, file]) => sum + (file.bytes ?? 0), 0);
  return { size, files: entries.map(([key]) => key) };
}

/**
 * The facts of the bundle (a dataset or a result bundle) in `directory`, or in `store` when
 * given (a bundle elsewhere, at the store's location).
 */
export async function bundleFacts(directory: string, store?: KeyValueStore): Promise<BundleFacts> {
  const location = canonicalLocation(store === undefined ? directory : store.location);
  const read = store === undefined ? directoryReader(location) : storeReader(store);
  const text = await manifestText(location, read);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new DataError(`${location}/manifest.json`, "is not valid JSON", { cause: error });
  }
  const { size, files } = inventoryOf(json as never);
  const committedAt = typeof json.created_at === "string" ? json.created_at : null;
  if (json.kind === "decomposition_result") return resultFacts(location, text, json, size, files);
  const manifest = parseManifest(text, `${location}/manifest.json`);
  return {
    location,
    kind: "dataset",
    manifestText: text,
    manifestHash: await hashManifest(manifest),
    shape: manifest.shape,
    dtype: manifest.dtype,
    nInstances: manifest.shape[0] ?? null,
    sizeBytes: size,
    committedAt,
    files,
    derivations: await datasetDerivations(location, manifest, read),
  };
}

async function resultFacts(
  location: string,
  text: string,
  json: Record<string, unknown>,
  size: number,
  files: string[],
): Promise<BundleFacts> {
  const input = (json.input_ref ?? {}) as {
    dataset?: { location?: string; manifest_hash?: string } | null;
    selectors?: unknown[];
    n_instances?: number;
  };
  const rank = (json.config as { rank?: unknown } | undefined)?.rank;
  const n = typeof input.n_instances === "number" ? input.n_instances : null;
  return {
    location,
    kind: "result",
    manifestText: text,
    manifestHash: await hashManifest(json as unknown as Manifest),
    shape: [n ?? 0, typeof rank === "number" ? rank : 0],
    dtype: null,
    nInstances: n,
    sizeBytes: size,
    committedAt: typeof json.created_at === "string" ? json.created_at : null,
    files,
    derivations: [
      {
        how: "input",
        location: input.dataset?.location ? absolute(location, input.dataset.location) : null,
        manifestHash: input.dataset?.manifest_hash ?? null,
        selectors: input.selectors ?? null,
      },
    ],
  };
}

/** A concatenation's sources (`partitions/files`) and a written view's dataset (`derived_from`). */
async function datasetDerivations(
  location: string,
  manifest: Manifest,
  read: ReadKey,
): Promise<Derivation[]> {
  const out: Derivation[] = [];
  const from = manifest.derived_from;
  if (from !== undefined)
    out.push({
      how: "view",
      location: absolute(location, from.location),
      manifestHash: from.manifest_hash,
      selectors: from.selectors,
    });
  const filesTable = manifest.partitions?.files;
  if (filesTable !== undefined) {
    const table = await readParquet(await read(filesTable));
    const names = table.columnNames;
    const locations = names.includes("location") ? table.column("location") : undefined;
    const hashes = names.includes("manifest_hash") ? table.column("manifest_hash") : undefined;
    for (let row = 0; row < table.numRows; row++) {
      const at = locations === undefined ? null : cellAt(locations, row);
      const hash = hashes === undefined ? null : cellAt(hashes, row);
      out.push({
        how: "source",
        location: typeof at === "string" ? absolute(location, at) : null,
        manifestHash: typeof hash === "string" ? hash : null,
        selectors: null,
      });
    }
  }
  return out;
}
