/** The parts of opening a bundle or a field: its arrays, its axis tables and their id indexes. */

import {
  type ArrayStoreBackend,
  axisPosition,
  checkArrayAgainstManifest,
  DataError,
  isTensorToolsError,
  type KeyValueStore,
  type Manifest,
  type MetaIO,
  type MetaTable,
  NotFoundError,
  type StoredArray,
} from "@tt/schema";
import { buildIdIndex, type IdIndex } from "./ids.js";

/** Opens an array the manifest names; a missing one is a NotFoundError naming its path. */
export async function openArray(
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

/** Opens the data array and the mask and checks them against the manifest. */
export async function openArrays(
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
export async function readTables(
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
export function indexIds(manifest: Manifest, tables: Map<string, MetaTable>): Map<string, IdIndex> {
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
