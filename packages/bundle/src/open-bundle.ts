/** Opens a dataset bundle from any key-value store and checks it against its manifest. */

import {
  DataError,
  DEFAULT_FIELD,
  type KeyValueStore,
  type Manifest,
  type StoredDataset,
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

/**
 * Opens the bundle in `store`: validates the manifest, then checks it against the arrays and
 * every metadata table (shape, dtype, row counts, unique non-null ids). Any mismatch is one
 * typed error that names the file and what disagrees; a file the bundle reads in place (a linked
 * HDF5 file) whose length or modification time changed since it was linked is an
 * InputChangedError. The manifest is read once: every later
 * read goes to the files of that version, checked against its inventory, so a writer that
 * commits a new version meanwhile changes nothing for this reader.
 *
 * @example
 * ```ts
 * const dataset = await openBundle(createHttpStore("http://localhost:8080/demo/"));
 * dataset.getInstance("rec01-e17")?.index;
 * ```
 */
export async function openBundle(
  store: KeyValueStore,
  options: OpenBundleOptions = {},
): Promise<StoredDataset> {
  const { signal } = options;
  const { manifest } = await requireBase(store, signal);
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
