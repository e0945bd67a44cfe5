import { gzipSync } from "node:zlib";
import { columnFromValues, MetaTable } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { METADATA_KEYS, readParquet, readParquetInfo, writeParquet } from "../src/index.js";
import { everyTypeTable, expectSameTable, patternTable } from "./tables.js";

describe("a write and read round trip", () => {
  it("keeps every logical type, null, NaN, infinities, -0, int64 extremes, old timestamps, unicode and empty lists", async () => {
    const table = everyTypeTable();
    const back = await readParquet(writeParquet(table));
    expectSameTable(back, table);
    // Spot checks of what the comparison covers, stated as values.
    expect(back.column("list<string>").values[2]).toEqual([]);
    expect(back.column("list<string>").valid?.[1]).toBe(0);
    expect(Number.isNaN(back.column("float64").values[2])).toBe(true);
    expect(back.column("float64").valid?.[2]).toBe(1);
    expect(back.column("int64").values[2]).toBe(-(2n ** 63n));
    expect(back.column("timestamp").values[2]).toBe(-1n);
  });

  it("keeps a table with no nulls without a validity mask", async () => {
    const table = patternTable(50).select(["id"]);
    const back = await readParquet(writeParquet(table));
    expect(back.column("id").valid).toBeUndefined();
    expectSameTable(back, table);
  });

  it("keeps a table of zero rows with its schema", async () => {
    const table = everyTypeTable().slice(0, 0);
    const back = await readParquet(writeParquet(table));
    expect(back.numRows).toBe(0);
    expectSameTable(back, table);
  });

  it("keeps a table of zero rows and zero columns", async () => {
    const back = await readParquet(writeParquet(MetaTable.empty(0)));
    expect(back.numRows).toBe(0);
    expect(back.columnNames).toEqual([]);
  });

  it("keeps columns that are entirely null", async () => {
    const table = MetaTable.fromRecords([{ a: null }, { a: null }], { a: "int64" });
    const back = await readParquet(writeParquet(table));
    expectSameTable(back, table);
    expect(Array.from(back.column("a").valid ?? [])).toEqual([0, 0]);
  });

  it("keeps a 100k-row table written in many row groups", async () => {
    const table = patternTable(100_000);
    const bytes = writeParquet(table, { rowGroupSize: 7_000 });
    expect((await readParquetInfo(bytes)).numRowGroups).toBe(15);
    expectSameTable(await readParquet(bytes), table);
  });

  it("keeps a 100k-row table with the default row groups", async () => {
    const table = patternTable(100_000);
    expectSameTable(await readParquet(writeParquet(table)), table);
  });

  it("reads through a key-value store as through bytes", async () => {
    const table = everyTypeTable();
    const store = createMemoryStore("memory://bundle/");
    await store.set("meta/instance.parquet", writeParquet(table));
    expectSameTable(await readParquet(store, "meta/instance.parquet"), table);
  });

  it("reads bytes given as an ArrayBuffer or as a view into a larger buffer", async () => {
    const table = everyTypeTable();
    const bytes = writeParquet(table);
    const padded = new Uint8Array(bytes.byteLength + 16);
    padded.set(bytes, 8);
    expectSameTable(await readParquet(padded.subarray(8, 8 + bytes.byteLength)), table);
    expectSameTable(await readParquet(bytes.slice().buffer), table);
  });

  it("writes UNCOMPRESSED and, given a compressor, GZIP", async () => {
    const table = patternTable(2_000);
    const uncompressed = writeParquet(table, { codec: "UNCOMPRESSED" });
    const gzip = writeParquet(table, { codec: "GZIP", compressors: { GZIP: (b) => gzipSync(b) } });
    expect(gzip.byteLength).toBeLessThan(uncompressed.byteLength);
    expectSameTable(await readParquet(uncompressed), table);
    expectSameTable(await readParquet(gzip), table);
  });
});

