/**
 * The lightweight path: a bundle written by @tt/bundle is opened and decomposed with only
 * @tt/store-zarr and @tt/decompose-svd, and the app's runtime dependencies stay that small.
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readCsvFile, readNpyFile, writeDataset } from "@tt/bundle/fs";
import { createTensor, isTensorToolsError } from "@tt/schema";
import { openBundleArrays } from "@tt/store-zarr";
import { openDataset } from "tensortools";
import { afterAll, describe, expect, it } from "vitest";
import { pcaOfBundle } from "../src/index.js";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const cli = join(appDir, "src/cli.ts");
const fixture = (path: string) =>
  fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url));

describe("PCA of an Iris bundle with the lightweight packages", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tt-lightweight-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { data, shape } = await readNpyFile(fixture("iris/tensor.npy"));
  const bundle = join(dir, "iris");
  await writeDataset(
    bundle,
    createTensor({
      data,
      shape,
      axes: ["instance", "sample", "feature"],
      axisMeta: {
        instance: await readCsvFile(fixture("iris/axis0_flowers.csv")),
        feature: await readCsvFile(fixture("iris/axis2_features.csv")),
      },
    }),
    { axisIndexColumns: { instance: "id", feature: "id" } },
  );

  it("gives scikit-learn's explained variance ratio", async () => {
    const { explainedVarianceRatio, singularValues, shape: seen } = await pcaOfBundle(bundle, 2);
    expect(seen).toEqual([150, 1, 4]);
    // scikit-learn prints [0.92461872 0.05306648]: 8 decimals, so agree to 5e-9.
    expect(explainedVarianceRatio).toHaveLength(2);
    expect(Math.abs(explainedVarianceRatio[0]! - 0.92461872)).toBeLessThanOrEqual(5e-9);
    expect(Math.abs(explainedVarianceRatio[1]! - 0.05306648)).toBeLessThanOrEqual(5e-9);
    // numpy.linalg.svd of the centered 150 x 4 matrix: 25.09996044, 6.01314738.
    expect(Math.abs(singularValues[0]! - 25.09996044)).toBeLessThanOrEqual(5e-8);
    expect(Math.abs(singularValues[1]! - 6.01314738)).toBeLessThanOrEqual(5e-8);
  });

  it("keys the scores by the bundle's instance ids, as the full path does", async () => {
    const { output } = await pcaOfBundle(bundle, 2);
    const table = output.factorTables.instance!;
    const full = await openDataset(bundle);
    expect(full.axisIndexColumns.instance).toBe("id");
    expect(table.columnNames).toEqual([
      "instance_id",
      "score_1",
      "score_2",
      "recon_error",
      "t2",
      "q",
      "outlier_score",
    ]);
    expect(Array.from(table.column("instance_id").values as ArrayLike<unknown>)).toEqual(
      Array.from(full.ids("instance") as ArrayLike<unknown>),
    );
    // scikit-learn's first projected row, sign convention included.
    expect(table.get(0, "score_1") as number).toBeCloseTo(-2.68412563, 7);
    expect(table.get(0, "score_2") as number).toBeCloseTo(0.31939725, 7);
  });

  it("reads blocks that match the whole view", async () => {
    const view = await openBundleArrays(bundle);
    const whole = await view.materialize();
    const pieces: number[] = [];
    for await (const { start, tensor } of view.blocks({ size: 40 })) {
      expect(start).toBe(pieces.length / 4);
      pieces.push(...Array.from(tensor.data as Float64Array));
    }
    expect(pieces).toEqual(Array.from(whole.data as Float64Array));
  });

  it("fails with a not-found error on a directory without a bundle", async () => {
    const error = await pcaOfBundle(dir, 2).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect((error as Error).message).toContain("no manifest.json");
  });

  it("fails with a config error for a rank the data does not allow", async () => {
    const error = await pcaOfBundle(bundle, 5).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as { field: string }).field).toBe("rank");
  });

  it("has a command line that prints the PCA as JSON, or usage", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--conditions=@tt/source", "--import", "tsx", cli, ...args], {
        cwd: appDir,
        encoding: "utf8",
      });
    const ok = run(bundle, "2");
    expect(ok.status, ok.stderr).toBe(0);
    const printed = JSON.parse(ok.stdout);
    expect(printed.shape).toEqual([150, 1, 4]);
    expect(printed.explained_variance_ratio[0]).toBeCloseTo(0.92461872, 8);
    const usage = run();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("usage: tt-lightweight-pca");
  });
});

/** The package.json of `name` as `from` (a package directory) resolves it through node_modules. */
function resolvePackage(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) throw new Error(`${name} is not installed for ${from}`);
  }
}

/** Every package reachable through `dependencies` (and optional/peer ones) from `dir`. */
function runtimeClosure(dir: string): Set<string> {
  const seen = new Set<string>();
  const visit = (packageDir: string) => {
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
    const names = Object.keys({
      ...manifest.dependencies,
      ...manifest.optionalDependencies,
      ...manifest.peerDependencies,
    });
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      visit(resolvePackage(name, packageDir));
    }
  };
  visit(dir);
  return seen;
}

describe("the runtime dependency closure of the app", () => {
  const closure = runtimeClosure(appDir);

  it("holds the lightweight packages", () => {
    for (const name of ["@tt/schema", "@tt/store-zarr", "@tt/decompose-svd", "@tt/linalg"])
      expect(closure).toContain(name);
  });

  it.each([
    "@tt/bundle",
    "@tt/meta-parquet",
    "@tt/query",
    "@tt/result",
    "tensortools",
    "hyparquet",
    "hyparquet-writer",
    "apache-arrow",
  ])("does not hold %s", (name) => {
    expect([...closure].sort()).not.toContain(name);
  });
});
