/** Tables for the tests and an exact comparison of tables. */

import { type AnyColumn, columnFromValues, MetaTable } from "@tt/schema";
import { expect } from "vitest";

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** 1 = a value, 0 = null; row 1 is null in every column. */
export const VALID = Uint8Array.from([1, 0, 1, 1, 1, 1, 1]);

/** Seven rows of every logical type, with a null in row 1 and the edge values of each type. */
export function everyTypeTable(valid: Uint8Array | undefined = VALID): MetaTable {
  return MetaTable.fromColumns({
    string: columnFromValues(
      "string",
      ["plain", "", "", "grüße 🌍 中文", "tab\tnew\nline", "nul\u0000inside", "x".repeat(300)],
      valid,
    ),
    boolean: columnFromValues("boolean", Uint8Array.from([1, 0, 0, 1, 1, 0, 1]), valid),
    int32: columnFromValues(
      "int32",
      Int32Array.from([0, 0, -(2 ** 31), 2 ** 31 - 1, 1, -1, 7]),
      valid,
    ),
    int64: columnFromValues(
      "int64",
      BigInt64Array.from([0n, 0n, MIN_INT64, MAX_INT64, 9007199254740993n, -1n, 42n]),
      valid,
    ),
    float32: columnFromValues(
      "float32",
      Float32Array.from([1.5, 0, Number.NaN, Infinity, -Infinity, -0, 3.4e38]),
      valid,
    ),
    float64: columnFromValues(
      "float64",
      Float64Array.from([0.1, 0, Number.NaN, Infinity, -Infinity, -0, 5e-324]),
      valid,
    ),
    timestamp: columnFromValues(
      "timestamp",
      BigInt64Array.from([
        0n,
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
      valid,
    ),
  });
}

/** The bytes of a typed array, so that NaN, -0 and 0 compare exactly. */
function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** The column's storage with null slots blanked, for comparing. */
function comparable(column: AnyColumn): unknown {
  const values = ArrayBuffer.isView(column.values)
    ? bytesOf(column.values)
    : (column.values as unknown[]);
  return { type: column.type, values, valid: column.valid };
}

/** Asserts that two tables have the same names, types, nulls and values, bit for bit. */
export function expectSameTable(actual: MetaTable, expected: MetaTable): void {
  expect(actual.schema).toEqual(expected.schema);
  expect(actual.numRows).toBe(expected.numRows);
  for (const name of expected.columnNames) {
    expect(comparable(actual.column(name)), `column ${name}`).toEqual(
      comparable(expected.column(name)),
    );
  }
}
