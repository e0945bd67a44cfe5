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

/** `location` as an absolute path from `base`; a URL as it is. */
function absolute(base: string, location: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : resolve(base, location);
}

/** The manifest of the bundle in directory `location`, or a NotFoundError naming it. */
async function manifestText(location: string): Promise<string> {
  try {
    return await readFile(join(location, "manifest.json"), "utf8");
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

/** The facts of the bundle in `directory` (a dataset or a result bundle). */
export async function bundleFacts(directory: string): Promise<BundleFacts> {
  const location = resolve(directory);
  const text = await manifestText(location);
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
    derivations: await datasetDerivations(location, manifest),
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
async function datasetDerivations(location: string, manifest: Manifest): Promise<Derivation[]> {
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
    const table = await readParquet(await readFile(join(location, filesTable)));
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
