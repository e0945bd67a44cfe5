/**
 * Opening a dataset bundle on Node: a directory, an http(s) URL, an s3:// location or any
 * key-value store, or a version of a dataset a catalog holds.
 */

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type OpenBundleOptions, openBundle } from "@tt/bundle";
import { createDataset } from "@tt/query";
import {
  ConfigError,
  isTensorToolsError,
  type KeyValueStore,
  type Manifest,
  NotFoundError,
  parseManifest,
  type StoredDataset,
  type TensorDataset,
} from "@tt/schema";
import { catalogPathOf, loadCatalog } from "./catalog-runs.js";
import { createDefaultRegistry } from "./node-registry.js";
import { openStoredAt } from "./s3-locations.js";

/** Options of {@link openDataset}: those of `openBundle`, and a catalog's key and version. */
export interface OpenDatasetOptions extends OpenBundleOptions {
  /**
   * The catalog file in which `source` is a key (or a registered bundle's directory): the dataset
   * is opened where the catalog says it is. `false` ignores `TT_CATALOG`, which is the catalog
   * when `version` is given and this is not. Needs the package `@tt/catalog` installed.
   */
  catalog?: string | false;
  /**
   * The catalog's version of the dataset to open (1 for the first it registered, ...) instead of
   * the current one: readable while the catalog holds it (it pins the version's files in the
   * bundle, so that the bundle's cleanup keeps them).
   */
  version?: number;
}

/** Where a catalog says a dataset is, and the manifest of the version asked for (if any). */
interface CatalogEntry {
  location: string;
  manifest: Manifest | undefined;
  /** The version as the catalog names it, for messages: `'eeg/night-01' version 1 (in ...)`. */
  named: string;
}

/** Looks `keyOrPath` up in the catalog at `path`: its location, and the version's manifest. */
async function catalogEntry(path: string, keyOrPath: string, version?: number) {
  if (version !== undefined && (!Number.isInteger(version) || version < 1))
    throw new ConfigError("version", `must be a catalog version (1, 2, ...), got ${version}`);
  if (!existsSync(path))
    throw new NotFoundError(
      path,
      `no catalog at ${resolve(path)}; check the catalog option or TT_CATALOG`,
    );
  const { openCatalog } = await loadCatalog();
  const catalog = openCatalog(path);
  try {
    const record = catalog.resolve(keyOrPath, version);
    const named = `'${record.key}' version ${record.version} (in the catalog ${catalog.path})`;
    if (record.kind !== "dataset")
      throw new ConfigError(
        "source",
        `${named} is a result, not a dataset: open it with openResult(${JSON.stringify(record.location)})`,
      );
    const manifest =
      version === undefined
        ? undefined
        : parseManifest(catalog.manifestOf(keyOrPath, version), `${named} manifest`);
    return { location: record.location, manifest, named } satisfies CatalogEntry;
  } finally {
    catalog.close();
  }
}

/** Opens the dataset a catalog names; a version whose files are gone is an error naming both. */
async function openCatalogued(entry: CatalogEntry, options: OpenBundleOptions) {
  try {
    return await openStoredAt(entry.location, { ...options, manifest: entry.manifest });
  } catch (error) {
    if (entry.manifest === undefined || !isTensorToolsError(error, "not-found")) throw error;
    throw new NotFoundError(
      error.what,
      `${entry.named} cannot be opened any more: ${error.message}; a version stays readable while a catalog holds it (gcCatalog releases it)`,
      { cause: error },
    );
  }
}

/**
 * Opens the dataset bundle at `source` (a directory path, an `http(s)://` URL, an
 * `s3://<bucket>/<prefix>` location, or a key-value store) with full validation, as a
 * {@link TensorDataset}: the view of everything, with `query`, `filter`, `slice` and `take`. An
 * `s3://` location is read with the server and credentials of the standard AWS environment
 * variables (`AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; unsigned without credentials), and stays the
 * dataset's location. With `catalog`, `source` is a key of the catalog (or a registered
 * directory); with `version`, that version of the dataset is opened instead of the current one,
 * from the manifest the catalog kept of it and the files it pins (the catalog is `catalog`, else
 * `TT_CATALOG`).
 *
 * @example
 * ```ts
 * const dataset = await openDataset("./eeg-bundle");
 * const view = dataset.query("epoch", "lock_position == 1 and rt_ms > 400");
 * const inBucket = await openDataset("s3://studies/eeg/night-1");
 *
 * // The first version the catalog registered of the dataset under key "eeg/night-01":
 * const first = await openDataset("eeg/night-01", { catalog: "./study/catalog.db", version: 1 });
 * ```
 */
export async function openDataset(
  source: string | KeyValueStore,
  options: OpenDatasetOptions = {},
): Promise<TensorDataset> {
  const { catalog, version, ...rest } = options;
  const withRegistry = { ...rest, registry: rest.registry ?? createDefaultRegistry() };
  const path = catalog === undefined && version === undefined ? undefined : catalogPathOf(catalog);
  if (version !== undefined && path === undefined)
    throw new ConfigError(
      "version",
      "opening a version needs the catalog that holds it: pass catalog, or set TT_CATALOG",
    );
  let stored: StoredDataset;
  if (path !== undefined) {
    if (typeof source !== "string")
      throw new ConfigError("catalog", "a key-value store is opened as it is, not from a catalog");
    stored = await openCatalogued(await catalogEntry(path, source, version), withRegistry);
  } else
    stored =
      typeof source === "string"
        ? await openStoredAt(source, withRegistry)
        : await openBundle(source, withRegistry);
  return createDataset(stored);
}
