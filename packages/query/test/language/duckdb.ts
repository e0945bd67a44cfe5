/** DuckDB as an independent reference: load the same metadata, run our compiled SQL. */

import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { DEFAULT_CSV_NULL_VALUES } from "@tt/bundle";
import type { LogicalType, MetaTable } from "@tt/schema";
import { compileQueryToSql } from "../../src/index.js";

/** The DuckDB type of each logical type; list<string> stays text, which no query reads. */
const DUCKDB_TYPES: Record<LogicalType, string> = {
  string: "VARCHAR",
  boolean: "BOOLEAN",
  int32: "INTEGER",
  int64: "BIGINT",
  float32: "FLOAT",
  float64: "DOUBLE",
  timestamp: "TIMESTAMPTZ",
  "list<string>": "VARCHAR",
};

/** The column that holds each row's position, added to every DuckDB table. */
export const ROW = "tt_row";

/** A fresh in-memory DuckDB. */
export async function openDuckDb(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(":memory:")).connect();
}

/** An SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Creates table `name` from the CSV file at `path`, read by DuckDB itself with the column types
 * of `like` (our reading of the same file) and our null spellings, plus the row position.
 */
export async function loadCsv(
  connection: DuckDBConnection,
  name: string,
  path: string,
  like: MetaTable,
): Promise<void> {
  const columns = like.schema
    .map((field) => `${sqlString(field.name)}: '${DUCKDB_TYPES[field.type]}'`)
    .join(", ");
  const nulls = DEFAULT_CSV_NULL_VALUES.map(sqlString).join(", ");
  await connection.run(
    `CREATE TABLE "${name}" AS SELECT row_number() OVER () - 1 AS ${ROW}, * FROM read_csv(` +
      `${sqlString(path)}, header = true, auto_detect = false, delim = ',', quote = '"', ` +
      `nullstr = [${nulls}], columns = {${columns}})`,
  );
}

/** The positions of the rows of DuckDB table `name` that `expression` selects, compiled by us. */
export async function duckDbRows(
  connection: DuckDBConnection,
  name: string,
  expression: string,
  like: MetaTable,
): Promise<number[]> {
  const columns = Object.fromEntries(like.schema.map((field) => [field.name, field.type]));
  const { sql, params } = compileQueryToSql(expression, { columns });
  const reader = await connection.runAndReadAll(
    `SELECT ${ROW} FROM "${name}" WHERE ${sql} ORDER BY ${ROW}`,
    params,
  );
  return reader.getRowsJS().map((row) => Number(row[0]));
}

/** The values of one column of a DuckDB table in row order, as JavaScript values. */
export async function duckDbColumn(
  connection: DuckDBConnection,
  name: string,
  column: string,
): Promise<unknown[]> {
  const reader = await connection.runAndReadAll(
    `SELECT "${column}" FROM "${name}" ORDER BY ${ROW}`,
  );
  return reader.getRowsJS().map((row) => row[0]);
}
