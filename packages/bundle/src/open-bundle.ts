/** Opens a dataset bundle from any key-value store and checks it against its manifest. */

import {
  DataError,
  DEFAULT_FIELD,
  type KeyValueStore,
  type Manifest,
  NotFoundError,
  type StoredDataset,
  UnsupportedError,
  validateManifest,
} from "@tt/schema";
import { checkInPlaceFiles, checkSizes } from "@tt/storage";
import { datasetOf, type OpenedField } from "./field-dataset.js";
import { openFields } from "./open-fields.js";
import { indexIds, openArrays, readTables } from "./open-parts.js";
import { type BundlePlugins, resolvePlugins } from "./plugins.js";
import { requireBase, versionStore } from "./version.js";

/** Options of opening a bundle. */
export interface OpenBundleOptions extends BundlePlugins {
  /** Stops the open. */
  signal?: AbortSignal;
  /**
   * Open this version, from a catalog, instead of the current one: the manifest of a version of
   * the bundle in the store (its files still there, kept by the catalog's pins), validated and
   * used instead of reading `manifest.json`. Every file of its inventory is checked to be there
   * at its listed length when the bundle is opened (one `size` call each); a file that is gone
   * is a NotFoundError naming it and the version.
   */
  manifest?: Manifest;
}

/**
 * Checks that every metadata and partition table is there and whole (partitions are read only
 * when asked for): against the inventory's lengths, or for older bundles that partitions exist.
 */
async function checkTables(store: KeyValueStore, manifest: Manifest, signal?: AbortSignal) {
  const partitions = Object.entries(manifest.partitions ?? {});
  if (manifest.inventory !== undefined) {
    const tables = [...Object.values(manifest.meta_files), ...partitions.map(([, path]) => path)];
    return checkSizes(store, manifest.inventory, tables, signal);
  }
  for (const [name, path] of partitions) {
    const size = await store.size(path, { signal });
    if (size === undefined || size === 0)
      throw new DataError(path, `the partition table '${name}' is missing in ${store.location}`);
  }
}

/** How many files of a given version are looked for at once. */
const SIZE_CALLS_AT_ONCE = 32;

/**
 * Checks that every file of `manifest`, a version given rather than read from the store, is in
 * `store` at its listed length: a replaced version's files are removed by the bundle's cleanup
 * once nothing pins them, and a version without an inventory (schema before 0.2.0) has no files
 * of its own to read.
 */
async function checkGivenVersion(store: KeyValueStore, manifest: Manifest, signal?: AbortSignal) {
  const { inventory } = manifest;
  const version = `version ${manifest.version ?? "?"} of the bundle in ${store.location}`;
  if (inventory === undefined)
    throw new UnsupportedError(
      "a given manifest without inventory",
      `the manifest given for ${version} has schema ${manifest.schema_version}, written before versions had files of their own: only the current version of such a bundle can be opened`,
    );
  const keys = Object.keys(inventory);
  for (let first = 0; first < keys.length; first += SIZE_CALLS_AT_ONCE) {
    const batch = keys.slice(first, first + SIZE_CALLS_AT_ONCE);
    const sizes = await Promise.all(batch.map((key) => store.size(key, { signal })));
    batch.forEach((key, i) => {
      const size = sizes[i];
      const listed = inventory[key]!.bytes;
      if (size === undefined)
        throw new NotFoundError(
          key,
          `${key} of ${version} is gone: its files were removed (the bundle's cleanup removes a replaced version's files once no catalog pins them)`,
        );
      if (size !== listed)
        throw new DataError(key, `of ${version} has ${size} bytes, its manifest lists ${listed}`);
    });
  }
}

/**
 * Opens the bundle in `store`: validates the manifest, then checks it against the arrays and
 * every metadata table (shape, dtype, row counts, unique non-null ids). Any mismatch is one
 * typed error that names the file and what disagrees; a file the bundle reads in place (a linked
 * HDF5 file) whose length or modification time changed since it was linked is an
 * InputChangedError. The manifest is read once: every later
 * read goes to the files of that version, checked against its inventory, so a writer that
 * commits a new version meanwhile changes nothing for this reader. With `manifest`, that
 * version is opened instead of the current one (a catalog's old version), once its files are
 * found still there.
 *
 * @example
 * ```ts
 * const dataset = await openBundle(createHttpStore("http://localhost:8080/demo/"));
 * dataset.getInstance("rec01-e17")?.index;
 *
 * // An older version, from the manifest text a catalog kept of it (`manifestOf` of `@tt/catalog`):
 * const first = await openBundle(store, { manifest: parseManifest(firstManifestText) });
 * ```
 */
export async function openBundle(
  store: KeyValueStore,
  options: OpenBundleOptions = {},
): Promise<StoredDataset> {
  const { signal } = options;
  const given = options.manifest === undefined ? undefined : validateManifest(options.manifest);
  const manifest = given ?? (await requireBase(store, signal)).manifest;
  if (given !== undefined) await checkGivenVersion(store, given, signal);
  const { arrayStore, metaIO } = resolvePlugins(options, manifest);
  if (manifest.inventory !== undefined) await checkInPlaceFiles(store, manifest.inventory, signal);
  await checkTables(store, manifest, signal);
  const files = versionStore(store, manifest);
  const { array, maskArray } = await openArrays(files, manifest, arrayStore, signal);
  const tables = await readTables(files, manifest, metaIO, signal);
  const idIndexes = indexIds(manifest, tables);
  const data: OpenedField = {
    name: DEFAULT_FIELD,
    axes: manifest.axes,
    shape: manifest.shape,
    dtype: manifest.dtype,
    axisIndexColumns: manifest.axis_index_columns,
    array,
    maskArray,
    tables,
    idIndexes,
  };
  const fields = await openFields(files, manifest, data, { arrayStore, metaIO }, signal);
  return datasetOf(store.location, manifest, data, fields);
}
