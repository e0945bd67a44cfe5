/**
 * `tt sql <bundle> "<SELECT …>"`: SQL over a bundle's Parquet tables with DuckDB, for those who
 * prefer SQL to the query language. DuckDB is not a dependency of tensortools: the command loads
 * `@duckdb/node-api` where it is installed and says how to install it where it is not.
 */

import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "../command.js";
import { EXIT, InputError, UsageError } from "../errors.js";
import { print, printJson } from "../output.js";
import { cellText, textTable } from "../tables.js";

/** The package `tt sql` runs on, and how to get it. */
const DUCKDB = "@duckdb/node-api";
const INSTALL = `npm install ${DUCKDB} (next to tensortools-cli, or globally with -g)`;

/**
 * The tables of a bundle as `name -> Parquet file`, from its manifest; a result's table written
 * in parts (`files.factor_table_parts`) as the list of its parts, in row order.
 */
async function bundleTables(bundle: string): Promise<Record<string, string | string[]>> {
  if (/^[a-z]+:\/\//i.test(bundle))
    throw new InputError(
      `${bundle} is a URL`,
      "tt sql reads bundles on disk; copy the bundle here first",
    );
  const text = await readFile(join(bundle, "manifest.json"), "utf8").catch(() => {
    throw new InputError(`${bundle} is no bundle (no manifest.json)`, "check the path");
  });
  const manifest = JSON.parse(text) as {
    kind?: string;
    meta_files?: Record<string, string>;
    partitions?: Record<string, string>;
    files?: {
      factor_tables?: Record<string, string>;
      factor_table_parts?: Record<string, string[]>;
    };
  };
  const tables: Record<string, string | string[]> = {};
  const add = (name: string, path: string | undefined) => {
    if (path !== undefined) tables[name] = resolve(bundle, path);
  };
  if (manifest.kind === "decomposition_result") {
    const parts = manifest.files?.factor_table_parts ?? {};
    for (const [name, path] of Object.entries(manifest.files?.factor_tables ?? {})) {
      const list = Object.hasOwn(parts, name) ? parts[name] : undefined;
      if (list === undefined) add(name, path);
      else tables[name] = list.map((part) => resolve(bundle, part));
    }
  } else {
    for (const [axis, path] of Object.entries(manifest.meta_files ?? {})) add(axis, path);
    for (const [name, path] of Object.entries(manifest.partitions ?? {}))
      add(`partition_${name}`, path);
  }
  return tables;
}

/** `name` as a quoted SQL identifier. */
const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A Parquet path as a SQL string literal. */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** What `read_parquet` reads: one file, or the list of a table's parts (read in their order). */
const files = (paths: string | string[]) =>
  typeof paths === "string" ? literal(paths) : `[${paths.map(literal).join(", ")}]`;

interface DuckDbModule {
  DuckDBInstance: {
    create(path: string): Promise<{
      connect(): Promise<{
        run(sql: string): Promise<unknown>;
        runAndReadAll(sql: string): Promise<{
          columnNames(): string[];
          getRowsJS(): unknown[][];
        }>;
        closeSync?(): void;
      }>;
    }>;
  };
}

/** DuckDB's Node package, or an InputError saying how to install it. */
async function loadDuckDb(): Promise<DuckDbModule> {
  try {
    return (await import(DUCKDB)) as DuckDbModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw error;
    throw new InputError(`tt sql needs DuckDB, which is not installed`, INSTALL);
  }
}

/** A cell of DuckDB's JavaScript rows as JSON (bigints as numbers when exact, else strings). */
function jsonCell(value: unknown): unknown {
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}

export const sqlCommand: Command = {
  name: "sql",
  summary: "run a SQL query over a bundle's Parquet tables with DuckDB (installed separately)",
  usage: "sql <bundle> <select>",
  positionals: { required: ["bundle", "select"] },
  options: {},
  example: `tt sql ./demo/dataset "SELECT event_type, count(*) AS n FROM instance GROUP BY event_type ORDER BY event_type"`,
  notes: [
    "Tables: a dataset's axis metadata by axis name (instance, sample, channel, ...) and a concatenation's partition_files and partition_groups; a result's factor tables by axis (instance, component, ...), a table written in parts as one. They are views of the bundle's own Parquet files, read in place.",
    `DuckDB is not part of tensortools: ${INSTALL}. Nothing else in tensortools needs it.`,
  ],
  async run(args, out) {
    const [bundle, select] = args.positionals as [string, string];
    if (select.trim() === "") throw new UsageError("the SQL query is empty", "sql");
    const tables = await bundleTables(bundle);
    const { DuckDBInstance } = await loadDuckDb();
    const connection = await (await DuckDBInstance.create(":memory:")).connect();
    for (const [name, path] of Object.entries(tables))
      await connection.run(
        `CREATE VIEW ${identifier(name)} AS SELECT * FROM read_parquet(${files(path)})`,
      );
    const reader = await connection.runAndReadAll(select).catch((error: Error) => {
      throw new UsageError(`DuckDB refused the query: ${error.message}`, "sql");
    });
    const columns = reader.columnNames();
    const rows = reader.getRowsJS();
    if (out.json)
      printJson(
        out,
        rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, jsonCell(row[i])]))),
      );
    else
      print(
        out,
        textTable(
          columns,
          rows.map((row) => row.map((v) => cellText(jsonCell(v)))),
        ),
      );
    return EXIT.ok;
  },
};