describe("key-value metadata", () => {
  it("records the axis, the logical schema and the user's entries", async () => {
    const table = everyTypeTable();
    const bytes = writeParquet(table, {
      axis: "instance",
      keyValueMetadata: { source: "unit test", "x.version": "3" },
    });
    const info = await readParquetInfo(bytes);
    expect(info.axis).toBe("instance");
    expect(info.keyValueMetadata.source).toBe("unit test");
    expect(info.keyValueMetadata["x.version"]).toBe("3");
    expect(JSON.parse(info.keyValueMetadata[METADATA_KEYS.schema]!)).toEqual({
      version: 1,
      fields: table.schema,
    });
    expect(info.createdBy).toMatch(/^@tt\/meta-parquet version /);
    expect(info.numRows).toBe(7);
  });

  it("has no axis entry when no axis is given", async () => {
    const info = await readParquetInfo(writeParquet(everyTypeTable()));
    expect(info.axis).toBeUndefined();
    expect(Object.keys(info.keyValueMetadata)).toEqual([METADATA_KEYS.schema]);
  });

  it("describes each column's Parquet type and the MetaTable type it reads as", async () => {
    const info = await readParquetInfo(writeParquet(everyTypeTable()));
    expect(info.columns.map(({ name, parquetType, type }) => [name, parquetType, type])).toEqual([
      ["string", "BYTE_ARRAY (STRING)", "string"],
      ["boolean", "BOOLEAN", "boolean"],
      ["int32", "INT32", "int32"],
      ["int64", "INT64", "int64"],
      ["float32", "FLOAT", "float32"],
      ["float64", "DOUBLE", "float64"],
      ["timestamp", "INT64 (TIMESTAMP(MICROS, isAdjustedToUTC=true))", "timestamp"],
      ["list<string>", "LIST<BYTE_ARRAY (STRING)>", "list<string>"],
    ]);
  });
});

describe("column selection and row ranges", () => {
  const table = patternTable(25_000);
  const bytes = writeParquet(table, { rowGroupSize: 4_000 });

  it("reads only the requested columns, in the requested order", async () => {
    const back = await readParquet(bytes, { columns: ["tags", "id", "seen"] });
    expectSameTable(back, table.select(["tags", "id", "seen"]));
  });

  it("reads no columns but keeps the row count", async () => {
    const back = await readParquet(bytes, { columns: [], rowStart: 10, rowEnd: 25 });
    expect(back.columnNames).toEqual([]);
    expect(back.numRows).toBe(15);
  });

  it.each([
    [0, 1],
    [0, 4_000],
    [3_999, 4_001],
    [4_000, 8_000],
    [5_123, 17_777],
    [24_999, 25_000],
    [12_345, 12_345],
    [0, 25_000],
  ])("reads rows %i..%i across row-group boundaries", async (rowStart, rowEnd) => {
    const back = await readParquet(bytes, { rowStart, rowEnd });
    expectSameTable(back, table.slice(rowStart, rowEnd));
  });

  it("reads a row range of a few columns", async () => {
    const back = await readParquet(bytes, {
      columns: ["score", "tags"],
      rowStart: 9_990,
      rowEnd: 10_010,
    });
    expectSameTable(back, table.select(["score", "tags"]).slice(9_990, 10_010));
  });

  it("defaults rowEnd to the end and rowStart to the start", async () => {
    expectSameTable(await readParquet(bytes, { rowStart: 24_990 }), table.slice(24_990, 25_000));
    expectSameTable(await readParquet(bytes, { rowEnd: 10 }), table.slice(0, 10));
  });

  it("reads row ranges of list columns that span many pages", async () => {
    const long = MetaTable.fromColumns({
      tags: columnFromValues(
        "list<string>",
        Array.from({ length: 30_000 }, (_, i) =>
          Array.from({ length: i % 7 }, (_, k) => `${i}-${k}-padding`),
        ),
      ),
    });
    const longBytes = writeParquet(long);
    for (const [start, end] of [
      [0, 3],
      [14_999, 15_003],
      [29_000, 30_000],
    ] as const) {
      expectSameTable(
        await readParquet(longBytes, { rowStart: start, rowEnd: end }),
        long.slice(start, end),
      );
    }
  });
});
