/** Parquet written by DuckDB (fixtures/parquet, see its README) read against values written here. */

import { readFileSync } from "node:fs";
import { DataError, isTensorToolsError, type MetaTable, UnsupportedError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { readParquet, readParquetInfo } from "../src/index.js";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../fixtures/parquet/${name}`, import.meta.url)));

/** Microseconds since 1970 of an ISO instant with up to six fractional digits. */
function micros(iso: string): bigint {
  const match = /^(.*?)(?:\.(\d{1,6}))?Z$/.exec(iso)!;
  const seconds = BigInt(Date.parse(`${match[1]}Z`)) / 1000n;
  return seconds * 1_000_000n + BigInt((match[2] ?? "").padEnd(6, "0"));
}

/** Column `name` of `table` as plain values, null for nulls. */
function cells(table: MetaTable, name: string): unknown[] {
  const column = table.column(name);
  return Array.from(column.values as ArrayLike<unknown>, (v, row) =>
    column.valid?.[row] === 0 ? null : v,
  );
}

describe("DuckDB's duckdb-types.parquet", () => {
  const bytes = fixture("duckdb-types.parquet");

  it("maps every column to the expected logical type", async () => {
    const table = await readParquet(bytes);
    expect(table.schema).toEqual([
      { name: "id", type: "int32" },
      { name: "s", type: "string" },
      { name: "b", type: "boolean" },
      { name: "i32", type: "int32" },
      { name: "i64", type: "int64" },
      { name: "f32", type: "float32" },
      { name: "f64", type: "float64" },
      { name: "ts_tz", type: "timestamp" },
      { name: "ts", type: "timestamp" },
      { name: "tags", type: "list<string>" },
      { name: "i8", type: "int32" },
      { name: "i16", type: "int32" },
      { name: "u8", type: "int32" },
      { name: "u16", type: "int32" },
      { name: "u32", type: "int64" },
      { name: "day", type: "timestamp" },
      { name: "ts_ms", type: "timestamp" },
      { name: "ts_ns", type: "timestamp" },
      { name: "color", type: "string" },
    ]);
    expect(table.numRows).toBe(3);
  });

  it("reads the values DuckDB was given, with NULL in row 1 of every column", async () => {
    const table = await readParquet(bytes);
    const expected: Record<string, unknown[]> = {
      id: [0, 1, 2],
      s: ["alpha", null, "grüße 🌍"],
      b: [1, null, 0],
      i32: [42, null, -2147483648],
      i64: [9007199254740993n, null, -9223372036854775808n],
      f32: [1.5, null, Number.NaN],
      f64: [0.1, null, Number.NEGATIVE_INFINITY],
      ts_tz: [micros("2024-02-29T12:34:56.789012Z"), null, micros("1900-01-01T00:00:00Z")],
      // TIMESTAMP without time zone: the wall-clock time is read as if it were UTC.
      ts: [micros("1969-07-20T20:17:40.5Z"), null, micros("2262-04-11T23:47:16.854775Z")],
      tags: [["x", "y"], null, []],
      i8: [-128, null, 127],
      i16: [-32768, null, 32767],
      u8: [0, null, 255],
      u16: [0, null, 65535],
      u32: [0n, null, 4294967295n],
      day: [micros("1970-01-02T00:00:00Z"), null, micros("1969-12-31T00:00:00Z")],
      ts_ms: [micros("2001-09-09T01:46:40.123Z"), null, micros("1960-01-01T00:00:00.001Z")],
      ts_ns: [micros("2020-01-01T00:00:00.000001Z"), null, micros("1999-12-31T23:59:59.999999Z")],
      color: ["red", null, "green"],
    };
    for (const [name, values] of Object.entries(expected)) {
      expect(cells(table, name), `column ${name}`).toEqual(values);
    }
  });

  it("reads a column selection and a row range", async () => {
    const table = await readParquet(bytes, { columns: ["ts_ns", "s"], rowStart: 2, rowEnd: 3 });
    expect(table.columnNames).toEqual(["ts_ns", "s"]);
    expect(cells(table, "s")).toEqual(["grüße 🌍"]);
    expect(cells(table, "ts_ns")).toEqual([micros("1999-12-31T23:59:59.999999Z")]);
  });
});

describe("DuckDB's duckdb-unsupported.parquet", () => {
  const bytes = fixture("duckdb-unsupported.parquet");

  it("reads the supported column alone", async () => {
    expect(cells(await readParquet(bytes, { columns: ["id"] }), "id")).toEqual([0]);
  });

  it.each([
    ["price", "Parquet type INT64 (DECIMAL(10,2))"],
    ["u64", "Parquet type INT64 (UINT_64)"],
    ["payload", "Parquet type BYTE_ARRAY (binary, no STRING annotation)"],
    ["point", "Parquet type group of 1 fields (nested)"],
    ["numbers", "Parquet type LIST<INT32 (INT_32)>"],
    ["clock", "Parquet type INT64 (TIME(MICROS, isAdjustedToUTC=false))"],
  ])("refuses column %s as %s", async (name, feature) => {
    const error = await readParquet(bytes, { columns: [name] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).feature).toBe(feature);
    expect((error as Error).message).toContain(`column '${name}' has ${feature}`);
  });

  it("refuses a list with a null element, naming the row", async () => {
    const error = await readParquet(bytes, { columns: ["tags_with_null"] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toMatch(
      /^Parquet bytes column 'tags_with_null' row 0: the list holds a null element/,
    );
  });

  it("refuses nanoseconds that are not whole microseconds instead of rounding them", async () => {
    const error = await readParquet(bytes, { columns: ["ts_ns_fraction"] }).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect((error as Error).message).toContain(
      "row 0: 1577836800000000001 ns is not a whole number of microseconds",
    );
  });

  it("refuses the whole file at the first unsupported column", async () => {
    const error = await readParquet(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error).not.toBeInstanceOf(DataError);
  });

  it("describes every column, marking the unreadable ones", async () => {
    const info = await readParquetInfo(bytes);
    expect(info.columns.map(({ name, type }) => [name, type ?? null])).toEqual([
      ["id", "int32"],
      ["price", null],
      ["u64", null],
      // Readable as a type; the value check happens when the rows are read.
      ["ts_ns_fraction", "timestamp"],
      ["payload", null],
      ["point", null],
      ["numbers", null],
      ["tags_with_null", "list<string>"],
      ["clock", null],
    ]);
  });
});

describe("DuckDB files in every common codec", () => {
  it.each(["uncompressed", "snappy", "gzip", "zstd"])("reads the %s file", async (codec) => {
    const bytes = fixture(`duckdb-${codec}.parquet`);
    const table = await readParquet(bytes);
    expect(table.schema).toEqual([
      { name: "id", type: "int32" },
      { name: "label", type: "string" },
      { name: "half", type: "float64" },
      { name: "tags", type: "list<string>" },
    ]);
    const i = Array.from({ length: 1000 }, (_, k) => k);
    expect(cells(table, "id")).toEqual(i);
    expect(cells(table, "label")).toEqual(i.map((k) => (k % 7 === 0 ? null : `row ${k}`)));
    expect(cells(table, "half")).toEqual(i.map((k) => k / 2));
    expect(cells(table, "tags")).toEqual(i.map((k) => (k % 5 === 0 ? [] : [`t${k % 3}`, "u"])));
    const slice = await readParquet(bytes, { columns: ["label"], rowStart: 690, rowEnd: 702 });
    expect(cells(slice, "label")).toEqual(
      i.slice(690, 702).map((k) => (k % 7 === 0 ? null : `row ${k}`)),
    );
  });

  it("uses decompressors the caller passes instead of loading its own", async () => {
    let calls = 0;
    const { gunzipSync } = await import("node:zlib");
    const table = await readParquet(fixture("duckdb-gzip.parquet"), {
      columns: ["id"],
      decompressors: {
        GZIP: (input) => {
          calls++;
          return gunzipSync(input);
        },
      },
    });
    expect(table.numRows).toBe(1000);
    expect(calls).toBeGreaterThan(0);
  });
});
