/**
 * `tt sql`: SQL over a bundle's Parquet tables with DuckDB, checked against the same figures taken
 * from the tables as tensortools reads them; bad SQL and URLs said in the command's words.
 */

import { join } from "node:path";
import { openDataset, openResult } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir, tt, writeSmallDemo } from "./helpers.js";

let demo: string;
beforeAll(async () => {
  demo = join(tempDir(), "demo");
  await writeSmallDemo(demo);
}, 120_000);
afterAll(removeTempDirs);

async function sql(bundle: string, select: string) {
  const run = await tt(["sql", bundle, select, "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>[];
}

describe("tt sql", () => {
  it("groups a dataset's instance table as tensortools reads it", async () => {
    const dataset = await openDataset(join(demo, "dataset"));
    const table = dataset.meta("instance");
    const counts = new Map<string, number>();
    for (let row = 0; row < table.numRows; row++) {
      const label = String(table.get(row, "event_type"));
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    const rows = await sql(
      join(demo, "dataset"),
      "SELECT event_type, count(*) AS n FROM instance GROUP BY event_type ORDER BY event_type",
    );
    expect(rows).toEqual(
      [...counts]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([event_type, n]) => ({ event_type, n })),
    );
  });

  it("reads a result's factor tables by axis", async () => {
    const result = await openResult(join(demo, "pca"));
    const scores = result.factorTables.instance!.column("score_1").values as Float64Array;
    const rows = await sql(
      join(demo, "pca"),
      "SELECT count(*) AS n, sum(score_1) AS total FROM instance",
    );
    expect(rows[0]!.n).toBe(scores.length);
    expect(rows[0]!.total as number).toBeCloseTo(
      scores.reduce((a, b) => a + b, 0),
      9,
    );
  });

  it("prints an aligned table without --json", async () => {
    const run = await tt(["sql", join(demo, "dataset"), "SELECT 1 AS one, 'x' AS two"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(["one  two", "1    x"]);
  });

  it.each([
    [["SELECT * FROM nowhere"], 2, "DuckDB refused the query"],
    [[" "], 2, "the SQL query is empty"],
  ])("refuses %j", async (select, code, says) => {
    const run = await tt(["sql", join(demo, "dataset"), ...select]);
    expect(run.code, run.stderr).toBe(code);
    expect(run.stderr).toContain(says);
  });

  it("names a URL and a folder that is no bundle", async () => {
    const url = await tt(["sql", "http://127.0.0.1:9/demo", "SELECT 1"]);
    expect(url.code).toBe(1);
    expect(url.stderr).toContain("tt sql reads bundles on disk");
    const none = await tt(["sql", tempDir(), "SELECT 1"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("is no bundle (no manifest.json)");
  });
});
