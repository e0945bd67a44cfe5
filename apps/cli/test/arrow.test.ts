/**
 * `tt scores --arrow` and `tt query --arrow`: Arrow IPC streams that apache-arrow and DuckDB read
 * back to the rows the result's Parquet tables and the CSV output hold.
 */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { openDuckDbWasm } from "@tt/test-fixtures";
import { tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, removeTempDirs, tempDir, tt, writeSmallDemo } from "./helpers.js";

let dir: string;
let dataset: string;
let result: string;

beforeAll(async () => {
  dir = tempDir();
  await writeSmallDemo(dir);
  dataset = join(dir, "dataset");
  result = join(dir, "pca");
}, 120_000);

afterAll(removeTempDirs);

/** The rows of `sql` in native DuckDB, timestamps as epoch microseconds. */
async function nativeRows(sql: string): Promise<Record<string, unknown>[]> {
  const connection = await (await DuckDBInstance.create(":memory:")).connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    connection.closeSync();
  }
}

describe("tt scores --arrow", () => {
  it("writes the instance table that DuckDB reads as it reads the result's Parquet table", async () => {
    const file = join(dir, "scores.arrows");
    const run = await tt(["scores", result, "--arrow", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    const parquet = join(result, "factor_tables", "instance.parquet");
    const order = "ORDER BY instance_id";
    const expected = await nativeRows(`SELECT * FROM '${parquet}' ${order}`);
    const duckdb = await openDuckDbWasm();
    try {
      duckdb.insertArrowIPC("scores", readFileSync(file));
      const types = duckdb.rows("DESCRIBE scores").map((row) => row.column_type);
      const parquetTypes = await nativeRows(`DESCRIBE SELECT * FROM '${parquet}'`);
      expect(types).toEqual(parquetTypes.map((row) => row.column_type));
      expect(duckdb.rows(`SELECT * FROM scores ${order}`)).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    } finally {
      await duckdb.close();
    }
  });

  it("writes the joined view to stdout with -, the same rows as --csv", async () => {
    const args = [BIN, "scores", result, "--join", dataset, "--arrow", "-"];
    const run = spawnSync(process.execPath, args, { encoding: "buffer" });
    expect(run.status).toBe(0);
    const table = tableFromIPC(run.stdout);
    const csv = (await tt(["scores", result, "--join", dataset, "--csv"])).stdout
      .trim()
      .split("\n");
    expect(table.schema.fields.map((field) => field.name).join(",")).toBe(csv[0]);
    expect(table.numRows).toBe(csv.length - 1);
    const scores = table.getChild("score_1")!.toArray() as Float64Array;
    const index = csv[0]!.split(",").indexOf("score_1");
    // The CSV prints six significant digits.
    expect(csv.slice(1).map((line) => Number(line.split(",")[index]))).toEqual(
      [...scores].map((v) => Number(v.toPrecision(6))),
    );
  });

  it("refuses --arrow together with --csv or --json", async () => {
    const run = await tt(["scores", result, "--arrow", "-", "--csv"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("choose one of --csv, --json, --arrow");
  });
});

describe("tt query --arrow", () => {
  it("writes the matching metadata rows, types kept", async () => {
    const file = join(dir, "targets.arrows");
    const expr = "event_type == 'target'";
    const run = await tt(["query", dataset, expr, "--arrow", file]);
    expect(run.code).toBe(0);
    const count = Number((await tt(["query", dataset, expr, "--count"])).stdout.trim());
    const table = tableFromIPC(readFileSync(file));
    expect(table.numRows).toBe(count);
    expect([...table.getChild("event_type")!].every((value) => value === "target")).toBe(true);
    const duckdb = await openDuckDbWasm();
    try {
      duckdb.insertArrowIPC("targets", readFileSync(file));
      expect(duckdb.rows("SELECT count(*) AS n FROM targets")).toEqual([{ n: BigInt(count) }]);
    } finally {
      await duckdb.close();
    }
  });

  it("refuses --arrow together with --count", async () => {
    const run = await tt(["query", dataset, "qc_pass", "--arrow", "-", "--count"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("choose one of --count, --ids, --csv, --json, --arrow");
  });
});
