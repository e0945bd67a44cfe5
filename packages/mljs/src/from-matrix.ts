/** fromMatrix: an ml-matrix Matrix back as one of our tables, keyed by the ids given. */

import {
  type AnyColumn,
  type AxisIndex,
  ConfigError,
  columnFromCells,
  columnFromValues,
  DataError,
  INSTANCE_ID,
  MetaTable,
} from "@tt/schema";
import type { AbstractMatrix } from "ml-matrix";

/**
 * Options of {@link fromMatrix}.
 *
 * @example
 * ```ts
 * const options: FromMatrixOptions = { ids: view.ids("epoch")!, idColumn: "epoch_id", columns: ["label"], type: "int32" };
 * const table = fromMatrix(Matrix.columnVector(labels), options);
 * ```
 */
export interface FromMatrixOptions {
  /** One id per matrix row, each once: a view's `ids(axis)`, a table's id column values. */
  ids: AxisIndex;
  /** The name of the id column, first in the table; `instance_id` by default, as results. */
  idColumn?: string;
  /** One name per matrix column; `column_1`, `column_2`, ... by default. */
  columns?: readonly string[];
  /**
   * The type of the value columns: `float64` (the default; NaN stays NaN) or `int32`, for labels,
   * where a value that is not an int32 is a DataError.
   */
  type?: "float64" | "int32";
}

/** The id column for `ids`: strings, int64 for bigints, int32 for small integers, else float64. */
function idColumnOf(ids: AxisIndex): AnyColumn {
  if (ids instanceof BigInt64Array) return columnFromValues("int64", ids);
  if (ids instanceof BigUint64Array) return columnFromCells("int64", Array.from(ids));
  const cells = Array.from(ids as ArrayLike<string | number | bigint>);
  const kinds = new Set(cells.map((id) => typeof id));
  if (kinds.size > 1) {
    throw new ConfigError("ids", `mixes ${[...kinds].join(" and ")} ids; give ids of one kind`);
  }
  if (kinds.has("string")) return columnFromCells("string", cells);
  if (kinds.has("bigint")) return columnFromCells("int64", cells);
  const numbers = cells as number[];
  if (numbers.every((id) => Number.isInteger(id) && id === (id | 0)))
    return columnFromValues("int32", Int32Array.from(numbers));
  return columnFromValues("float64", Float64Array.from(numbers));
}

/** `ids`, checked: one per row, each once, none missing. */
function checkIds(ids: unknown, rows: number): AxisIndex {
  if (!Array.isArray(ids) && !(ArrayBuffer.isView(ids) && !(ids instanceof DataView))) {
    throw new ConfigError(
      "ids",
      `must be an array of ids (a view's ids(axis), say), one per matrix row, got ${ids === null ? "null" : typeof ids}`,
    );
  }
  const list = ids as ArrayLike<unknown>;
  if (list.length !== rows) {
    throw new ConfigError("ids", `has ${list.length} ids for a matrix of ${rows} rows`);
  }
  const seen = new Map<unknown, number>();
  for (let row = 0; row < list.length; row++) {
    const id = list[row];
    if (id === null || id === undefined || (typeof id === "number" && Number.isNaN(id))) {
      throw new ConfigError("ids", `has no id at row ${row}; every row needs one`);
    }
    const before = seen.get(id);
    if (before !== undefined) {
      throw new ConfigError(
        "ids",
        `repeats id ${String(id)} (rows ${before} and ${row}); a table keyed by ids needs each once`,
      );
    }
    seen.set(id, row);
  }
  return ids as AxisIndex;
}

/** The value column names: `columns` checked against the matrix and the id column, or defaults. */
function columnNames(columns: unknown, count: number, idColumn: string): string[] {
  if (columns === undefined) return Array.from({ length: count }, (_, j) => `column_${j + 1}`);
  if (!Array.isArray(columns) || columns.some((name) => typeof name !== "string" || name === "")) {
    throw new ConfigError(
      "columns",
      `must be a list of non-empty column names, got ${JSON.stringify(columns)}`,
    );
  }
  if (columns.length !== count) {
    throw new ConfigError(
      "columns",
      `has ${columns.length} names for a matrix of ${count} columns`,
    );
  }
  const clash = columns.find((name, j) => name === idColumn || columns.indexOf(name) !== j);
  if (clash !== undefined) {
    throw new ConfigError(
      "columns",
      `names '${clash}' twice (the id column is '${idColumn}'); each column needs its own name`,
    );
  }
  return columns as string[];
}

/** Column `j` of `matrix` as a column of `type`. */
function valueColumn(matrix: AbstractMatrix, j: number, type: "float64" | "int32"): AnyColumn {
  const values = new Float64Array(matrix.rows);
  for (let row = 0; row < matrix.rows; row++) values[row] = matrix.get(row, j);
  if (type === "float64") return columnFromValues("float64", values);
  const row = values.findIndex((value) => value !== (value | 0));
  if (row !== -1) {
    throw new DataError(
      `matrix row ${row} column ${j}`,
      `is ${values[row]}, not an int32; pass type "float64" for such values`,
    );
  }
  return columnFromValues("int32", Int32Array.from(values));
}

/**
 * The table of `matrix` keyed by `ids`: the id column first (`instance_id` unless `idColumn`
 * says otherwise), then one column per matrix column, named by `columns`. A table keyed by the
 * view's ids joins back like a result's instance table: put it in a method's `factorTables`, or
 * attach its columns to a view's metadata. Ids that do not match the rows, repeat or are missing
 * and names that do not match the columns are ConfigErrors.
 *
 * @example
 * ```ts
 * import { fromMatrix, toMatrix } from "@tt/mljs";
 *
 * const scores = toMatrix(pcaResult, ["score_1", "score_2"]);
 * const centered = scores.clone().center("column");
 * const table = fromMatrix(centered, { ids: dataset.ids("instance")!, columns: ["c1", "c2"] });
 * table.toRecords()[0]; // { instance_id: "f000", c1: ..., c2: ... }
 * ```
 */
export function fromMatrix(matrix: AbstractMatrix, options: FromMatrixOptions): MetaTable {
  const shaped = matrix as Partial<AbstractMatrix> | null;
  if (
    typeof shaped !== "object" ||
    shaped === null ||
    typeof shaped.get !== "function" ||
    !Number.isInteger(shaped.rows) ||
    !Number.isInteger(shaped.columns)
  ) {
    throw new ConfigError("matrix", "must be an ml-matrix Matrix (rows, columns and get(i, j))");
  }
  const idColumn = options.idColumn ?? INSTANCE_ID;
  const type = options.type ?? "float64";
  if (type !== "float64" && type !== "int32") {
    throw new ConfigError("type", `must be "float64" or "int32", got ${JSON.stringify(type)}`);
  }
  const ids = checkIds(options.ids, matrix.rows);
  const names = columnNames(options.columns, matrix.columns, idColumn);
  const columns: [string, AnyColumn][] = [[idColumn, idColumnOf(ids)]];
  names.forEach((name, j) => {
    columns.push([name, valueColumn(matrix, j, type)]);
  });
  return MetaTable.fromColumns(columns, matrix.rows);
}
