/** Joining a result's instance table onto a dataset's first-axis metadata, by id. */

import { createDataset, datasetFromTensor, viewFromJSON } from "@tt/query";
import {
  type AnyColumn,
  type AxisAnnotatedTensor,
  ConfigError,
  columnFromValues,
  concatColumns,
  DataError,
  type DecompositionResult,
  INSTANCE_ID,
  INSTANCE_TABLE,
  isNullAt,
  type MetaTable,
  type StoredDataset,
  type TensorDataset,
  type TensorView,
  takeColumn,
  UnsupportedError,
} from "@tt/schema";
import { instanceTableOf } from "./instance-table.js";

/** Options of {@link joinResult}. */
export interface JoinResultOptions {
  /** Put before every joined column name, e.g. `"pca_"`; needed when a name is already taken. */
  prefix?: string;
}

const NEUTRAL: Partial<Record<AnyColumn["type"], unknown>> = { string: "" };

/** `column`'s rows at `rows` (-1: null), as a column of the dataset's length. */
function gather(column: AnyColumn, rows: Int32Array): AnyColumn {
  if (column.values.length === 0)
    return concatColumns(column.type, [{ column: undefined, length: rows.length }]) as AnyColumn;
  const taken = takeColumn(
    column as never,
    rows.map((row) => Math.max(row, 0)),
  ) as AnyColumn;
  const valid = new Uint8Array(rows.length);
  const values = taken.values as unknown as { [i: number]: unknown };
  rows.forEach((row, i) => {
    if (row >= 0 && !isNullAt(column, row)) valid[i] = 1;
    else if (column.type === "list<string>") values[i] = [];
    else values[i] = NEUTRAL[column.type] ?? (typeof values[i] === "bigint" ? 0n : 0);
  });
  return columnFromValues(column.type, taken.values as never, valid) as AnyColumn;
}

/** How messages name a dataset: its location, or that it is held in memory. */
function named(dataset: TensorDataset): string {
  return dataset.location ?? "the dataset in memory";
}

/** The first-axis metadata of `dataset` with the result's instance columns attached by id. */
function joinedMeta(
  dataset: TensorDataset,
  result: DecompositionResult,
  prefix: string,
): MetaTable {
  const axis = dataset.axes[0]!;
  const idColumn = dataset.axisIndexColumns[axis];
  if (idColumn === undefined)
    throw new UnsupportedError(
      "join without ids",
      `axis '${axis}' of ${named(dataset)} has no id column to join on`,
    );
  const table = instanceTableOf(result);
  const key = INSTANCE_ID;
  const where = `factor table '${INSTANCE_TABLE}' column '${key}'`;
  const meta = dataset.meta(axis);
  const added = table.columnNames.filter((name) => name !== key);
  const clashes = added.filter((name) => meta.has(prefix + name));
  if (clashes.length > 0) {
    const names = clashes.map((name) => `'${prefix + name}'`).join(", ");
    throw new ConfigError(
      "prefix",
      prefix === ""
        ? `the result's columns ${names} already exist in the '${axis}' metadata; pass a prefix such as "${result.method}_"`
        : `with prefix "${prefix}", the columns ${names} still exist in the '${axis}' metadata; choose another prefix`,
    );
  }

  const rows = new Int32Array(dataset.shape[0]!).fill(-1);
  const ids = table.column(key);
  const missing: string[] = [];
  const values = ids.values as ArrayLike<string | number | bigint>;
  for (let row = 0; row < table.numRows; row++) {
    if (isNullAt(ids, row))
      throw new DataError(`${where} row ${row}`, "is null; every id must be present");
    const position = dataset.indexOf(axis, values[row]!);
    if (position === undefined) missing.push(JSON.stringify(String(values[row])));
    else if (rows[position] !== -1)
      throw new DataError(
        `${where} row ${row}`,
        `repeats id ${String(values[row])} of row ${rows[position]}`,
      );
    else rows[position] = row;
  }
  if (missing.length > 0) {
    throw new DataError(
      where,
      `${missing.length} id${missing.length > 1 ? "s are" : " is"} not in ${named(dataset)} ('${idColumn}' of axis '${axis}'): ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}; was the result computed from another dataset?`,
    );
  }
  let joined = meta;
  for (const name of added)
    joined = joined.withColumn(prefix + name, gather(table.column(name), rows));
  return joined;
}

