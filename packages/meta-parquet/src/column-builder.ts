/** Assembles the decoded values hyparquet hands back into typed MetaTable columns. */

import {
  type AnyColumn,
  type ColumnValuesByType,
  columnFromValues,
  DataError,
  type LogicalType,
  UnsupportedError,
} from "@tt/schema";
import type { ColumnReading, TimeUnit } from "./parquet-types.js";

/** Receives the cells of one column by row and finally yields the column. */
export interface ColumnBuilder {
  /** Stores `value` (`null` or `undefined` meaning null) at `row` of the output. */
  put(row: number, value: unknown): void;
  /** The finished column; rows never put are null. */
  finish(): AnyColumn;
}

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;
const MICROS_PER_UNIT: Record<"days" | "millis", bigint> = {
  days: 86_400_000_000n,
  millis: 1000n,
};

/**
 * A builder for `numRows` rows of a column read as `reading`. `where` locates the column for
 * messages and `firstRow` is the file row of output row 0.
 */
export function createColumnBuilder(
  reading: ColumnReading,
  numRows: number,
  where: string,
  firstRow: number,
): ColumnBuilder {
  const valid = new Uint8Array(numRows);
  const at = (row: number) => `${where} row ${firstRow + row}`;
  const unexpected = (row: number, value: unknown): never => {
    throw new DataError(
      at(row),
      `decoded ${describe(value)}, which is not a value of type ${reading.type}`,
    );
  };
  const store = createStore(reading, numRows, at, unexpected);
  return {
    put(row, value) {
      if (value === null || value === undefined) return;
      store.set(row, value);
      valid[row] = 1;
    },
    finish() {
      return columnFromValues(reading.type, store.values as never, valid) as AnyColumn;
    },
  };
}

interface Store {
  values: ColumnValuesByType[LogicalType];
  set(row: number, value: unknown): void;
}

/** What every store of a column needs: its length and how to report a cell. */
interface Cells {
  /** Rows of the output. */
  n: number;
  /** Locates output row `row` for messages. */
  at: (row: number) => string;
  /** Throws the error of a decoded value that is not of the column's type. */
  unexpected: (row: number, value: unknown) => never;
}

function stringStore({ n, unexpected }: Cells): Store {
  const values = new Array<string>(n).fill("");
  return {
    values,
    set: (row, v) => {
      values[row] = typeof v === "string" ? v : unexpected(row, v);
    },
  };
}

function booleanStore({ n, unexpected }: Cells): Store {
  const values = new Uint8Array(n);
  return {
    values,
    set: (row, v) => {
      values[row] = typeof v === "boolean" ? (v ? 1 : 0) : unexpected(row, v);
    },
  };
}

function numberStore(type: "int32" | "float32" | "float64", { n, unexpected }: Cells): Store {
  const values =
    type === "int32"
      ? new Int32Array(n)
      : type === "float32"
        ? new Float32Array(n)
        : new Float64Array(n);
  return {
    values,
    set: (row, v) => {
      values[row] = typeof v === "number" ? v : unexpected(row, v);
    },
  };
}

/** A decoded integer as a bigint: bigints as they are, safe integers converted. */
function integerCell(row: number, v: unknown, { unexpected }: Cells): bigint {
  return typeof v === "bigint"
    ? v
    : Number.isSafeInteger(v)
      ? BigInt(v as number)
      : unexpected(row, v);
}

function int64Store(cells: Cells): Store {
  const values = new BigInt64Array(cells.n);
  return {
    values,
    // UINT32 columns decode as numbers; every other int64 source as bigint.
    set: (row, v) => {
      values[row] = integerCell(row, v, cells);
    },
  };
}

function timestampStore(unit: TimeUnit, cells: Cells): Store {
  const values = new BigInt64Array(cells.n);
  return {
    values,
    set: (row, v) => {
      values[row] = toMicros(integerCell(row, v, cells), unit, () => cells.at(row));
    },
  };
}

function stringListStore({ n, at, unexpected }: Cells): Store {
  const values = Array.from({ length: n }, () => [] as string[]);
  return {
    values,
    set: (row, v) => {
      if (!Array.isArray(v)) return unexpected(row, v);
      for (const item of v) {
        if (item === null || item === undefined) {
          throw new UnsupportedError(
            "null list elements",
            `${at(row)}: the list holds a null element, which list<string> cannot hold; ` +
              "drop or replace null elements when writing the file",
          );
        }
        if (typeof item !== "string") return unexpected(row, v);
      }
      values[row] = v as string[];
    },
  };
}

function createStore(
  reading: ColumnReading,
  n: number,
  at: (row: number) => string,
  unexpected: (row: number, value: unknown) => never,
): Store {
  const cells: Cells = { n, at, unexpected };
  switch (reading.type) {
    case "string":
      return stringStore(cells);
    case "boolean":
      return booleanStore(cells);
    case "int32":
    case "float32":
    case "float64":
      return numberStore(reading.type, cells);
    case "int64":
      return int64Store(cells);
    case "timestamp":
      return timestampStore(reading.unit ?? "micros", cells);
    case "list<string>":
      return stringListStore(cells);
  }
}

/** Converts a stored timestamp to microseconds, refusing to lose precision or overflow. */
function toMicros(raw: bigint, unit: TimeUnit, at: () => string): bigint {
  if (unit === "nanos") {
    // Nanoseconds become microseconds only when that is exact; a wrong instant is worse than none.
    if (raw % 1000n !== 0n) {
      throw new UnsupportedError(
        "sub-microsecond timestamps",
        `${at()}: ${raw} ns is not a whole number of microseconds, and MetaTable timestamps are ` +
          "microseconds; round the column to microseconds when writing the file " +
          "(e.g. DuckDB: CAST(col AS TIMESTAMP))",
      );
    }
    return raw / 1000n;
  }
  if (unit === "micros") return raw;
  const micros = raw * MICROS_PER_UNIT[unit];
  if (micros < MIN_INT64 || micros > MAX_INT64) {
    throw new UnsupportedError(
      "timestamps outside the int64 microsecond range",
      `${at()}: ${raw} ${unit} since 1970 does not fit int64 microseconds`,
    );
  }
  return micros;
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `${typeof value} ${String(value)}`;
}
