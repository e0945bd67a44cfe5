/**
 * Check 2: the lightweight app. Its package.json names only @tt/store-zarr and @tt/decompose-svd;
 * it opens check 1's Iris bundle with `openBundleArrays` (ids from the bundle's coordinate arrays)
 * and runs PCA keyed by the same instance ids as the umbrella's result.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { type InstalledApp, installApp } from "../src/apps.js";
import { expectClose, IRIS } from "../src/figures.js";
import { installedPackages, installSize } from "../src/installed.js";
import { formatBytes, lastJsonLine, runCommand } from "../src/run.js";
import { type UmbrellaRun, umbrellaRun } from "../src/umbrella-run.js";

/** What a lightweight app must not pull in: the Parquet reader, the query engine, the bundle writer. */
const HEAVY = ["hyparquet", "apache-arrow", "@tt/bundle", "@tt/meta-parquet", "@tt/query"];

interface LightweightReport {
  axes: string[];
  shape: number[];
  viewIds: string[];
  idColumn: string;
  tableColumns: string[];
  ids: string[];
  score1: number[];
  score2: number[];
  explainedVarianceRatio: number[];
  backend: string;
  ms: number;
}

describe.each(["npm", "pnpm"] as const)("the lightweight app installed with %s", (manager) => {
  let app: InstalledApp;
  let umbrella: UmbrellaRun;

  beforeAll(async () => {
    umbrella = await umbrellaRun("npm-umbrella");
    app = await installApp(`${manager}-lightweight`);
  });

  it("installs @tt/store-zarr and @tt/decompose-svd without hyparquet, apache-arrow, @tt/bundle, @tt/meta-parquet, @tt/query", async () => {
    const installed = installedPackages(app);
    const bytes = await installSize(app);
    const names = [...new Set(installed.map((pkg) => pkg.name))];
    console.log(
      `lightweight app with ${manager}: node_modules ${formatBytes(bytes)} (du), ${installed.length} packages ` +
        `(${names.join(", ")}), install ${app.installMs} ms`,
    );
    expect(names).toEqual(expect.arrayContaining(["@tt/store-zarr", "@tt/decompose-svd"]));
    expect(names.filter((name) => HEAVY.includes(name))).toEqual([]);
  });

  it("opens check 1's Iris bundle and runs PCA keyed by the umbrella's instance ids", async () => {
    const { stdout, ms } = await runCommand(
      "node",
      ["check-lightweight.mjs", `${umbrella.out}/iris`, "2"],
      { cwd: app.dir },
    );
    console.log(`${stdout.trimEnd().split("\n")[0]} (${ms} ms)`);
    const report = lastJsonLine<LightweightReport>(stdout);
    const { iris } = umbrella.report;
    expect(report.shape).toEqual([150, 1, 4]);
    expect(report.viewIds).toEqual(iris.ids);
    expect(report.tableColumns[0], "the instance table's key column").toBe("instance_id");
    expect(report.ids).toEqual(iris.ids);
    expect(report.explainedVarianceRatio.map((r) => Number(r.toFixed(8)))).toEqual(
      IRIS.explainedVarianceRatio,
    );
    expectClose(report.score1, iris.score1, 1e-9, 1e-12, "score_1 against the umbrella's");
    expectClose(report.score2, iris.score2, 1e-9, 1e-12, "score_2 against the umbrella's");
  });
});