/** Whether `input` is a view of a dataset (a dataset is one), not a tensor. */
function isView(input: TensorView | AxisAnnotatedTensor): input is TensorView {
  const view = input as Partial<TensorView> | null;
  return typeof view?.toJSON === "function" && typeof view.dataset === "object";
}

/** `input`, if it is a tensor; anything else is a ConfigError saying what joinResult takes. */
function checkTensor(input: unknown): AxisAnnotatedTensor {
  const tensor = input as Partial<AxisAnnotatedTensor> | null;
  if (typeof tensor !== "object" || tensor === null || !ArrayBuffer.isView(tensor.data))
    throw new ConfigError(
      "target",
      `must be a dataset, a view of one or an axis-annotated tensor (createTensor), got ${tensor === null ? "null" : typeof tensor}`,
    );
  return tensor as AxisAnnotatedTensor;
}

/** `dataset` with the metadata of its first axis replaced by `meta`. */
function withFirstAxisMeta(dataset: TensorDataset, meta: MetaTable): StoredDataset {
  const first = dataset.axes[0]!;
  return Object.freeze({
    manifest: dataset.manifest,
    location: dataset.location,
    axes: dataset.axes,
    shape: dataset.shape,
    dtype: dataset.dtype,
    axisIndexColumns: dataset.axisIndexColumns,
    attrs: dataset.attrs,
    array: dataset.array,
    maskArray: dataset.maskArray,
    hasMask: dataset.hasMask,
    meta: (axis: string) => (axis === first ? meta : dataset.meta(axis)),
    ids: (axis: string) => dataset.ids(axis),
    indexOf: (axis: string, id: string | number | bigint) => dataset.indexOf(axis, id),
    getInstance(id: string | number | bigint) {
      const index = dataset.indexOf(first, id);
      return index === undefined ? undefined : { index, meta: meta.row(index) };
    },
    read: dataset.read.bind(dataset),
    ...(dataset.readInto ? { readInto: dataset.readInto.bind(dataset) } : {}),
    readMask: dataset.readMask.bind(dataset),
  });
}

/**
 * The same data as `target`, whose first-axis metadata has the result's instance columns
 * (scores, errors, ...) attached by id (the instance table's `instance_id` against the
 * dataset's ids of its first axis), so they can be queried next to the labels. Instances the
 * result does not cover get nulls. A column name that already exists is a ConfigError on
 * `prefix`; result ids absent from the dataset are a DataError naming the first few. A view is
 * rebuilt from its selectors against the joined dataset; a tensor is joined as the dataset
 * `datasetFromTensor(tensor)` (its ids, or its row numbers when its first axis has none).
 *
 * @example
 * ```ts
 * const joined = joinResult(dataset, result);
 * const picked = joined.query("instance", "score_1 > 2 and label == 'target'");
 * const scored = joinResult(tensor, await decompose(tensor, "pca", { rank: 2 }));
 * ```
 */
export function joinResult(
  target: TensorDataset | AxisAnnotatedTensor,
  result: DecompositionResult,
  options?: JoinResultOptions,
): TensorDataset;
export function joinResult(
  target: TensorView,
  result: DecompositionResult,
  options?: JoinResultOptions,
): TensorView;
export function joinResult(
  input: TensorDataset | TensorView | AxisAnnotatedTensor,
  result: DecompositionResult,
  options: JoinResultOptions = {},
): TensorView {
  const target = isView(input) ? input : datasetFromTensor(checkTensor(input));
  const dataset = target.dataset;
  const meta = joinedMeta(dataset, result, options.prefix ?? "");
  const joined = createDataset(withFirstAxisMeta(dataset, meta));
  return target === dataset ? joined : viewFromJSON(joined, target.toJSON());
}
