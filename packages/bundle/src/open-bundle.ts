/** Opens a dataset bundle from any key-value store and checks it against its manifest. */

import {
  type ArrayStoreBackend,
  type AxisSelection,
  axisPosition,
  checkArrayAgainstManifest,
  DataError,
  type IOOptions,
  isTensorToolsError,
  type KeyValueStore,
  type Manifest,
  type MetaIO,
  MetaTable,
  NotFoundError,
  resolveSelection,
  type StoredArray,
  type StoredDataset,
  type TypedArray,
} from "@tt/schema";
import { checkInPlaceFiles, checkSizes } from "@tt/storage";
import { buildIdIndex, type IdIndex, lookupId } from "./ids.js";
import { type BundlePlugins, resolvePlugins } from "./plugins.js";
import { requireBase, versionStore } from "./version.js";

/** Options of opening a bundle. */
export interface OpenBundleOptions extends BundlePlugins {
  /** Stops the open. */
  signal?: AbortSignal;
}

async function openArray(
  open: () => Promise<StoredArray>,
  path: string,
  location: string,
): Promise<StoredArray> {
  try {
    return await open();
  } catch (error) {
    if (isTensorToolsError(error, "not-found")) {
      throw new NotFoundError(
        path,
        `the manifest names '${path}' but there is no array there in ${location}`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Selections against the manifest's shape, passed on as ranges where they cover an axis. */
function withinManifest(manifest: Manifest, selection: readonly AxisSelection[]): AxisSelection[] {
  resolveSelection(manifest.shape, selection, manifest.axes);
  return manifest.shape.map((length, i) => selection[i] ?? { start: 0, stop: length });
}

/** Opens the data array and the mask and checks them against the manifest. */
async function openArrays(
  store: KeyValueStore,
  manifest: Manifest,
  arrayStore: ArrayStoreBackend,
  signal: AbortSignal | undefined,
): Promise<{ array: StoredArray; maskArray: StoredArray | undefined }> {
  const open = async (field: "array_store" | "mask_store", dtype: string) => {
    const path = manifest[field] as string;
    const array = await openArray(
      () => arrayStore.open(store, path, { signal }),
      path,
      store.location,
    );
    checkArrayAgainstManifest(array, manifest, field, dtype);
    return array;
  };
  const array = await open("array_store", manifest.dtype);
  const maskArray =
    manifest.mask_store === undefined ? undefined : await open("mask_store", "bool");
  return { array, maskArray };
}

/** Reads every metadata table and checks its row count against the manifest's shape. */
async function readTables(
  store: KeyValueStore,
  manifest: Manifest,
  metaIO: MetaIO,
  signal: AbortSignal | undefined,
): Promise<Map<string, MetaTable>> {
  const tables = new Map<string, MetaTable>();
  for (const [axis, path] of Object.entries(manifest.meta_files)) {
    const table = await metaIO.read(store, path, { signal });
    const length = manifest.shape[axisPosition(manifest.axes, axis)]!;
    if (table.numRows !== length) {
      throw new DataError(
        path,
        `has ${table.numRows} rows, but axis '${axis}' has ${length} elements in the manifest`,
      );
    }
    tables.set(axis, table);
  }
  return tables;
}

/** The id index of every axis with an id column, checked unique and non-null. */
function indexIds(manifest: Manifest, tables: Map<string, MetaTable>): Map<string, IdIndex> {
  const idIndexes = new Map<string, IdIndex>();
  for (const [axis, column] of Object.entries(manifest.axis_index_columns)) {
    const table = tables.get(axis)!;
    const path = manifest.meta_files[axis]!;
    if (!table.has(column)) {
      throw new DataError(
        path,
        `has no id column '${column}' (axis_index_columns.${axis}); its columns are ${table.columnNames.join(", ")}`,
      );
    }
    const coordinates = manifest.axes.indexOf(axis) > 0;
    idIndexes.set(
      axis,
      buildIdIndex(table.column(column), `${path} column '${column}'`, coordinates),
    );
  }
  return idIndexes;
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
  return datasetOf(store.location, manifest, array, maskArray, tables, idIndexes);
}

/** The opened dataset: lookups by axis and id, and reads within the manifest's shape. */
function datasetOf(
  location: string,
  manifest: Manifest,
  array: StoredArray,
  maskArray: StoredArray | undefined,
  tables: Map<string, MetaTable>,
  idIndexes: Map<string, IdIndex>,
): StoredDataset {
  const meta = (axis: string) =>
    tables.get(axis) ?? MetaTable.empty(manifest.shape[axisPosition(manifest.axes, axis)]);
  const ids = (axis: string) => {
    axisPosition(manifest.axes, axis);
    const column = manifest.axis_index_columns[axis];
    return column === undefined ? undefined : (meta(axis).column(column).values as string[]);
  };
  const indexOf = (axis: string, id: string | number | bigint) => {
    axisPosition(manifest.axes, axis);
    const index = idIndexes.get(axis);
    if (index === undefined)
      throw new DataError(`axis '${axis}'`, "has no id column to look ids up in");
    return lookupId(index, id);
  };
  const first = manifest.axes[0]!;
  return Object.freeze({
    manifest,
    location,
    axes: Object.freeze([...manifest.axes]),
    shape: Object.freeze([...manifest.shape]),
    dtype: manifest.dtype,
    axisIndexColumns: Object.freeze({ ...manifest.axis_index_columns }),
    attrs: Object.freeze({ ...(manifest.attrs ?? {}) }),
    array,
    maskArray,
    hasMask: maskArray !== undefined,
    meta,
    ids,
    indexOf,
    getInstance(id: string | number | bigint) {
      const index = indexOf(first, id);
      return index === undefined ? undefined : { index, meta: meta(first).row(index) };
    },
    read: (selection: readonly AxisSelection[], readOptions?: IOOptions) =>
      array.read(withinManifest(manifest, selection), readOptions),
    ...(array.readInto
      ? {
          readInto: (
            selection: readonly AxisSelection[],
            target: TypedArray,
            offset: number,
            readOptions?: IOOptions,
          ) => array.readInto!(withinManifest(manifest, selection), target, offset, readOptions),
        }
      : {}),
    async readMask(selection: readonly AxisSelection[], readOptions?: IOOptions) {
      const within = withinManifest(manifest, selection);
      if (maskArray !== undefined) return (await maskArray.read(within, readOptions)) as Uint8Array;
      const size = resolveSelection(manifest.shape, within).reduce(
        (n, indices) => n * indices.length,
        1,
      );
      return new Uint8Array(size).fill(1);
    },
  });
}
