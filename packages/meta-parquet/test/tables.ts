/** Tables for the tests and an exact comparison of tables. */

import { type AnyColumn, columnFromValues, MetaTable } from "@tt/schema";
import { expect } from "vitest";

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** 1 = a value, 0 = null; row 1 is null in every column. */
export const VALID = Uint8Array.from([1, 0, 1, 1, 1, 1, 1]);

/** Seven rows of every logical type, with a null in row 1 and the edge values of each type. */
export function everyTypeTable(): MetaTable {
  const valid = VALID;
  return MetaTable.fromColumns({
    string: columnFromValues(
      "string",
      ["plain", "", "", "grüße 🌍 中文", "tab\tnew\nline", "nul\u0000inside", "x".repeat(300)],
      valid,
    ),
    boolean: columnFromValues("boolean", Uint8Array.from([1, 0, 0, 1, 1, 0, 1]), valid),
    int32: columnFromValues(
      "int32",
      Int32Array.from([0, 0, -(2 ** 31), 2 ** 31 - 1, 1, -1, 123456]),
      valid,
    ),
    int64: columnFromValues(
      "int64",
      BigInt64Array.from([0n, 0n, MIN_INT64, MAX_INT64, 9007199254740993n, -1n, 42n]),
      valid,
    ),
    float32: columnFromValues(
      "float32",
      Float32Array.from([
        1.5,
        0,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        -0,
        3.4e38,
      ]),
      valid,
    ),
    float64: columnFromValues(
      "float64",
      Float64Array.from([
        0.1,
        0,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        -0,
        5e-324,
      ]),
      valid,
    ),
    timestamp: columnFromValues(
      "timestamp",
      BigInt64Array.from([
        0n, // 1970-01-01
        0n,
        -1n, // one microsecond before 1970
        -2208988800000000n, // 1900-01-01
        1700000000123456n, // 2023-11-14T22:13:20.123456Z
        253402300799999999n, // 9999-12-31T23:59:59.999999Z
        -62135596800000000n, // 0001-01-01
      ]),
      valid,
    ),
    "list<string>": columnFromValues(
      "list<string>",
      [["a", "b"], [], [], ["ü😀"], [""], ["x", "x", "x"], ["z"]],
      Uint8Array.from([1, 0, 1, 1, 1, 1, 1]),
    ),
  });
}

/** A table of `numRows` rows of every type with a deterministic pattern of values and nulls. */
export function patternTable(numRows: number): MetaTable {
  const valid = (period: number) =>
    Uint8Array.from({ length: numRows }, (_, i) => (i % period === 3 ? 0 : 1));
  const index = Array.from({ length: numRows }, (_, i) => i);
  const columns: Record<string, AnyColumn> = {
    id: columnFromValues(
      "string",
      index.map((i) => `id-${i}`),
    ),
    flag: columnFromValues(
      "boolean",
      Uint8Array.from(index, (i) => (i % 3 === 0 ? 1 : 0)),
      valid(11),
    ),
    count: columnFromValues(
      "int32",
      Int32Array.from(index, (i) => (i * 7919) % 100_000),
      valid(13),
    ),
    big: columnFromValues(
      "int64",
      BigInt64Array.from(index, (i) => BigInt(i) * 1_000_000_007n),
      valid(17),
    ),
    ratio: columnFromValues(
      "float32",
      Float32Array.from(index, (i) => i / 7),
      valid(19),
    ),
    score: columnFromValues(
      "float64",
      Float64Array.from(index, (i) => Math.sin(i)),
      valid(23),
    ),
    seen: columnFromValues(
      "timestamp",
      BigInt64Array.from(index, (i) => 1_600_000_000_000_000n + BigInt(i) * 1_234_567n),
      valid(29),
    ),
    tags: columnFromValues(
      "list<string>",
      index.map((i) => Array.from({ length: i % 4 }, (_, k) => `tag${(i + k) % 10}`)),
      valid(31),
    ),
  };
  return MetaTable.fromColumns(columns, numRows);
}

/**
 * Asserts that `actual` equals `expected` exactly: column names and order, logical types, row
 * count, validity, and every non-null value (floats with Object.is, so NaN and -0 count, unless
 * `signedZero` is false).
 */
export function expectSameTable(
  actual: MetaTable,
  expected: MetaTable,
  { signedZero = true }: { signedZero?: boolean } = {},
): void {
  expect(actual.schema).toEqual(expected.schema);
  expect(actual.numRows).toBe(expected.numRows);
  for (const name of expected.columnNames) {
    const a = actual.column(name);
    const e = expected.column(name);
    const n = expected.numRows;
    const validA = a.valid ?? new Uint8Array(n).fill(1);
    const validE = e.valid ?? new Uint8Array(n).fill(1);
    const firstDifference = validE.findIndex((flag, row) => flag !== validA[row]);
    if (firstDifference >= 0 || validA.length !== n) {
      expect.fail(`column '${name}' validity differs at row ${firstDifference} (or in length)`);
    }
    expect(a.values.constructor, `storage of '${name}'`).toBe(e.values.constructor);
    const valuesA = a.values as ArrayLike<unknown>;
    const valuesE = e.values as ArrayLike<unknown>;
    for (let row = 0; row < n; row++) {
      if (validE[row] === 0) continue;
      const x = valuesA[row];
      const y = valuesE[row];
      const same = Array.isArray(y)
        ? JSON.stringify(x) === JSON.stringify(y)
        : Object.is(x, y) || (!signedZero && x === 0 && y === 0);
      if (!same) {
        expect.fail(`column '${name}' row ${row}: got ${String(x)}, expected ${String(y)}`);
      }
    }
  }
}
