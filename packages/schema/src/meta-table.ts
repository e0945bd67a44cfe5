/** MetaTable: the small columnar table that holds the metadata of one axis. */

import {
  type AnyColumn,
  type Cell,
  type Column,
  cellAt,
  columnFromCells,
  columnLength,
  concatColumns,
  type LogicalType,
  takeColumn,
} from "./column.js";
import { DataError, InvalidSelectionError, NotFoundError } from "./errors.js";

/** One field of a table's schema. */
export interface Field {
  /** The column name. */
  readonly name: string;
  /** Its logical type. */
  readonly type: LogicalType;
}

/** A row as a plain object: column name to value or `null`. */
export type MetaRecord = Record<string, Cell | null>;

/**
 * An immutable columnar table: named, typed columns of equal length with null masks.
 * Every operation returns a new table and shares unchanged columns.
 *
 * @example
 * ```ts
 * const meta = MetaTable.fromColumns({
 *   instance_id: columnFromCells("string", ["a", "b", "c"]),
 *   score: columnFromCells("float64", [0.2, null, 0.9]),
 * });
 * meta.take([2, 0]).toRecords(); // [{instance_id: "c", score: 0.9}, {instance_id: "a", score: 0.2}]
 * ```
 */
export class MetaTable {
  /** The number of rows. */
  readonly numRows: number;
  readonly #columns: ReadonlyMap<string, AnyColumn>;

  private constructor(columns: ReadonlyMap<string, AnyColumn>, numRows: number) {
    this.#columns = columns;
    this.numRows = numRows;
  }

  /**
   * A table from named columns, in the given order. All columns must have the same length;
   * `numRows` is required only for a table without columns.
   */
  static fromColumns(
    columns: Record<string, AnyColumn> | Iterable<readonly [string, AnyColumn]>,
    numRows?: number,
  ): MetaTable {
    const entries = Symbol.iterator in columns ? [...columns] : Object.entries(columns);
    const map = new Map<string, AnyColumn>();
    let rows = numRows;
    for (const [name, column] of entries) {
      if (typeof name !== "string" || name.length === 0) {
        throw new DataError(
          "table",
          `column names must be non-empty strings, got ${JSON.stringify(name)}`,
        );
      }
      if (map.has(name)) throw new DataError(`column '${name}'`, "appears twice in the table");
      const length = columnLength(column);
      rows ??= length;
      if (length !== rows) {
        throw new DataError(`column '${name}'`, `has ${length} rows, expected ${rows}`);
      }
      map.set(name, column);
    }
    if (rows === undefined) {
      throw new DataError("table", "a table without columns needs an explicit numRows");
    }
    if (!Number.isSafeInteger(rows) || rows < 0) {
      throw new DataError("table", `numRows must be a non-negative integer, got ${rows}`);
    }
    return new MetaTable(map, rows);
  }

  /**
   * A table from plain records. Types come from `types` where given, otherwise from the
   * values: string, boolean, number -> float64, bigint -> int64, Date -> timestamp,
   * string[] -> list<string>; a column of only nulls is a string column. Mixed types are an
   * error naming the column and row.
   */
  static fromRecords(
    records: readonly Record<string, unknown>[],
    types: Readonly<Record<string, LogicalType>> = {},
  ): MetaTable {
    const names: string[] = [];
    const seen = new Set<string>();
    for (const record of records) {
      for (const name of Object.keys(record)) {
        if (!seen.has(name)) {
          seen.add(name);
          names.push(name);
        }
      }
    }
    for (const name of Object.keys(types)) if (!seen.has(name)) names.push(name);
    const columns = names.map((name) => {
      const cells = records.map((record) => record[name]);
      const type = types[name] ?? inferType(name, cells);
      try {
        return [name, columnFromCells(type, cells) as AnyColumn] as const;
      } catch (error) {
        if (error instanceof DataError) {
          throw new DataError(
            `column '${name}' ${error.where}`,
            error.message.slice(error.where.length + 2),
          );
        }
        throw error;
      }
    });
    return MetaTable.fromColumns(columns, records.length);
  }

  /**
   * The rows of `tables` one after another. Columns are the union in order of first appearance;
   * a table without a column gives nulls there. The same column with two types is an error
   * naming the column and both table positions.
   */
  static concat(tables: readonly MetaTable[]): MetaTable {
    const types = new Map<string, { type: LogicalType; table: number }>();
    tables.forEach((table, position) => {
      for (const { name, type } of table.schema) {
        const seen = types.get(name);
        if (seen === undefined) types.set(name, { type, table: position });
        else if (seen.type !== type) {
          throw new DataError(
            `column '${name}'`,
            `is ${seen.type} in table ${seen.table} but ${type} in table ${position}; cast one of them first`,
          );
        }
      }
    });
    const numRows = tables.reduce((sum, table) => sum + table.numRows, 0);
    const columns = [...types].map(([name, { type }]) => {
      const parts = tables.map((table) => ({
        column: table.has(name) ? (table.column(name) as Column<typeof type>) : undefined,
        length: table.numRows,
      }));
      return [name, concatColumns(type, parts) as AnyColumn] as const;
    });
    return MetaTable.fromColumns(columns, numRows);
  }

  /** A table with `numRows` rows and no columns. */
  static empty(numRows = 0): MetaTable {
    return MetaTable.fromColumns([], numRows);
  }

