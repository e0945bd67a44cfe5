/**
 * Check 5: `@tt/catalog` installed from its tarball beside `tensortools` (its optional peer), with
 * npm and with pnpm: the umbrella's writes record runs in a catalog given by the `catalog`
 * option, and the catalog answers lineage and a feature query (apps/umbrella/check-catalog.mjs).
 * SQLite comes inside libsql's per-platform package: nothing is compiled or downloaded.
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installApp } from "../src/apps.js";
import { lastJsonLine, runCommand } from "../src/run.js";

interface CatalogReport {
  lineage: string;
  transforms: string[];
  found: string[];
}

describe.each(["npm", "pnpm"] as const)("the catalog installed with %s", (manager) => {
  it("records every write and walks the result back to the recordings", async () => {
    const app = await installApp(`${manager}-umbrella`);
    const { stdout, ms } = await runCommand(
      "node",
      ["check-catalog.mjs", join(app.dir, "catalog-out")],
      { cwd: app.dir },
    );
    console.log(`${manager}: node check-catalog.mjs ${ms} ms`);
    const report = lastJsonLine<CatalogReport>(stdout);
    expect(report.transforms).toEqual([
      "writeDataset:done",
      "writeDataset:done",
      "concatDatasets:done",
      "writeResult:done",
    ]);
    const lines = report.lineage.split("\n");
    expect(lines[0]).toMatch(/^result pca v1 \(/);
    expect(lines[1]).toMatch(
      /^└─ <- run 4: writeResult \[query \{"axis":"instance","expr":"good"\}\]$/,
    );
    expect(lines[2]).toMatch(/^ {3}dataset all v1 \(/);
    expect(report.lineage).toMatch(/<- run 3: concatDatasets\n.*dataset rec1 v1/);
    expect(report.lineage).toMatch(/<- run 3: concatDatasets\n.*dataset rec2 v1/);
    expect(report.found).toEqual(["all@1"]);
  });
});
