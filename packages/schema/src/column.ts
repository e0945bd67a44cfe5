/** Typed metadata columns: one logical type, a typed value array and an optional validity mask. */

import { DataError } from "./errors.js";

/** The logical types a metadata column can have. */
export type LogicalType =
  | "string"
  | "boolean"
  | "int32"
  | "int64"
  | "float32"
  | "float64"
  | "timestamp"
  | "list<string>";

/** Every logical type, in a stable order. */
export const LOGICAL_TYPES: readonly LogicalType[] = Object.freeze([
  "string",
  "boolean",
  "int32",
  "int64",
  "float32",
  "float64",
  "timestamp",
  "list<string>",
]);

/**
 * How each logical type is stored. Timestamps are microseconds since 1970-01-01T00:00:00Z.
 * Slots that are null hold a neutral value (`""`, 0, `[]`) and are marked in `valid`.
 */
export interface ColumnValuesByType {
  string: string[];
  boolean: Uint8Array;
  int32: Int32Array;
  int64: BigInt64Array;
  float32: Float32Array;
  float64: Float64Array;
  timestamp: BigInt64Array;
  "list<string>": string[][];
}

/** The JavaScript value of one non-null cell of each logical type. */
export interface CellByType {
  string: string;
  boolean: boolean;
  int32: number;
  int64: bigint;
  float32: number;
  float64: number;
  timestamp: Date;
  "list<string>": string[];
}

/** Any non-null cell value. */
export type Cell = CellByType[LogicalType];

/** A column of logical type `T`. Treat it as immutable. */
export interface Column<T extends LogicalType = LogicalType> {
  /** The logical type. */
  readonly type: T;
  /** The values, one per row. */
  readonly values: ColumnValuesByType[T];
  /** 1 where the row has a value, 0 where it is null; `undefined` when no row is null. */
  readonly valid: Uint8Array | undefined;
}

/** A column of any logical type, discriminated by `type`. */
export type AnyColumn = { [T in LogicalType]: Column<T> }[LogicalType];

/** Number of rows of a column. */
export function columnLength(column: AnyColumn): number {
  return column.values.length;
}

/** Whether row `row` of `column` is null. */
export function isNullAt(column: AnyColumn, row: number): boolean {
  return column.valid !== undefined && column.valid[row] === 0;
}

/** The value of row `row`, or `null`. Timestamps become `Date` (millisecond precision). */
export function cellAt(column: AnyColumn, row: number): Cell | null {
  if (isNullAt(column, row)) return null;
  switch (column.type) {
    case "boolean":
      return column.values[row] === 1;
    case "timestamp":
      return new Date(Number(column.values[row]! / 1000n));
    case "list<string>":
      return [...column.values[row]!];
    default:
      return column.values[row]!;
  }
}

/**
 * Wraps raw storage as a column after checking that it fits `type` and that `valid`, when given,
 * has one entry per row.
 */
export function columnFromValues<T extends LogicalType>(
  type: T,
  values: ColumnValuesByType[T],
  valid?: Uint8Array,
): Column<T> {
  const expected = STORAGE[type];
  if (!expected.accepts(values)) {
    throw new DataError(`column of type ${type}`, `values must be ${expected.description}`);
  }
  if (valid !== undefined && valid.length !== values.length) {
    throw new DataError(
      `column of type ${type}`,
      `validity mask has ${valid.length} entries for ${values.length} values`,
    );
  }
  const allValid = valid === undefined || valid.every((flag) => flag === 1);
  return Object.freeze({ type, values, valid: allValid ? undefined : valid });
}

/**
 * Builds a column of `type` from JavaScript values, `null` or `undefined` meaning null.
 * A value that does not fit the type is an error naming its row; nothing is coerced.
 *
 * @example
 * ```ts
 * const score = columnFromCells("float64", [0.5, null, 0.9]);
 * ```
 */
export function columnFromCells<T extends LogicalType>(
  type: T,
  cells: ArrayLike<unknown>,
): Column<T> {
  const n = cells.length;
  const valid = new Uint8Array(n);
  const store = STORAGE[type];
  const values = store.allocate(n) as ColumnValuesByType[T];
  for (let row = 0; row < n; row++) {
    const cell = cells[row];
    if (cell === null || cell === undefined) continue;
    const stored = store.convert(cell);
    if (stored === INVALID) {
      throw new DataError(
        `row ${row}`,
        `${describe(cell)} is not a valid ${type} value (expected ${store.cellDescription})`,
      );
    }
    (values as unknown[] & { [i: number]: unknown })[row] = stored;
    valid[row] = 1;
  }
  return columnFromValues(type, values, valid);
}