  /** The column names, in order. */
  get columnNames(): string[] {
    return [...this.#columns.keys()];
  }

  /** The schema: name and logical type of every column, in order. */
  get schema(): Field[] {
    return [...this.#columns].map(([name, column]) => ({ name, type: column.type }));
  }

  /** Whether a column called `name` exists. */
  has(name: string): boolean {
    return this.#columns.has(name);
  }

  /** The column `name`; a missing name is a {@link NotFoundError} listing the columns. */
  column(name: string): AnyColumn {
    const column = this.#columns.get(name);
    if (column === undefined) {
      const available = this.columnNames;
      throw new NotFoundError(
        `column '${name}'`,
        `no column '${name}'; available columns: ${available.length ? available.join(", ") : "(none)"}`,
        { available },
      );
    }
    return column;
  }

  /** The column `name`, checked to be of logical type `type`. */
  typedColumn<T extends LogicalType>(name: string, type: T): Column<T> {
    const column = this.column(name);
    if (column.type !== type) {
      throw new DataError(`column '${name}'`, `is ${column.type}, expected ${type}`);
    }
    return column as Column<T>;
  }

  /** The value at `row` of column `name`, or `null`. */
  get(row: number, name: string): Cell | null {
    this.#checkRow(row);
    return cellAt(this.column(name), row);
  }

  /** Row `row` as a plain record. */
  row(row: number): MetaRecord {
    this.#checkRow(row);
    const record: MetaRecord = {};
    for (const [name, column] of this.#columns) record[name] = cellAt(column, row);
    return record;
  }

  /** Every row as a plain record. */
  toRecords(): MetaRecord[] {
    return Array.from({ length: this.numRows }, (_, row) => this.row(row));
  }

  /** The rows at `indices` (repeats allowed), in that order. */
  take(indices: ArrayLike<number>): MetaTable {
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      if (!Number.isInteger(index) || index < 0 || index >= this.numRows) {
        throw new InvalidSelectionError(
          "table rows",
          `index ${index} at position ${i} is outside 0..${this.numRows - 1}`,
        );
      }
    }
    const columns = [...this.#columns].map(
      ([name, column]) => [name, takeColumn(column, indices) as AnyColumn] as const,
    );
    return MetaTable.fromColumns(columns, indices.length);
  }

  /** The rows where `mask` is true (or non-zero); the mask needs one entry per row. */
  filter(mask: ArrayLike<boolean | number>): MetaTable {
    if (mask.length !== this.numRows) {
      throw new InvalidSelectionError(
        "table rows",
        `mask has ${mask.length} entries for ${this.numRows} rows`,
      );
    }
    const indices: number[] = [];
    for (let i = 0; i < mask.length; i++) if (mask[i]) indices.push(i);
    return this.take(indices);
  }

  /** Rows `start` (inclusive) to `stop` (exclusive). */
  slice(start: number, stop: number): MetaTable {
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(stop) ||
      start < 0 ||
      stop > this.numRows ||
      start > stop
    ) {
      throw new InvalidSelectionError(
        "table rows",
        `slice ${start}:${stop} does not fit 0:${this.numRows}`,
      );
    }
    return this.take(Array.from({ length: stop - start }, (_, i) => start + i));
  }

  /** Only the columns `names`, in that order. */
  select(names: readonly string[]): MetaTable {
    return MetaTable.fromColumns(
      names.map((name) => [name, this.column(name)] as const),
      this.numRows,
    );
  }

  /** This table with column `name` added, or replaced in place if it exists. */
  withColumn(name: string, column: AnyColumn): MetaTable {
    const map = new Map(this.#columns);
    map.set(name, column);
    return MetaTable.fromColumns(map, this.numRows);
  }

  /** This table without the columns `names` (each must exist). */
  drop(names: readonly string[]): MetaTable {
    for (const name of names) this.column(name);
    const dropped = new Set(names);
    return MetaTable.fromColumns(
      [...this.#columns].filter(([name]) => !dropped.has(name)),
      this.numRows,
    );
  }

  #checkRow(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.numRows) {
      throw new InvalidSelectionError("table rows", `row ${row} is outside 0..${this.numRows - 1}`);
    }
  }
}

function inferType(name: string, cells: readonly unknown[]): LogicalType {
  let type: LogicalType | undefined;
  let firstRow = -1;
  cells.forEach((cell, row) => {
    if (cell === null || cell === undefined) return;
    const cellType = typeOfCell(cell);
    if (cellType === undefined) {
      throw new DataError(
        `column '${name}' row ${row}`,
        `cannot store a value of type ${typeof cell}; expected string, boolean, number, bigint, Date or string[]`,
      );
    }
    if (type === undefined) {
      type = cellType;
      firstRow = row;
    } else if (type !== cellType) {
      throw new DataError(
        `column '${name}' row ${row}`,
        `holds a ${cellType} value but row ${firstRow} holds a ${type}; pass the column type explicitly or clean the data`,
      );
    }
  });
  return type ?? "string";
}

function typeOfCell(cell: unknown): LogicalType | undefined {
  switch (typeof cell) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      return "float64";
    case "bigint":
      return "int64";
    default:
      if (cell instanceof Date) return "timestamp";
      if (Array.isArray(cell) && cell.every((v) => typeof v === "string")) return "list<string>";
      return undefined;
  }
}
