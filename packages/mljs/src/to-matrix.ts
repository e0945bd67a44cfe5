/** toMatrix: named numeric columns of a table, a result or a view's metadata as a Matrix. */

import {
  type AnyColumn,
  ConfigError,
  DataError,
  type DecompositionResult,
  INSTANCE_ID,
  INSTANCE_TABLE,
  type MetaTable,
  type ReadableView,
} from "@tt/schema";
import { Matrix } from "ml-matrix";
import { exactNumber, idSuffix, type NullPolicy, nullPolicy } from "./numbers.js";

/**
 * What {@link toMatrix} reads from: a table (a result's factor table, any `MetaTable`), a
 * decomposition result (its `instance` table), or a view or dataset (the metadata of its first
 * axis, where `joinResult` puts the scores).
 *
 * @example
 * ```ts
 * const sources: MatrixSource[] = [result, result.factorTables.instance!, joinResult(dataset, result)];
 * ```
 */
export type MatrixSource = MetaTable | Pick<DecompositionResult, "factorTables"> | ReadableView;

/**
 * Options of {@link toMatrix}.
 *
 * @example
 * ```ts
 * const options: ToMatrixOptions = { nulls: "nan" };
 * toMatrix(joined, ["pca_score_1"], options); // flowers the result does not cover give NaN
 * ```
 */
export interface ToMatrixOptions {
  /** A null cell: a DataError naming column and row (`"error"`, the default) or NaN (`"nan"`). */
  nulls?: NullPolicy;
}

/** The table a source stands for, how messages name it, and its row ids if it has any. */
interface ResolvedTable {
  table: MetaTable;
  where: string;
  ids: ArrayLike<unknown> | undefined;
}

const NUMERIC = new Set<AnyColumn["type"]>(["int32", "int64", "float32", "float64"]);

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object"
    ? "an object without columns, factorTables or axes"
    : typeof value;
}

function isTable(source: object): source is MetaTable {
  const table = source as Partial<MetaTable>;
  return typeof table.column === "function" && Array.isArray(table.columnNames);
}

function isView(source: object): source is ReadableView {
  const view = source as Partial<ReadableView>;
  return typeof view.meta === "function" && Array.isArray(view.axes);
}

function tableIds(table: MetaTable): ArrayLike<unknown> | undefined {
  return table.has(INSTANCE_ID)
    ? (table.column(INSTANCE_ID).values as ArrayLike<unknown>)
    : undefined;
}

/** The table behind `source`; anything else is a ConfigError on `source` saying what fits. */
function resolve(source: MatrixSource): ResolvedTable {
  if (typeof source !== "object" || source === null) {
    throw new ConfigError(
      "source",
      `must be a MetaTable, a decomposition result or a view, got ${describe(source)}`,
    );
  }
  if (isTable(source)) return { table: source, where: "the table", ids: tableIds(source) };
  if (isView(source)) {
    const axis = source.axes[0]!;
    return { table: source.meta(axis), where: `the '${axis}' metadata`, ids: source.ids(axis) };
  }
  const tables = (source as Partial<DecompositionResult>).factorTables;
  if (typeof tables !== "object" || tables === null) {
    throw new ConfigError(
      "source",
      `must be a MetaTable, a decomposition result or a view, got ${describe(source)}`,
    );
  }
  const table = tables[INSTANCE_TABLE];
  if (table === undefined) {
    const names = Object.keys(tables);
    throw new ConfigError(
      "source",
      `the result has no '${INSTANCE_TABLE}' factor table (it has ${names.join(", ") || "none"}); pass one of its tables itself`,
    );
  }
  return { table, where: `the result's '${INSTANCE_TABLE}' table`, ids: tableIds(table) };
}

/** `columns`, checked to be a non-empty list of names that all exist in `table`. */
function checkColumns(columns: unknown, source: MatrixSource, resolved: ResolvedTable): string[] {
  const { table, where } = resolved;
  if (columns === undefined && isView(source)) {
    throw new ConfigError(
      "columns",
      `toMatrix(view, columns) takes columns of ${where}, such as joined scores; name them, or read the view's values with await readMatrix(view)`,
    );
  }
  if (!Array.isArray(columns) || columns.some((name) => typeof name !== "string")) {
    throw new ConfigError(
      "columns",
      `must be a list of column names such as ["score_1", "score_2"], got ${JSON.stringify(columns)}`,
    );
  }
  if (columns.length === 0) {
    throw new ConfigError("columns", `must name at least one column of ${where}`);
  }
  for (const name of columns as string[]) {
    if (!table.has(name)) {
      throw new ConfigError(
        "columns",
        `${where} has no column '${name}'; its columns are ${table.columnNames.join(", ") || "(none)"}`,
      );
    }
  }
  return columns as string[];
}

/** Copies column `name` into column `j` of `matrix`, checking its type and its nulls. */
function copyColumn(
  matrix: Matrix,
  j: number,
  name: string,
  resolved: ResolvedTable,
  nulls: NullPolicy,
): void {
  const column = resolved.table.column(name);
  if (!NUMERIC.has(column.type)) {
    throw new DataError(
      `${resolved.where} column '${name}'`,
      `is ${column.type}, not numeric; toMatrix reads int32, int64, float32 and float64 columns: leave '${name}' out, or turn it into numbers first`,
    );
  }
  const values = column.values as ArrayLike<number | bigint>;
  const { valid } = column;
  for (let row = 0; row < values.length; row++) {
    if (valid !== undefined && valid[row] === 0) {
      if (nulls === "nan") {
        matrix.set(row, j, Number.NaN);
        continue;
      }
      const count = valid.reduce((sum, flag) => sum + (flag === 0 ? 1 : 0), 0);
      throw new DataError(
        `${resolved.where} column '${name}' row ${row}${idSuffix(resolved.ids, row)}`,
        `is null (${count} null row${count > 1 ? "s" : ""} in this column); drop those rows first, or pass { nulls: "nan" } to read nulls as NaN`,
      );
    }
    const where = () =>
      `${resolved.where} column '${name}' row ${row}${idSuffix(resolved.ids, row)}`;
    matrix.set(row, j, exactNumber(values[row]!, where));
  }
}

/**
 * The numeric `columns` of a table, a result's instance table or a view's first-axis metadata
 * as an ml-matrix `Matrix`: one row per table row, in order, one matrix column per name, in the
 * order given. A name that is not there is a ConfigError on `columns` listing the columns; a
 * column that is not int32, int64, float32 or float64 is a DataError, and so is a null (naming
 * column, row and id) unless `nulls: "nan"` asks for NaN. int64 values beyond ±2^53 are a
 * DataError rather than a rounded number.
 *
 * @example
 * ```ts
 * import { toMatrix } from "@tt/mljs";
 * import { kmeans } from "ml-kmeans";
 *
 * const scores = toMatrix(pcaResult, ["score_1", "score_2"]); // 150 x 2
 * const { clusters } = kmeans(scores.to2DArray(), 3, { seed: 1 });
 * const same = toMatrix(joinResult(dataset, pcaResult, { prefix: "pca_" }), ["pca_score_1", "pca_score_2"]);
 * ```
 */
export function toMatrix(
  source: MatrixSource,
  columns: readonly string[],
  options?: ToMatrixOptions,
): Matrix {
  const nulls = nullPolicy(options);
  const resolved = resolve(source);
  const names = checkColumns(columns, source, resolved);
  const matrix = new Matrix(resolved.table.numRows, names.length);
  names.forEach((name, j) => {
    copyColumn(matrix, j, name, resolved, nulls);
  });
  return matrix;
}
