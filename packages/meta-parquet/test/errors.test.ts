import { readFileSync } from "node:fs";
import {
  ConfigError,
  columnFromCells,
  columnFromValues,
  DataError,
  InvalidSelectionError,
  MetaTable,
  NotFoundError,
  UnsupportedError,
} from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { readParquet, readParquetInfo, writeParquet } from "../src/index.js";
import { everyTypeTable } from "./tables.js";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../fixtures/parquet/${name}`, import.meta.url)));

/** The error `work` rejects with (fails the test if it resolves). */
async function rejection(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  return expect.fail("expected the call to fail, but it succeeded");
}

describe("reading bad input", () => {
  it("names the key and the store of a missing file", async () => {
    const store = createMemoryStore("memory://bundle/");
    const error = await rejection(readParquet(store, "meta/sample.parquet"));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).what).toBe("meta/sample.parquet");
    expect(error.message).toBe("no Parquet file at 'meta/sample.parquet' in memory://bundle/");
  });

  it("names the key of bytes that are not Parquet", async () => {
    const store = createMemoryStore();
    store.entries.set(
      "meta/sample.parquet",
      new TextEncoder().encode("instance_id,score\ne1,0.5\n"),
    );
    const error = await rejection(readParquet(store, "meta/sample.parquet"));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).where).toBe("meta/sample.parquet");
    expect(error.message).toMatch(/^meta\/sample\.parquet: is not a valid Parquet file \(.*PAR1/);
  });

  it("rejects a file too short to be Parquet", async () => {
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode("PAR1")]) {
      const error = await rejection(readParquet(bytes));
      expect(error).toBeInstanceOf(DataError);
      expect(error.message).toContain(`it has ${bytes.byteLength} bytes, fewer than the 12`);
    }
  });

  it("rejects a truncated file", async () => {
    const bytes = writeParquet(everyTypeTable());
    const error = await rejection(readParquet(bytes.subarray(0, bytes.byteLength - 100)));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/^Parquet bytes: is not a valid Parquet file/);
  });

  it("rejects column data that was overwritten with garbage", async () => {
    const bytes = writeParquet(
      MetaTable.fromColumns({ x: columnFromCells("float64", [1, 2, 3]) }),
      {
        codec: "UNCOMPRESSED",
      },
    );
    const corrupt = bytes.slice();
    // Leave the leading magic and the footer intact; scramble the page header and data.
    corrupt.fill(0xff, 4, 40);
    const error = await rejection(readParquet(corrupt));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/^Parquet bytes: could not be decoded/);
  });

  it("lists the available columns when a requested one does not exist", async () => {
    const error = await rejection(
      readParquet(writeParquet(everyTypeTable()), { columns: ["string", "scroe"] }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).available).toEqual(everyTypeTable().columnNames);
    expect(error.message).toBe(
      "no column 'scroe' in Parquet bytes; available columns: string, boolean, int32, int64, float32, float64, timestamp, list<string>",
    );
  });

  it("rejects a column requested twice", async () => {
    const error = await rejection(
      readParquet(writeParquet(everyTypeTable()), { columns: ["int32", "int32"] }),
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe("column 'int32': is requested twice in `columns`");
  });

  it.each([
    [{ rowStart: -1 }, "slice -1:7"],
    [{ rowEnd: 8 }, "slice 0:8"],
    [{ rowStart: 5, rowEnd: 4 }, "slice 5:4"],
    [{ rowStart: 1.5 }, "slice 1.5:7"],
  ])("rejects the row range %o", async (range, slice) => {
    const error = await rejection(readParquet(writeParquet(everyTypeTable()), range));
    expect(error).toBeInstanceOf(InvalidSelectionError);
    expect(error.message).toBe(
      `selection on axis 'table rows': ${slice} does not fit 0:7 of Parquet bytes`,
    );
  });

  it("names the column and the Parquet type of an unsupported column", async () => {
    const error = await rejection(
      readParquet(fixture("duckdb-unsupported.parquet"), { columns: ["id", "price"] }),
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).feature).toBe("Parquet type INT64 (DECIMAL(10,2))");
    expect(error.message).toMatch(
      /^Parquet bytes: column 'price' has Parquet type INT64 \(DECIMAL\(10,2\)\), which no MetaTable type holds exactly\. .*cast the column .* or leave it out with the `columns` option\.$/,
    );
  });

  it("reports a file whose recorded logical schema contradicts its Parquet types", async () => {
    const bytes = parquetWriteBuffer({
      columnData: [{ name: "n", data: [1, 2] }],
      schema: [
        { name: "root", num_children: 1 },
        { name: "n", type: "INT32", repetition_type: "OPTIONAL" },
      ],
      kvMetadata: [
        {
          key: "tensortools.schema",
          value: '{"version":1,"fields":[{"name":"n","type":"float64"}]}',
        },
      ],
    });
    const error = await rejection(readParquet(bytes));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(
      /^Parquet bytes column 'n': is recorded as float64 .* reads as int32/,
    );
  });

  it("reports a malformed recorded schema", async () => {
    const bytes = parquetWriteBuffer({
      columnData: [{ name: "n", data: [1], type: "INT32" }],
      kvMetadata: [{ key: "tensortools.schema", value: "{not json" }],
    });
    const error = await rejection(readParquet(bytes));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/key-value metadata 'tensortools\.schema': is not valid JSON/);
  });

  it("refuses millisecond timestamps beyond the int64 microsecond range instead of wrapping", async () => {
    const bytes = parquetWriteBuffer({
      columnData: [{ name: "t", data: [0n, 2n ** 62n] }],
      schema: [
        { name: "root", num_children: 1 },
        {
          name: "t",
          type: "INT64",
          repetition_type: "OPTIONAL",
          logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
        },
      ],
    });
    const error = await rejection(readParquet(bytes));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe(
      "Parquet bytes column 't' row 1: 4611686018427387904 millis since 1970 does not fit int64 microseconds",
    );
    expect(await readParquet(bytes, { rowEnd: 1 }).then((t) => t.column("t").values[0])).toBe(0n);
  });

  it("names the key and the store when describing a missing file", async () => {
    const error = await rejection(
      readParquetInfo(createMemoryStore("memory://x/"), "meta/a.parquet"),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe("no Parquet file at 'meta/a.parquet' in memory://x/");
  });

  it("rejects with the abort reason when the signal is aborted", async () => {
    const store = createMemoryStore();
    await store.set("t.parquet", writeParquet(everyTypeTable()));
    const controller = new AbortController();
    const reason = new Error("stop");
    controller.abort(reason);
    expect(await rejection(readParquet(store, "t.parquet", { signal: controller.signal }))).toBe(
      reason,
    );
  });
});

describe("writing bad input", () => {
  it("refuses a codec without a compressor", () => {
    expect(() => writeParquet(everyTypeTable(), { codec: "ZSTD" })).toThrow(ConfigError);
    expect(() => writeParquet(everyTypeTable(), { codec: "ZSTD" })).toThrow(
      /^config 'codec': "ZSTD" needs a compressor: pass compressors: \{ ZSTD:/,
    );
  });

  it("refuses user key-value metadata in the tensortools namespace", () => {
    expect(() =>
      writeParquet(everyTypeTable(), { keyValueMetadata: { "tensortools.axis": "sample" } }),
    ).toThrow(
      "config 'keyValueMetadata.tensortools.axis': keys starting with 'tensortools.' are written by tensortools itself",
    );
  });

  it("refuses a row group size that is not a positive integer", () => {
    expect(() => writeParquet(everyTypeTable(), { rowGroupSize: 0 })).toThrow(
      "config 'rowGroupSize': must be a positive integer, got 0",
    );
  });

  it("refuses an empty axis name", () => {
    expect(() => writeParquet(everyTypeTable(), { axis: "" })).toThrow(
      "config 'axis': must be a non-empty string",
    );
  });

  it("refuses a table with rows but no columns, which Parquet cannot count", () => {
    expect(() => writeParquet(MetaTable.empty(5))).toThrow(UnsupportedError);
    expect(() => writeParquet(MetaTable.empty(5))).toThrow(
      /5 rows and no columns cannot be written/,
    );
  });

  it("refuses strings with a lone surrogate, which UTF-8 would silently replace", () => {
    const strings = MetaTable.fromColumns({
      name: columnFromValues("string", ["ok", "bad \uD800 half"]),
    });
    expect(() => writeParquet(strings)).toThrow(
      "column 'name' row 1: \"bad \\ud800 half\" has a lone UTF-16 surrogate",
    );
    const lists = MetaTable.fromColumns({
      tags: columnFromValues("list<string>", [["ok"], ["fine", "\uDC00"]]),
    });
    expect(() => writeParquet(lists)).toThrow("column 'tags' row 1 element 1");
  });
});
