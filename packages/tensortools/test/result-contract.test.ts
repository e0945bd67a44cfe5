/**
 * The result contract, read by an independent tool: DuckDB finds the instance table at
 * `factor_tables/instance.parquet`, keyed by `instance_id` in the input view's order, whatever
 * the dataset's own id column is called, and joins it onto the dataset's metadata file.
 */

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { EEG_INDEX_COLUMNS, eegTensor } from "@tt/test-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTensor,
  decompose,
  INSTANCE_ID,
  INSTANCE_TABLE,
  openDataset,
  openResult,
  writeDataset,
  writeResult,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const QUERY = "rt_ms > 400";

/** A path as an SQL string literal. */
const literal = (path: string) => `'${path.replaceAll("'", "''")}'`;

describe("the result contract, as DuckDB reads it", async () => {
  const dir = scratchDirectory("tt-contract-");
  const datasetDir = join(dir, "eeg");
  const resultDir = join(dir, "eeg-pca");
  await writeDataset(datasetDir, await eegTensor(), { axisIndexColumns: EEG_INDEX_COLUMNS });
  const dataset = await openDataset(datasetDir);
  const view = dataset.query("epoch", QUERY);
  const result = await decompose(view, "pca", { rank: 3, solver: "exact" });
  await writeResult(resultDir, result);
  const manifest = JSON.parse(await readFile(join(resultDir, "manifest.json"), "utf8"));
  const instanceFile = join(resultDir, "factor_tables", "instance.parquet");

  let connection: DuckDBConnection;
  beforeAll(async () => {
    connection = await (await DuckDBInstance.create(":memory:")).connect();
  });
  afterAll(() => connection?.closeSync());

  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  it("names the table and the key whatever the dataset calls its axis and ids", () => {
    expect(view.axes[0]).toBe("epoch");
    expect(dataset.axisIndexColumns.epoch).toBe("id");
    expect(Object.keys(result.factorTables)).toEqual([INSTANCE_TABLE, "component"]);
    expect(result.factorTables.instance!.columnNames[0]).toBe(INSTANCE_ID);
    expect(result.instance).toEqual({ axis: "epoch", idColumn: "id" });
    expect(manifest.instance).toEqual({ axis: "epoch", id_column: "id" });
    expect(manifest.files.factor_tables.instance).toBe("factor_tables/instance.parquet");
  });

  it("gives DuckDB instance_id first, in the view's order, with the scores", async () => {
    const read = await rows(
      `SELECT * FROM read_parquet(${literal(instanceFile)}, file_row_number = true) ORDER BY file_row_number`,
    );
    expect(Object.keys(read[0]!)[0]).toBe("instance_id");
    expect(read.map((row) => row.instance_id)).toEqual(Array.from(view.ids("epoch")!));
    const scores = result.factorTables.instance!.column("score_1").values as Float64Array;
    expect(read.map((row) => row.score_1)).toEqual(Array.from(scores));
  });

  it("joins in DuckDB onto the dataset's own metadata file by instance_id", async () => {
    const meta = join(datasetDir, dataset.manifest.meta_files.epoch!);
    const joined = await rows(
      `SELECT m.id, m.rt_ms, r.score_1 FROM read_parquet(${literal(meta)}) m
       JOIN read_parquet(${literal(instanceFile)}) r ON m.id = r.instance_id
       ORDER BY m.id`,
    );
    expect(joined).toHaveLength(view.shape[0]!);
    expect(joined.every((row) => (row.rt_ms as number) > 400)).toBe(true);
    const byId = new Map(
      result.factorTables.instance!.toRecords().map((row) => [row.instance_id, row.score_1]),
    );
    for (const row of joined) expect(row.score_1).toBe(byId.get(row.id as string));
  });

  it("keys instances without ids by row number, 0..n-1", async () => {
    const plain = createTensor({
      data: Float64Array.from({ length: 5 * 3 }, (_, i) => Math.sin(i * 1.7) + (i % 4)),
      shape: [5, 3],
      axes: ["row", "feature"],
    });
    const out = join(dir, "plain-pca");
    await writeResult(out, await decompose(plain, "pca", { rank: 2 }));
    const read = await rows(
      `SELECT instance_id FROM read_parquet(${literal(join(out, "factor_tables", "instance.parquet"))})`,
    );
    expect(read.map((row) => Number(row.instance_id))).toEqual([0, 1, 2, 3, 4]);
    expect((await openResult(out)).instance).toEqual({ axis: "row", idColumn: "row_id" });
  });
});
