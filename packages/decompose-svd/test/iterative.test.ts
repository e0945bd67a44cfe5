/**
 * The iterative solvers (randomized, krylov) against numpy on matrices where they are genuinely
 * iterative: fixtures/golden/svd-iterative.json (scripts/golden/make_svd_iterative_golden.py).
 */

import { readFileSync } from "node:fs";
import { svdSmall } from "@tt/linalg";
import { createTensor, isTensorToolsError, type MethodOutput } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { fixture } from "@tt/test-fixtures";
import { describe, expect, it } from "vitest";
import { expectClose, fitSvd } from "./helpers.js";

interface Generator {
  kind: "slow_decay" | "low_rank";
  rows: number;
  cols: number;
  rank?: number;
  seed: number;
}

interface IterativeCase {
  name: string;
  generator: Generator;
  config: { rank: number; center: string };
  expected: { singular_values: number[]; components: number[] };
  sklearn_default?: { seed: number; max_relative_error: number; largest_angle_degrees: number }[];
}

const cases = new Map(
  (
    JSON.parse(readFileSync(fixture("golden/svd-iterative.json"), "utf8")) as {
      cases: IterativeCase[];
    }
  ).cases.map((c) => [c.name, c]),
);

/** The uniform stream of the golden script: state / 2^32 - 0.5 of a 32-bit LCG. */
function lcg(count: number, seed: number): Float64Array {
  const out = new Float64Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

/** The matrix of a case, the same bits as the script's. */
function generate({ kind, rows, cols, rank = 0, seed }: Generator): Float64Array {
  if (kind === "slow_decay") {
    const a = lcg(rows * cols, seed);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) a[i * cols + j] = a[i * cols + j]! / Math.sqrt(j + 1);
    return a;
  }
  const stream = lcg(rows * rank + rank * cols, seed);
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let t = 0; t < rank; t++)
        sum += stream[i * rank + t]! * stream[rows * rank + t * cols + j]!;
      a[i * cols + j] = sum;
    }
  return a;
}

async function fitCase(c: IterativeCase, config: Record<string, unknown>, seed = 0) {
  const { rows, cols } = c.generator;
  const tensor = createTensor({
    data: generate(c.generator),
    shape: [rows, cols],
    axes: ["instance", "feature"],
  });
  return fitSvd(viewFromTensor(tensor), { ...c.config, ...config }, seed);
}

/** The largest relative error of the singular values and the largest principal angle (degrees). */
function accuracy(c: IterativeCase, output: MethodOutput): { error: number; angle: number } {
  const k = c.config.rank;
  const p = c.generator.cols;
  const s = (output.diagnostics as { singular_values: number[] }).singular_values;
  const exact = c.expected.singular_values;
  const error = Math.max(...s.map((v, i) => Math.abs(v - exact[i]!) / exact[i]!));
  const V = output.componentTensors.components!.data as Float64Array;
  const cross = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += c.expected.components[a * p + j]! * V[b * p + j]!;
      cross[a * k + b] = sum;
    }
  const cosines = svdSmall(cross, k, k).s;
  return { error, angle: (Math.acos(Math.min(1, cosines[k - 1]!)) * 180) / Math.PI };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

describe("a slowly decaying spectrum (1000 x 600, rank 8)", () => {
  const c = cases.get("slow_decay")!;

  it.each(["randomized", "krylov"])(
    "%s (auto) has the singular values to 1e-3 and the subspace to 1 degree",
    async (solver) => {
      const { error, angle } = accuracy(c, await fitCase(c, { solver }));
      expect(error).toBeLessThan(1e-3);
      expect(angle).toBeLessThan(1);
    },
  );

  it("krylov (auto) is at least as accurate as scikit-learn's randomized_svd defaults, median of 5 seeds", async () => {
    const ours = [];
    for (let seed = 0; seed < 5; seed++)
      ours.push(accuracy(c, await fitCase(c, { solver: "krylov" }, seed)));
    const sklearn = c.sklearn_default!;
    expect(median(ours.map((a) => a.error))).toBeLessThanOrEqual(
      median(sklearn.map((a) => a.max_relative_error)),
    );
    expect(median(ours.map((a) => a.angle))).toBeLessThanOrEqual(
      median(sklearn.map((a) => a.largest_angle_degrees)),
    );
  });

  it("a deeper Krylov basis is more accurate, and reports its iterations and passes", async () => {
    const shallow = await fitCase(c, { solver: "krylov", power_iterations: 1 });
    const deep = await fitCase(c, { solver: "krylov", power_iterations: 6 });
    expect(accuracy(c, deep).angle).toBeLessThan(accuracy(c, shallow).angle);
    const d = deep.diagnostics as { power_iterations: number; passes: number; oversamples: number };
    expect(d.power_iterations).toBe(6);
    expect(d.oversamples).toBe(10);
    // One pass to scan the data, 7 products with AᵀA, one for the scores.
    expect(d.passes).toBe(9);
  });
});

it("auto picks krylov for a low rank, randomized when the Krylov basis would exceed the budget", async () => {
  const c = cases.get("slow_decay")!;
  const solverOf = async (config: Record<string, unknown>) =>
    ((await fitCase(c, config)).diagnostics as { solver: string }).solver;
  expect(await solverOf({})).toBe("krylov");
  // 1000 x 600 float64 is 4.8 MB: streamed under 1 MB, where 6 blocks of 18 vectors of 600
  // (1.04 MB with their products) do not fit either.
  expect(await solverOf({ memory_budget: 1_000_000 })).toBe("randomized");
  expect(await solverOf({ memory_budget: 1_100_000 })).toBe("krylov");
  expect(await solverOf({ rank: 500 })).toBe("gram");
});

it("refuses a Krylov basis larger than the memory budget, naming power_iterations", async () => {
  const c = cases.get("low_rank")!;
  const error = await fitCase(c, {
    solver: "krylov",
    power_iterations: 40,
    memory_budget: 1_300_000,
  }).catch((e: unknown) => e);
  expect(isTensorToolsError(error, "config")).toBe(true);
  expect((error as { field: string }).field).toBe("power_iterations");
  expect((error as Error).message).toBe(
    "config 'power_iterations': 40 gives a Krylov basis of up to 300 vectors of 300 features, which with their products take 1440000 bytes, more than memory_budget (1300000); lower power_iterations or oversamples, raise memory_budget, or use solver \"randomized\"",
  );
});

describe("an exactly low-rank matrix (500 x 300 of rank 6)", () => {
  const c = cases.get("low_rank")!;
  it.each([
    ["randomized", 6],
    ["krylov", 6],
    ["krylov", 4],
  ] as const)("%s recovers the rank-%i subspace to rounding", async (solver, rank) => {
    const output = await fitCase(c, { solver, rank });
    const s = (output.diagnostics as { singular_values: number[] }).singular_values;
    expectClose(s, c.expected.singular_values.slice(0, rank), 1e-12, 0, "singular values");
    const p = c.generator.cols;
    const components = output.componentTensors.components!.data as Float64Array;
    expectClose(
      components,
      c.expected.components.slice(0, rank * p),
      0,
      1e-10,
      "components (signs by svd_flip)",
    );
  });

  it("krylov stops growing its basis once a block adds nothing to the row space", async () => {
    const output = await fitCase(c, { solver: "krylov", power_iterations: 5, oversamples: 2 });
    const d = output.diagnostics as { power_iterations: number; passes: number };
    // The second block already holds the whole 6-dimensional row space.
    expect(d.power_iterations).toBe(1);
    expect(d.passes).toBe(4);
  });
});
