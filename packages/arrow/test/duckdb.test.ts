/**
 * DuckDB reads our Arrow IPC: DuckDB-wasm (whose Arrow reader is compiled in, so it works
 * offline) reads the stream, native DuckDB reads the same table written as Parquet by
 * @tt/meta-parquet (as result factor tables are), and both give the same types and rows.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { writeParquet } from "@tt/meta-parquet";
import { type AnyColumn, columnFromCells, LOGICAL_TYPES, MetaTable } from "@tt/schema";
import {
  type DuckDbWasm,
  openDuckDbWasm,
  type TemporaryDirectory,
  temporaryDirectory,
} from "@tt/test-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toArrowIPC } from "../src/index.js";
import { everyTypeTable } from "./tables.js";

let wasm: DuckDbWasm;
let native: DuckDBConnection;
let dir: TemporaryDirectory;

beforeAll(async () => {
  wasm = await openDuckDbWasm();
  native = await (await DuckDBInstance.create(":memory:")).connect();
  dir = temporaryDirectory("tt-arrow-duckdb-");
}, 60_000);

afterAll(async () => {
  await wasm?.close();
  native?.closeSync();
  dir?.cleanup();
});

/** A SELECT list that renders every column of `table` the same way in both DuckDBs. */
function comparable(table: MetaTable): string {
  return table.schema
    .map(({ name, type }) => {
      const column = `"${name}"`;
      // Timestamps as epoch microseconds: text forms depend on ICU and the session's zone.
      if (type === "timestamp") return `epoch_us(${column}) AS ${column}`;
      if (type === "float32" || type === "float64")
        return `CAST(${column} AS VARCHAR) AS ${column}`;
      return column;
    })
    .join(", ");
}

/** The types and rows DuckDB-wasm reads from our IPC stream and native DuckDB from Parquet. */
async function bothReadings(name: string, table: MetaTable) {
  wasm.insertArrowIPC(name, toArrowIPC(table));
  const path = join(dir.path, `${name}.parquet`);
  writeFileSync(path, writeParquet(table));
  const select = comparable(table);
  const nativeReader = await native.runAndReadAll(`SELECT ${select} FROM '${path}'`);
  const described = await native.runAndReadAll(`DESCRIBE SELECT * FROM '${path}'`);
  return {
    wasm: {
      types: wasm.rows(`DESCRIBE ${name}`).map((row) => row.column_type),
      rows: wasm.rows(`SELECT ${select} FROM ${name}`),
    },
    parquet: {
      types: described.getRowObjectsJS().map((row) => row.column_type),
      rows: nativeReader.getRowObjectsJS(),
    },
  };
}

describe("DuckDB reading our Arrow IPC", () => {
  it("sees the same types and rows as in the Parquet file of the same table", async () => {
    const table = everyTypeTable();
    const { wasm: fromArrow, parquet } = await bothReadings("every_type", table);
    expect(fromArrow.types).toEqual([
      "VARCHAR",
      "BOOLEAN",
      "INTEGER",
      "BIGINT",
      "FLOAT",
      "DOUBLE",
      "TIMESTAMP WITH TIME ZONE",
      "VARCHAR[]",
    ]);
    expect(fromArrow.types).toEqual(parquet.types);
    expect(fromArrow.rows).toEqual(parquet.rows);
    expect(fromArrow.rows[1]).toEqual(Object.fromEntries(LOGICAL_TYPES.map((t) => [t, null])));
    expect(fromArrow.rows[3]!.int64).toBe(2n ** 63n - 1n);
    expect(fromArrow.rows[4]!.timestamp).toBe(1700000000123456n);
  });

  it("reads an empty table and a table of only nulls", async () => {
    const empty = await bothReadings("no_rows", everyTypeTable().slice(0, 0));
    expect(empty.wasm.rows).toEqual([]);
    expect(empty.wasm.types).toEqual(empty.parquet.types);
    const nulls = MetaTable.fromColumns(
      LOGICAL_TYPES.map(
        (type) => [type, columnFromCells(type, [null, null]) as AnyColumn] as const,
      ),
    );
    const both = await bothReadings("only_nulls", nulls);
    expect(both.wasm.rows).toEqual(both.parquet.rows);
    expect(both.wasm.rows).toHaveLength(2);
  });
});
