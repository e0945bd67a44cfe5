/** An in-memory tensor as a dataset: the same views, verbs and readers as a bundle's. */

import {
  type AnyColumn,
  type AxisAnnotatedTensor,
  type AxisIndex,
  type AxisSelection,
  axisPosition,
  buildIdIndex,
  columnFromIndex,
  columnFromValues,
  createTensor,
  DATASET_KIND,
  DataError,
  type IdIndex,
  type IOOptions,
  lookupId,
  type Manifest,
  MetaTable,
  resolveSelection,
  SCHEMA_VERSION,
  type StoredDataset,
  sizeOf,
  type TensorDataset,
  type TypedArray,
} from "@tt/schema";
import { createDataset } from "./create-dataset.js";
import { memoryArray } from "./memory-array.js";

/** Options of {@link datasetFromTensor}. */
export interface TensorDatasetOptions {
  /**
   * The metadata column that holds the ids of an axis, by axis; `<axis>_id` when omitted. Ids in
   * `tensor.axisIndex` become that column (the first), as a bundle written from the tensor has
   * them; when the column exists too, it must hold the same ids.
   */
  axisIndexColumns?: Readonly<Record<string, string>>;
}

/** `ids` and `column` hold the same ids in the same order; else a DataError naming the row. */
function checkSameIds(column: AnyColumn, index: IdIndex, ids: AnyColumn, where: string): void {
  const values = ids.values as ArrayLike<string | number | bigint>;
  for (let row = 0; row < values.length; row++) {
    if (lookupId(index, values[row]!) !== row)
      throw new DataError(
        `${where} row ${row}`,
        `is ${JSON.stringify(String((column.values as ArrayLike<unknown>)[row]))} but axisIndex has ${JSON.stringify(String(values[row]))}; give the ids once, or the same ids in both`,
      );
  }
}

/**
 * The metadata table of `axis` with its id column (from `axisIndex`, or the named column; the
 * first axis numbered by position when it has neither) and that column's id index.
 */
function axisTable(
  tensor: AxisAnnotatedTensor,
  position: number,
  named: string | undefined,
): { table: MetaTable; column?: string; index?: IdIndex } {
  const axis = tensor.axes[position]!;
  const length = tensor.shape[position]!;
  const column = named ?? `${axis}_id`;
  const base = tensor.axisMeta[axis] ?? MetaTable.empty(length);
  const where = `axis '${axis}' id column '${column}'`;
  const given = tensor.axisIndex[axis];
  let ids: AnyColumn | undefined;
  if (given !== undefined) ids = columnFromIndex(given, `axis '${axis}' ids`);
  else if (position === 0 && named === undefined && !base.has(column))
    ids = columnFromValues(
      "int32",
      Int32Array.from({ length }, (_, i) => i),
    );
  if (ids === undefined && !base.has(column)) {
    if (named !== undefined)
      throw new DataError(
        `axisIndexColumns.${axis}`,
        `names '${named}', which is neither in axisIndex nor a metadata column of axis '${axis}' (columns: ${base.columnNames.join(", ") || "none"})`,
      );
    return { table: base };
  }
  if (ids !== undefined && base.has(column)) {
    const index = buildIdIndex(base.column(column), where, position > 0);
    checkSameIds(base.column(column), index, ids, where);
    return { table: base, column, index };
  }
  const table =
    ids === undefined
      ? base
      : MetaTable.fromColumns(
          [[column, ids], ...base.columnNames.map((name) => [name, base.column(name)] as const)],
          length,
        );
  return { table, column, index: buildIdIndex(table.column(column), where, position > 0) };
}

/** The manifest a bundle of the tensor would start from, naming no files. */
function manifestOf(
  tensor: AxisAnnotatedTensor,
  axisIndexColumns: Record<string, string>,
): Manifest {
  return {
    schema_version: SCHEMA_VERSION,
    kind: DATASET_KIND,
    tensor_name: "data",
    shape: [...tensor.shape],
    dtype: tensor.dtype,
    axes: [...tensor.axes],
    axis_index_columns: { ...axisIndexColumns },
    meta_files: {},
    array_store: "",
    attrs: structuredClone({ ...tensor.attrs }),
  };
}

