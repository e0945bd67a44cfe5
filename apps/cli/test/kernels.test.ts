/**
 * `tt` turns on WebAssembly relaxed SIMD at startup (Node 20 needs a V8 flag for it), so its fits
 * run on the relaxed kernels; a fit gives the same bits every time, and agrees with the SIMD128
 * kernels (what a library user on Node 20 gets without the flag) to float32 rounding.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { decompose, openDataset } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir, tt } from "./helpers.js";

let dir: string;
let dataset: string;

beforeAll(async () => {
  dir = tempDir();
  const demo = await tt(["demo", dir, "--recordings", "3", "--events", "120"]);
  expect(demo.code).toBe(0);
  dataset = join(dir, "dataset");
}, 120_000);

afterAll(removeTempDirs);

/** `tt decompose --json` of a randomized PCA and of a CP fit; their diagnostics and scores. */
async function ttFit(method: "pca" | "cp", out: string) {
  const config = join(dir, `${method}.json`);
  writeFileSync(
    config,
    JSON.stringify(
      method === "pca"
        ? { solver: "randomized", power_iterations: 3 }
        : { init: "random", n_iter_max: 8, tol: 0 },
    ),
  );
  const run = await tt(
    ["decompose", dataset, "-m", method, "-k", "3", "--config", config, "-o", out, "--json"],
    dir,
  );
  expect(run.code, run.stderr).toBe(0);
  const { diagnostics } = JSON.parse(run.stdout) as {
    diagnostics: Record<string, unknown> & { kernels: { backend: string } };
  };
  const scores = (await tt(["scores", out, "--csv"])).stdout;
  return { diagnostics, scores };
}

describe("tt decompose on relaxed SIMD", () => {
  it("runs the relaxed kernels and gives the same bits twice", async () => {
    for (const method of ["pca", "cp"] as const) {
      const first = await ttFit(method, join(dir, `${method}-1`));
      const second = await ttFit(method, join(dir, `${method}-2`));
      expect(first.diagnostics.kernels.backend).toBe("wasm-relaxed-simd");
      expect(second.diagnostics).toEqual(first.diagnostics);
      expect(second.scores).toBe(first.scores);
    }
  }, 120_000);

  it("agrees with the SIMD128 kernels to float32 rounding", async () => {
    const relaxed = await ttFit("pca", join(dir, "pca-relaxed"));
    const view = await openDataset(dataset);
    const simd = await decompose(
      view,
      "pca",
      { rank: 3, solver: "randomized", power_iterations: 3 },
      { kernels: { backend: "wasm-simd" } },
    );
    const expected = simd.diagnostics.singular_values as number[];
    const actual = relaxed.diagnostics.singular_values as number[];
    expect(actual).toHaveLength(expected.length);
    for (const [i, s] of expected.entries())
      expect(Math.abs(actual[i]! - s) / expected[0]!).toBeLessThan(1e-5);
  }, 120_000);
});
