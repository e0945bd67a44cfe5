/** parquetMetaIO behaves like the reference memoryMetaIO of @tt/schema for every read option. */

import type { MetaReadOptions, MetaTable } from "@tt/schema";
import { memoryMetaIO } from "@tt/schema/testing";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { version } from "../package.json";
import { parquetMetaIO } from "../src/index.js";
import { everyTypeTable, expectSameTable, patternTable } from "./tables.js";

async function stored(table: MetaTable) {
  const store = createMemoryStore("memory://conformance/");
  await store.set("t.json", await memoryMetaIO.write(table));
  await store.set("t.parquet", await parquetMetaIO.write(table, { axis: "instance" }));
  return {
    reference: (options?: MetaReadOptions) => memoryMetaIO.read(store, "t.json", options),
    parquet: (options?: MetaReadOptions) => parquetMetaIO.read(store, "t.parquet", options),
  };
}

/** The outcome of a read: the table, or the tag and class of the error. */
async function outcome(read: Promise<MetaTable>) {
  try {
    return { table: await read };
  } catch (error) {
    return { tag: (error as { tag?: string }).tag, name: (error as Error).name };
  }
}

describe("parquetMetaIO", () => {
  it("identifies itself as the parquet plugin", () => {
    expect(parquetMetaIO.id).toBe("parquet");
    expect(parquetMetaIO.version).toBe(version);
    expect(parquetMetaIO.extension).toBe(".parquet");
  });

  const cases: [string, MetaReadOptions | undefined][] = [
    ["no options", undefined],
    ["all columns explicitly", { columns: everyTypeTable().columnNames }],
    ["reordered columns", { columns: ["timestamp", "string"] }],
    ["no columns", { columns: [] }],
    ["a row range", { rowStart: 2, rowEnd: 5 }],
    ["only rowStart", { rowStart: 4 }],
    ["only rowEnd", { rowEnd: 3 }],
    ["an empty range at the end", { rowStart: 7, rowEnd: 7 }],
    ["columns and rows", { columns: ["list<string>", "float32"], rowStart: 1, rowEnd: 6 }],
    ["an unknown column", { columns: ["nope"] }],
    ["rowEnd past the end", { rowEnd: 8 }],
    ["a negative rowStart", { rowStart: -1 }],
    ["rowStart after rowEnd", { rowStart: 4, rowEnd: 2 }],
    ["a fractional rowEnd", { rowEnd: 2.5 }],
  ];

  it.each(cases)("reads like memoryMetaIO with %s", async (_, options) => {
    const io = await stored(everyTypeTable());
    const expected = await outcome(io.reference(options));
    const actual = await outcome(io.parquet(options));
    if (expected.table === undefined) {
      expect(actual).toEqual(expected);
    } else {
      expect(actual.table, JSON.stringify(actual)).toBeDefined();
      // memoryMetaIO's JSON turns -0 into 0; Parquet keeps it (see round-trip.test.ts).
      expectSameTable(actual.table!, expected.table, { signedZero: false });
    }
  });

  it("reads like memoryMetaIO on a table of several row groups", async () => {
    const io = await stored(patternTable(2_500));
    for (const options of [
      { rowStart: 999, rowEnd: 1_001 },
      { columns: ["tags", "seen"], rowStart: 1_234 },
    ]) {
      expectSameTable(await io.parquet(options), await io.reference(options));
    }
  });

  it("reports a missing key like memoryMetaIO, as not-found", async () => {
    const store = createMemoryStore();
    const expected = await outcome(memoryMetaIO.read(store, "missing"));
    expect(await outcome(parquetMetaIO.read(store, "missing"))).toEqual(expected);
  });
});
