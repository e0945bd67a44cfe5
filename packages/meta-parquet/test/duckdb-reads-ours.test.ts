/** DuckDB, an independent Parquet reader, reads every file we write with the right types and values. */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { MetaTable } from "@tt/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeParquet } from "../src/index.js";
import { everyTypeTable, patternTable } from "./tables.js";

let directory: string;
let connection: DuckDBConnection;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "meta-parquet-duckdb-"));
  connection = await (await DuckDBInstance.create(":memory:")).connect();
});

afterAll(() => {
  connection?.closeSync();
  rmSync(directory, { recursive: true, force: true });
});

/** Writes `bytes` to a temporary file and returns its path as an SQL string literal. */
function file(name: string, bytes: Uint8Array): string {
  const path = join(directory, name);
  writeFileSync(path, bytes);
  return `'${path.replaceAll("'", "''")}'`;
}

async function query(
  sql: string,
): Promise<{ names: string[]; types: string[]; columns: unknown[][] }> {
  const reader = await connection.runAndReadAll(sql);
  return {
    names: reader.columnNames(),
    types: reader.columnTypes().map(String),
    columns: reader.getColumnsJS() as unknown[][],
  };
}

/** The column's non-null values as JavaScript values, null for nulls. */
function expectedCells(
  table: MetaTable,
  name: string,
  map: (v: unknown) => unknown = (v) => v,
): unknown[] {
  const column = table.column(name);
  return Array.from(column.values as ArrayLike<unknown>, (v, row) =>
    column.valid?.[row] === 0 ? null : map(v),
  );
}

describe("DuckDB reading our every-type file", () => {
  const table = everyTypeTable();

  it("sees the DuckDB type of each logical type", async () => {
    const path = file("every-type.parquet", writeParquet(table));
    const described = await query(
      `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${path})`,
    );
    expect(described.columns).toEqual([
      table.columnNames,
      [
        "VARCHAR",
        "BOOLEAN",
        "INTEGER",
        "BIGINT",
        "FLOAT",
        "DOUBLE",
        "TIMESTAMP WITH TIME ZONE",
        "VARCHAR[]",
      ],
    ]);
  });

  it("reads the same values and NULLs", async () => {
    const path = file("every-type-values.parquet", writeParquet(table));
    const { columns } = await query(
      `SELECT string, boolean, int32, int64, float32, float64, epoch_us(timestamp), "list<string>" FROM ${path}`,
    );
    const [string, boolean, int32, int64, float32, float64, timestamp, list] = columns;
    expect(string).toEqual(expectedCells(table, "string"));
    expect(boolean).toEqual(expectedCells(table, "boolean", (v) => v === 1));
    expect(int32).toEqual(expectedCells(table, "int32"));
    expect(int64).toEqual(expectedCells(table, "int64"));
    expect(float32).toEqual(expectedCells(table, "float32"));
    expect(float64).toEqual(expectedCells(table, "float64"));
    expect(timestamp).toEqual(expectedCells(table, "timestamp"));
    expect(list).toEqual(expectedCells(table, "list<string>"));
    // The row that is null everywhere is NULL in DuckDB, and NaN, -0 and empty lists are values.
    expect(columns.map((column) => column[1])).toEqual(Array(8).fill(null));
    expect(Number.isNaN(float64![2])).toBe(true);
    expect(Object.is(float64![5], -0)).toBe(true);
    expect(list![2]).toEqual([]);
  });

  it("counts NULLs and empty lists apart", async () => {
    const path = file("every-type-nulls.parquet", writeParquet(table));
    const { columns } = await query(
      `SELECT count(*) FILTER ("list<string>" IS NULL), count(*) FILTER (len("list<string>") = 0),
              count(*) FILTER (isnan(float64)), count(*) FILTER (float64 IS NULL) FROM ${path}`,
    );
    expect(columns.map((c) => c[0])).toEqual([1n, 1n, 1n, 1n]);
  });

  it("finds the edge values with filters, so the statistics we write do not prune them away", async () => {
    const path = file("every-type-filters.parquet", writeParquet(table));
    const filters = [
      "float32 = 'Infinity'::FLOAT",
      "float64 = '-Infinity'::DOUBLE",
      "float64 < -1e308",
      "int64 = 9223372036854775807",
      "int64 = -9223372036854775808",
      "int32 = -2147483648",
      "string = 'grüße 🌍 中文'",
      "string > 'x'",
      "timestamp < TIMESTAMPTZ '1900-01-02 00:00:00+00'",
      "timestamp > TIMESTAMPTZ '9999-12-31 23:59:59+00'",
      "list_contains(\"list<string>\", 'ü😀')",
    ];
    const counts = [];
    for (const filter of filters) {
      counts.push((await query(`SELECT count(*) FROM ${path} WHERE ${filter}`)).columns[0]![0]);
    }
    expect(counts).toEqual([1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n, 2n, 1n, 1n]);
  });

  it("reads timestamps as the same instants", async () => {
    const path = file("every-type-instants.parquet", writeParquet(table));
    const { columns } = await query(
      `SELECT strftime(timestamp AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%f') FROM ${path}`,
    );
    expect(columns[0]).toEqual([
      "1970-01-01T00:00:00.000000",
      null,
      "1969-12-31T23:59:59.999999",
      "1900-01-01T00:00:00.000000",
      "2023-11-14T22:13:20.123456",
      "9999-12-31T23:59:59.999999",
      "0001-01-01T00:00:00.000000",
    ]);
  });
});

describe("DuckDB reading a larger file of many row groups", () => {
  it("agrees on the row count, the null counts and aggregates", async () => {
    const table = patternTable(30_000);
    const path = file("pattern.parquet", writeParquet(table, { rowGroupSize: 4_000 }));
    const { columns } = await query(
      `SELECT count(*), count(flag), count(count), count(big), count(ratio), count(score), count(seen), count(tags),
              sum(count), sum(big), sum(len(tags)), max(id), min(seen) FROM ${path}`,
    );
    const nonNull = (name: string) =>
      BigInt(expectedCells(table, name).filter((v) => v !== null).length);
    const sum = (name: string, map: (v: unknown) => bigint) =>
      expectedCells(table, name).reduce<bigint>(
        (total, v) => (v === null ? total : total + map(v)),
        0n,
      );
    expect(columns.map((c) => c[0])).toEqual([
      30_000n,
      nonNull("flag"),
      nonNull("count"),
      nonNull("big"),
      nonNull("ratio"),
      nonNull("score"),
      nonNull("seen"),
      nonNull("tags"),
      sum("count", (v) => BigInt(v as number)),
      sum("big", (v) => v as bigint),
      sum("tags", (v) => BigInt((v as string[]).length)),
      "id-9999",
      new Date(1_600_000_000_000),
    ]);
  });
});
