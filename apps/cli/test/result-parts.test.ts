/**
 * A result whose instance table was written in parts (as the workers of a split fit write it):
 * `tt sql` queries the parts as one table, `tt result-info` counts them, both agreeing with the
 * table the parts were cut from.
 */

import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type DecompositionResult, openResult, writeResult } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir, tt, writeSmallDemo } from "./helpers.js";

let whole: DecompositionResult;
let parted: string;

/**
 * `result` made with its instance table in parts of `sizes` rows under `location`: each part's
 * Parquet file is the instance table of a result bundle of those rows, written beside it.
 */
async function inParts(
  result: DecompositionResult,
  location: string,
  sizes: number[],
  scratch: string,
): Promise<DecompositionResult> {
  const { instance, ...factorTables } = result.factorTables;
  const parts: { path: string; rows: number }[] = [];
  await mkdir(join(location, "factor_tables", "instance"), { recursive: true });
  let start = 0;
  for (const [i, rows] of sizes.entries()) {
    const slice = instance!.slice(start, start + rows);
    const bundle = join(scratch, `slice-${i}`);
    await writeResult(bundle, { ...result, factorTables: { instance: slice } }, { catalog: false });
    const path = `factor_tables/instance/part-${String(i).padStart(5, "0")}.parquet`;
    await copyFile(join(bundle, "factor_tables", "instance.parquet"), join(location, path));
    parts.push({ path, rows });
    start += rows;
  }
  const written = { location, rows: start, columns: instance!.columnNames, parts };
  return { ...result, factorTables, writtenTables: { instance: written } };
}

beforeAll(async () => {
  const dir = tempDir();
  await writeSmallDemo(join(dir, "demo"));
  whole = await openResult(join(dir, "demo", "pca"));
  const n = whole.factorTables.instance!.numRows;
  parted = join(dir, "parted");
  await writeResult(parted, (location) => inParts(whole, location, [5, 0, n - 5], dir), {
    catalog: false,
  });
}, 120_000);
afterAll(removeTempDirs);

describe("a result with its instance table in parts", () => {
  it("is one table to tt sql, in row order", async () => {
    const run = await tt(["sql", parted, "SELECT instance_id, score_1 FROM instance", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as { instance_id: unknown; score_1: number }[];
    const table = whole.factorTables.instance!;
    expect(rows.map((r) => r.instance_id)).toEqual(
      Array.from({ length: table.numRows }, (_, i) => table.get(i, "instance_id")),
    );
    rows.forEach((row, i) => {
      expect(row.score_1).toBeCloseTo(table.get(i, "score_1") as number, 12);
    });
  });

  it("is shown by tt result-info with its rows and parts", async () => {
    const rows = whole.factorTables.instance!.numRows;
    const info = await tt(["result-info", parted, "--json"]);
    expect(info.code, info.stderr).toBe(0);
    const json = JSON.parse(info.stdout);
    expect(json.factor_tables.instance).toEqual({
      rows,
      columns: whole.factorTables.instance!.columnNames,
      parts: 3,
    });
    expect(json.factor_tables.component).not.toHaveProperty("parts");
    const text = await tt(["result-info", parted]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`table instance: ${rows} rows in 3 parts; instance_id, `);
  });
});
