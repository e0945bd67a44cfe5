/**
 * One stored array plus per-axis metadata as a stored dataset, so that an array read in place
 * (an HDF5 dataset, a sparse matrix) goes wherever a dataset goes: `createDataset` of
 * `@tt/query` makes it a view with the selection verbs, and `decompose` streams it.
 */

import {
  type AxisSelection,
  axisPosition,
  buildIdIndex,
  columnFromValues,
  DATASET_KIND,
  DataError,
  type IdIndex,
  type IOOptions,
  type JsonObject,
  lookupId,
  type Manifest,
  MetaTable,
  resolveSelection,
  SCHEMA_VERSION,
  type StoredArray,
  type StoredDataset,
  sizeOf,
  type TypedArray,
} from "@tt/schema";

/**
 * Options of {@link storedDatasetOf}.
 *
 * @example
 * ```ts
 * const options: ArrayDatasetOptions = {
 *   axisMeta: { cell: MetaTable.fromRecords(cells) },
 *   axisIndexColumns: { cell: "barcode" },
 * };
 * ```
 */
export interface ArrayDatasetOptions {
  /** A metadata table per axis (one row per element); axes without one have none. */
  axisMeta?: Readonly<Record<string, MetaTable>>;
  /**
   * The metadata column holding each axis's ids; `<axis>_id` when the table has it. A first axis
   * without ids is numbered 0, 1, ... in `<axis>_id` (int32), so results are keyed by row number.
   */
  axisIndexColumns?: Readonly<Record<string, string>>;
  /** Global attributes. */
  attrs?: JsonObject;
}

/** The metadata table of one axis, its id column and index, checked against the axis length. */
function axisTable(
  axis: string,
  position: number,
  length: number,
  options: ArrayDatasetOptions,
): { table: MetaTable; column?: string; index?: IdIndex } {
  const given = options.axisMeta?.[axis];
  if (given !== undefined && given.numRows !== length)
    throw new DataError(
      `axisMeta.${axis}`,
      `has ${given.numRows} rows; axis '${axis}' has ${length} elements`,
    );
  const named = options.axisIndexColumns?.[axis];
  const column = named ?? `${axis}_id`;
  let table = given ?? MetaTable.empty(length);
  if (!table.has(column)) {
    if (named !== undefined)
      throw new DataError(
        `axisIndexColumns.${axis}`,
        `names '${named}', which is no metadata column of axis '${axis}' (columns: ${table.columnNames.join(", ") || "none"})`,
      );
    if (position > 0) return { table };
    const numbers = Int32Array.from({ length }, (_, i) => i);
    const columns = table.columnNames.map((name) => [name, table.column(name)] as const);
    table = MetaTable.fromColumns(
      [[column, columnFromValues("int32", numbers)], ...columns],
      length,
    );
  }
  const where = `axis '${axis}' id column '${column}'`;
  return { table, column, index: buildIdIndex(table.column(column), where, position > 0) };
}

/**
 * `array` (its `dimensionNames` are the axes) with per-axis metadata as a {@link StoredDataset}
 * held in memory (`location` undefined, like a tensor as a dataset: a result of it records no
 * stored input). Pass it to `createDataset` of `@tt/query` (also exported by `tensortools`) for
 * a dataset with views, queries, `materialize`, `blocks` and `readRowsInto`; reads go to the
 * array (straight into the caller's buffer when it offers `readInto`), so a file far larger than
 * memory streams into `decompose`. Bundles over HDF5 files (a manifest naming the file) are the
 * way to keep such a dataset on disk with its metadata; this is the in-memory wrapper.
 *
 * @example
 * ```ts
 * import { openHdf5Sparse, storedDatasetOf } from "@tt/store-hdf5";
 * import { createDataset, decompose } from "tensortools";
 * const matrix = await openHdf5Sparse("pbmc.h5", "/matrix", {
 *   compressed: "columns", transpose: true, dimensionNames: ["cell", "gene"],
 * });
 * const dataset = createDataset(storedDatasetOf(matrix));
 * const result = await decompose(dataset, "pca", { rank: 10, memory_budget: 256 * 2 ** 20 });
 * ```
 */
export function storedDatasetOf(
  array: StoredArray,
  options: ArrayDatasetOptions = {},
): StoredDataset {
  const { shape, dtype } = array.metadata;
  const axes = [...array.metadata.dimensionNames];
  const tables = new Map<string, MetaTable>();
  const indexes = new Map<string, IdIndex>();
  const axisIndexColumns: Record<string, string> = {};
  for (const axis of Object.keys(options.axisMeta ?? {})) axisPosition(axes, axis);
  for (const axis of Object.keys(options.axisIndexColumns ?? {})) axisPosition(axes, axis);
  axes.forEach((axis, position) => {
    const { table, column, index } = axisTable(axis, position, shape[position]!, options);
    tables.set(axis, table);
    if (column !== undefined && index !== undefined) {
      axisIndexColumns[axis] = column;
      indexes.set(axis, index);
    }
  });
  const manifest: Manifest = {
    schema_version: SCHEMA_VERSION,
    kind: DATASET_KIND,
    tensor_name: "data",
    shape: [...shape],
    dtype,
    axes,
    axis_index_columns: { ...axisIndexColumns },
    meta_files: {},
    array_store: "",
    attrs: structuredClone(options.attrs ?? {}),
  };
  return datasetOf(array, manifest, tables, indexes);
}

/** The stored dataset over `array` with its tables and id indexes. */
function datasetOf(
  array: StoredArray,
  manifest: Manifest,
  tables: Map<string, MetaTable>,
  indexes: Map<string, IdIndex>,
): StoredDataset {
  const { axes, shape } = manifest;
  const meta = (axis: string) => tables.get(axes[axisPosition(axes, axis)]!)!;
  const indexOf = (axis: string, id: string | number | bigint) => {
    const index = indexes.get(axes[axisPosition(axes, axis)]!);
    if (index === undefined)
      throw new DataError(`axis '${axis}'`, "has no id column to look ids up in");
    return lookupId(index, id);
  };
  const columns = manifest.axis_index_columns;
  return Object.freeze({
    manifest,
    location: undefined,
    axes: Object.freeze([...axes]),
    shape: Object.freeze([...shape]),
    dtype: manifest.dtype,
    axisIndexColumns: Object.freeze({ ...columns }),
    attrs: Object.freeze({ ...manifest.attrs }),
    array,
    maskArray: undefined,
    hasMask: false,
    meta,
    ids: (axis: string) => {
      const column = columns[axes[axisPosition(axes, axis)]!];
      return column === undefined ? undefined : (meta(axis).column(column).values as string[]);
    },
    indexOf,
    getInstance(id: string | number | bigint) {
      const index = indexOf(axes[0]!, id);
      return index === undefined ? undefined : { index, meta: meta(axes[0]!).row(index) };
    },
    read: (selection: readonly AxisSelection[], options?: IOOptions) =>
      array.read(selection, options),
    ...(array.readInto
      ? {
          readInto: (
            selection: readonly AxisSelection[],
            target: TypedArray,
            offset: number,
            options?: IOOptions,
          ) => array.readInto!(selection, target, offset, options),
        }
      : {}),
    async readMask(selection: readonly AxisSelection[], options?: IOOptions) {
      options?.signal?.throwIfAborted();
      return new Uint8Array(
        sizeOf(resolveSelection(shape, selection, axes).map((p) => p.length)),
      ).fill(1);
    },
  });
}