/** A column holding the rows of `column` at `indices`, in that order. */
export function takeColumn<T extends LogicalType>(
  column: Column<T>,
  indices: ArrayLike<number>,
): Column<T> {
  const n = indices.length;
  const source = column.values as ArrayLike<unknown>;
  const values = STORAGE[column.type].allocate(n) as ColumnValuesByType[T];
  const target = values as unknown as { [i: number]: unknown };
  for (let i = 0; i < n; i++) target[i] = source[indices[i]!];
  let valid: Uint8Array | undefined;
  if (column.valid !== undefined) {
    valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = column.valid[indices[i]!]!;
  }
  return columnFromValues(column.type, values, valid);
}

const INVALID = Symbol("invalid");
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

interface Storage {
  description: string;
  cellDescription: string;
  accepts(values: unknown): boolean;
  allocate(n: number): unknown;
  convert(cell: unknown): unknown;
}

function toInt64(cell: unknown): bigint | typeof INVALID {
  const value =
    typeof cell === "bigint" ? cell : Number.isSafeInteger(cell) ? BigInt(cell as number) : null;
  return value !== null && value >= MIN_INT64 && value <= MAX_INT64 ? value : INVALID;
}

function isStringArray(values: unknown): boolean {
  return Array.isArray(values) && values.every((v) => typeof v === "string");
}

const STORAGE: Record<LogicalType, Storage> = {
  string: {
    description: "an array of strings",
    cellDescription: "a string",
    accepts: isStringArray,
    allocate: (n) => new Array<string>(n).fill(""),
    convert: (cell) => (typeof cell === "string" ? cell : INVALID),
  },
  boolean: {
    description: "a Uint8Array of 0 and 1",
    cellDescription: "true or false",
    accepts: (v) => v instanceof Uint8Array && v.every((b) => b <= 1),
    allocate: (n) => new Uint8Array(n),
    convert: (cell) => (typeof cell === "boolean" ? (cell ? 1 : 0) : INVALID),
  },
  int32: {
    description: "an Int32Array",
    cellDescription: "an integer in the int32 range",
    accepts: (v) => v instanceof Int32Array,
    allocate: (n) => new Int32Array(n),
    convert: (cell) =>
      typeof cell === "number" && Number.isInteger(cell) && cell >= -(2 ** 31) && cell < 2 ** 31
        ? cell
        : INVALID,
  },
  int64: {
    description: "a BigInt64Array",
    cellDescription: "a bigint or a safe integer",
    accepts: (v) => v instanceof BigInt64Array,
    allocate: (n) => new BigInt64Array(n),
    convert: toInt64,
  },
  float32: {
    description: "a Float32Array",
    cellDescription: "a number",
    accepts: (v) => v instanceof Float32Array,
    allocate: (n) => new Float32Array(n),
    convert: (cell) => (typeof cell === "number" ? cell : INVALID),
  },
  float64: {
    description: "a Float64Array",
    cellDescription: "a number",
    accepts: (v) => v instanceof Float64Array,
    allocate: (n) => new Float64Array(n),
    convert: (cell) => (typeof cell === "number" ? cell : INVALID),
  },
  timestamp: {
    description: "a BigInt64Array of microseconds since the epoch",
    cellDescription: "a valid Date",
    accepts: (v) => v instanceof BigInt64Array,
    allocate: (n) => new BigInt64Array(n),
    convert: (cell) =>
      cell instanceof Date && !Number.isNaN(cell.getTime())
        ? BigInt(cell.getTime()) * 1000n
        : INVALID,
  },
  "list<string>": {
    description: "an array of string arrays",
    cellDescription: "an array of strings",
    accepts: (v) => Array.isArray(v) && v.every(isStringArray),
    allocate: (n) => Array.from({ length: n }, () => [] as string[]),
    convert: (cell) => (isStringArray(cell) ? [...(cell as string[])] : INVALID),
  },
};

function describe(cell: unknown): string {
  if (typeof cell === "string") return JSON.stringify(cell);
  if (typeof cell === "bigint") return `${cell}n`;
  if (cell instanceof Date) return `Date(${cell.toString()})`;
  if (Array.isArray(cell)) return `array [${cell.map(describe).join(", ")}]`;
  return `${typeof cell} ${String(cell)}`;
}

/**
 * The rows of `parts` one after another, as one column of `type`; a part that is `undefined`
 * contributes `length` null rows.
 */
export function concatColumns<T extends LogicalType>(
  type: T,
  parts: readonly { column: Column<T> | undefined; length: number }[],
): Column<T> {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const values = STORAGE[type].allocate(total) as ColumnValuesByType[T];
  const target = values as unknown as { [i: number]: unknown };
  const valid = new Uint8Array(total);
  let offset = 0;
  for (const { column, length } of parts) {
    if (column !== undefined) {
      const source = column.values as ArrayLike<unknown>;
      for (let i = 0; i < length; i++) target[offset + i] = source[i];
      if (column.valid === undefined) valid.fill(1, offset, offset + length);
      else valid.set(column.valid, offset);
    }
    offset += length;
  }
  return columnFromValues(type, values, valid);
}