/** The tensor as a {@link StoredDataset} held in memory (`location` undefined). */
function storedFromTensor(
  tensor: AxisAnnotatedTensor,
  options: TensorDatasetOptions,
): StoredDataset {
  const checked = createTensor({ ...tensor });
  const { axes, shape, dtype } = checked;
  for (const axis of Object.keys(options.axisIndexColumns ?? {})) axisPosition(axes, axis);
  const tables = new Map<string, MetaTable>();
  const indexes = new Map<string, IdIndex>();
  const axisIndexColumns: Record<string, string> = {};
  axes.forEach((axis, position) => {
    const { table, column, index } = axisTable(checked, position, options.axisIndexColumns?.[axis]);
    tables.set(axis, table);
    if (column !== undefined && index !== undefined) {
      axisIndexColumns[axis] = column;
      indexes.set(axis, index);
    }
  });
  const array = memoryArray(checked.data, dtype, shape, axes);
  const mask = checked.mask;
  const maskArray = mask === undefined ? undefined : memoryArray(mask, "bool", shape, axes);
  const meta = (axis: string) => {
    axisPosition(axes, axis);
    return tables.get(axis)!;
  };
  const indexOf = (axis: string, id: string | number | bigint) => {
    axisPosition(axes, axis);
    const index = indexes.get(axis);
    if (index === undefined)
      throw new DataError(`axis '${axis}'`, "has no id column to look ids up in");
    return lookupId(index, id);
  };
  const first = axes[0]!;
  return Object.freeze({
    manifest: manifestOf(checked, axisIndexColumns),
    location: undefined,
    axes,
    shape,
    dtype,
    axisIndexColumns: Object.freeze(axisIndexColumns),
    attrs: checked.attrs,
    array,
    maskArray,
    hasMask: maskArray !== undefined,
    meta,
    ids(axis: string) {
      const table = meta(axis);
      const column = axisIndexColumns[axis];
      return column === undefined ? undefined : (table.column(column).values as AxisIndex);
    },
    indexOf,
    getInstance(id: string | number | bigint) {
      const index = indexOf(first, id);
      return index === undefined ? undefined : { index, meta: meta(first).row(index) };
    },
    read: (selection: readonly AxisSelection[], readOptions?: IOOptions) =>
      array.read(selection, readOptions),
    readInto: (
      selection: readonly AxisSelection[],
      target: TypedArray,
      offset: number,
      readOptions?: IOOptions,
    ) => array.readInto!(selection, target, offset, readOptions),
    async readMask(selection: readonly AxisSelection[], readOptions?: IOOptions) {
      if (maskArray !== undefined)
        return (await maskArray.read(selection, readOptions)) as Uint8Array;
      readOptions?.signal?.throwIfAborted();
      return new Uint8Array(
        sizeOf(resolveSelection(shape, selection, axes).map((indices) => indices.length)),
      ).fill(1);
    },
  });
}

/**
 * `tensor` as a dataset held in memory: a {@link TensorDataset} with every verb of a bundle's
 * (`query`, `filter`, `slice`, `take`, `materialize`, `blocks`, `readRowsInto`, `toJSON`), so it
 * goes wherever a dataset or view goes (`decompose`, `joinResult`, `writeDataset`,
 * `concatDatasets`). Reads copy out of the tensor, which is never changed.
 *
 * Ids: an axis's ids come from `tensor.axisIndex` (they become its id column, `<axis>_id` unless
 * `axisIndexColumns` names another, placed first as in a bundle written from the tensor) or from
 * the metadata column `axisIndexColumns` names (or `<axis>_id`, if present). A first axis with
 * neither is numbered by position: ids 0, 1, ... (int32) in `<axis>_id`, so a result is keyed by
 * the row numbers of the tensor. Ids must be unique and present (floats only after the first axis).
 *
 * The dataset's `location` is `undefined`: a result computed from it records no stored input
 * (`inputRef.dataset` is null, and `reopenInput` refuses it), and a bundle written from it has no
 * `derived_from`. Its `manifest` describes the tensor and names no files.
 *
 * Errors: a tensor that `createTensor` refuses, and ids that are missing, repeated, of mixed
 * kinds or different from the id column, are DataErrors naming the axis.
 *
 * @example
 * ```ts
 * const dataset = datasetFromTensor(createTensor({
 *   data: Float64Array.from({ length: 3 * 2 }, (_, i) => i),
 *   shape: [3, 2],
 *   axes: ["instance", "feature"],
 *   axisIndex: { instance: ["a", "b", "c"] },
 *   axisMeta: { instance: MetaTable.fromRecords([{ g: "x" }, { g: "y" }, { g: "x" }]) },
 * }));
 * const view = dataset.query("instance", "g == 'x'").take("feature", [1]);
 * view.ids("instance");           // ["a", "c"]
 * (await view.materialize()).data; // Float64Array [1, 5]
 * ```
 */
export function datasetFromTensor(
  tensor: AxisAnnotatedTensor,
  options: TensorDatasetOptions = {},
): TensorDataset {
  return createDataset(storedFromTensor(tensor, options));
}
