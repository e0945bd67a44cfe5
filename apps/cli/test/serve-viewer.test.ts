/**
 * `tt serve DIR --viewer`: the viewer URLs it prints come from the bundles under DIR, each result
 * beside the dataset it was computed from, and every URL they name is served.
 */

import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, removeTempDirs, tempDir, tt } from "./helpers.js";
import { startServe } from "./serve-helpers.js";

const IRIS = join(FIXTURES, "iris");
let base: string;
let root: string;
let viewer: string;

/** `tt import` of the iris fixture to `out`. */
async function importIris(out: string, ...extra: string[]): Promise<void> {
  const args = ["--meta", `flower=${join(IRIS, "axis0_flowers.csv")}`, "--id", "flower=id"];
  const run = await tt(
    ["import", "--npy", join(IRIS, "tensor.npy"), "--axes", "flower,sample,feature"].concat(
      args,
      extra,
      [out, "-q"],
    ),
  );
  expect(run.code, run.stderr).toBe(0);
}

/** `tt decompose` of `dataset` to `out`. */
async function decompose(dataset: string, out: string, method: string): Promise<void> {
  const run = await tt(["decompose", dataset, "-m", method, "-k", "2", "-o", out, "-q"]);
  expect(run.code, run.stderr).toBe(0);
}

beforeAll(async () => {
  base = tempDir();
  root = join(base, "served");
  viewer = join(base, "viewer");
  mkdirSync(viewer);
  writeFileSync(join(viewer, "index.html"), "<h1>viewer</h1>\n");
  // Two datasets and three results: two beside their datasets (one computed before the dataset
  // was rewritten), one whose input lies outside the served folder.
  await importIris(join(root, "flowers", "iris"));
  await decompose(join(root, "flowers", "iris"), join(root, "flowers", "pca scores"), "pca");
  await importIris(join(root, "second", "iris-b"));
  await decompose(join(root, "second", "iris-b"), join(root, "second", "svd"), "svd");
  await importIris(join(root, "second", "iris-b"), "--overwrite");
  await importIris(join(base, "outside"));
  await decompose(join(base, "outside"), join(root, "elsewhere", "pca"), "pca");
  // Not offered: a hidden folder, a link to a bundle, a bundle four levels down.
  cpSync(join(root, "flowers"), join(root, ".hidden"), { recursive: true });
  symlinkSync(join(root, "flowers"), join(root, "linked"));
  cpSync(join(root, "flowers"), join(root, "x", "y", "z"), { recursive: true });
}, 120_000);

afterAll(removeTempDirs);

describe("tt serve DIR --viewer", () => {
  it("prints one viewer URL per result beside its dataset, and every URL it names is served", async () => {
    const served = await startServe([root, "--port", "0", "--viewer", viewer]);
    try {
      await new Promise((done) => setTimeout(done, 300));
      const url = served.url;
      const printed = served.stdout();
      const lines = printed.split("\n").filter((line) => line.startsWith("viewer: "));
      expect(lines).toEqual([
        `viewer: ${url}viewer/?dataset=${url}flowers/iris/&result=${url}flowers/pca%2520scores/  (flowers/pca scores: pca of flowers/iris)`,
        `viewer: ${url}viewer/?dataset=${url}second/iris-b/&result=${url}second/svd/  (second/svd: svd of second/iris-b; computed from an earlier version of second/iris-b (changed since: write))`,
      ]);
      for (const line of lines) {
        const page = new URL(line.slice("viewer: ".length).split("  ")[0]!);
        expect((await fetch(page)).status).toBe(200);
        for (const name of ["dataset", "result"]) {
          // As the viewer reads them (apps/viewer/src/params.ts): resolved against the page.
          const bundle = new URL(page.searchParams.get(name)!, page);
          const manifest = await fetch(new URL("manifest.json", bundle));
          expect(manifest.status, `${name} ${bundle}`).toBe(200);
          const kind = ((await manifest.json()) as { kind: string }).kind;
          expect(kind).toBe(name === "dataset" ? "tensortools.dataset" : "decomposition_result");
        }
      }
      expect(served.stderr()).toContain(
        `result elsewhere/pca is not offered: its input ${join(base, "outside")} is outside the served folder`,
      );
      expect(served.stderr()).not.toMatch(/hidden|linked|x\/y\/z/);
      for (const dataset of ["flowers/iris", "second/iris-b"])
        expect(served.stderr()).toContain(
          `${dataset} has no pyramid, so the viewer cannot draw its ERP image: build one with tt pyramid ${join(root, dataset)}\n`,
        );
    } finally {
      await served.stop();
    }
  });

  it("says so when the folder holds no result beside its dataset, and prints no viewer URL", async () => {
    const empty = join(base, "empty");
    mkdirSync(empty);
    const served = await startServe([empty, "--port", "0", "--viewer", viewer]);
    try {
      await new Promise((done) => setTimeout(done, 300));
      expect(served.stdout()).toBe(`${served.url}\n`);
      expect(served.stderr()).toContain(
        `no result beside its dataset under ${empty} (searched 3 levels deep)`,
      );
    } finally {
      await served.stop();
    }
  });

  it("lists datasets without a result", async () => {
    const only = join(base, "only-dataset");
    await importIris(join(only, "iris"));
    const served = await startServe([only, "--port", "0", "--viewer", viewer]);
    try {
      await new Promise((done) => setTimeout(done, 300));
      expect(served.stderr()).toContain(
        "dataset without a result here (tt decompose to browse in the viewer): iris\n",
      );
    } finally {
      await served.stop();
    }
  });

  it("stops asking for a pyramid once the dataset has one", async () => {
    const run = await tt(["pyramid", join(root, "flowers", "iris"), "-q"]);
    expect(run.code, run.stderr).toBe(0);
    const served = await startServe([root, "--port", "0", "--viewer", viewer]);
    try {
      await new Promise((done) => setTimeout(done, 300));
      expect(served.stderr()).not.toContain("flowers/iris has no pyramid");
      expect(served.stderr()).toContain("second/iris-b has no pyramid");
    } finally {
      await served.stop();
    }
  });
});
