/** Opens a dataset bundle from any key-value store and checks it against its manifest. */

import {
  type AxisSelection,
  axisPosition,
  checkArrayAgainstManifest,
  DataError,
  type IOOptions,
  isTensorToolsError,
  type KeyValueStore,
  type Manifest,
  MetaTable,
  NotFoundError,
  parseManifest,
  resolveSelection,
  type StoredArray,
  type StoredDataset,
} from "@tt/schema";
import { buildIdIndex, type IdIndex, lookupId } from "./ids.js";
import { type BundlePlugins, LAYOUT, resolvePlugins } from "./plugins.js";

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

/**
 * Opens the bundle in `store`: validates the manifest, then checks it against the arrays and
 * every metadata table (shape, dtype, row counts, unique non-null ids). Any mismatch is one
 * typed error that names the file and what disagrees.
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
  const { arrayStore, metaIO } = resolvePlugins(options);
  const { signal } = options;
  const bytes = await store.get(LAYOUT.manifest, { signal });
  if (bytes === undefined) {
    throw new NotFoundError(
      LAYOUT.manifest,
      `no ${LAYOUT.manifest} in ${store.location}; is this a tensortools dataset bundle?`,
    );
  }
  const manifest = parseManifest(
    new TextDecoder().decode(bytes),
    `${store.location}/${LAYOUT.manifest}`,
  );
  const array = await openArray(
    () => arrayStore.open(store, manifest.array_store, { signal }),
    manifest.array_store,
    store.location,
  );
  checkArrayAgainstManifest(array, manifest, "array_store", manifest.dtype);
  const maskArray =
    manifest.mask_store === undefined
      ? undefined
      : await openArray(
          () => arrayStore.open(store, manifest.mask_store!, { signal }),
          manifest.mask_store,
          store.location,
        );
  if (maskArray !== undefined) checkArrayAgainstManifest(maskArray, manifest, "mask_store", "bool");

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
    idIndexes.set(axis, buildIdIndex(table.column(column), `${path} column '${column}'`));
  }

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
    location: store.location,
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
