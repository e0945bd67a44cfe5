/** Shared test helpers: the numpy goldens, the fixtures as views, and a fit shortcut. */

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readCsvFile, readNpyFile } from "@tt/bundle/fs";
import {
  type AxisAnnotatedTensor,
  createTensor,
  type FitContext,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { expect } from "vitest";
import { cp } from "../src/index.js";

/** The repository's fixtures folder. */
export const FIXTURES = new URL("../../../fixtures/", import.meta.url);

/** Results of the numpy CP-ALS of scripts/golden/make_cp_golden.py. */
export interface GoldenExpected {
  iterations: number;
  converged: boolean;
  relative_error_history: number[];
  relative_error: number;
  fit: number;
  weights: number[];
  factors: number[][];
  scores?: number[];
  recon_error?: number[];
  core_consistency: number;
}

/** One case of fixtures/golden/cp.json. */
export interface GoldenCase {
  name: string;
  source?: string;
  axes?: string[];
  shape?: number[];
  data?: number[];
  config: Record<string, unknown>;
  expected: GoldenExpected;
}

/** The golden cases by name. */
export function goldenCases(): Map<string, GoldenCase> {
  const golden = JSON.parse(readFileSync(new URL("golden/cp.json", FIXTURES), "utf8")) as {
    cases: GoldenCase[];
  };
  return new Map(golden.cases.map((c) => [c.name, c]));
}

/** The tensor of a golden case with inline data, instance ids `i0`, `i1`, ... */
export function goldenTensor(c: GoldenCase): AxisAnnotatedTensor {
  return createTensor({
    data: Float64Array.from(c.data!),
    shape: c.shape!,
    axes: c.axes!,
    axisIndex: { [c.axes![0]!]: Array.from({ length: c.shape![0]! }, (_, i) => `i${i}`) },
  });
}

/** A fixture dataset folder (tensor.npy and axis CSVs with an `id` column) as a view. */
export async function fixtureView(folder: string, axes: string[]): Promise<ReadableView> {
  const path = (name: string) => fileURLToPath(new URL(`${folder}/${name}`, FIXTURES));
  const { data, shape } = await readNpyFile(path("tensor.npy"));
  const files = readdir(folder);
  const axisMeta: Record<string, Awaited<ReturnType<typeof readCsvFile>>> = {};
  for (const [d, axis] of axes.entries()) {
    const file = files.find((name) => name.startsWith(`axis${d}_`) && name.endsWith(".csv"));
    if (file !== undefined) axisMeta[axis] = await readCsvFile(path(file));
  }
  const tensor = createTensor({ data, shape, axes, axisMeta });
  return viewFromTensor(tensor, Object.fromEntries(axes.map((axis) => [axis, "id"])));
}

function readdir(folder: string): string[] {
  return readdirSync(fileURLToPath(new URL(`${folder}/`, FIXTURES)));
}

/** A fit context with a seed and no cancellation. */
export function context(seed = 0): FitContext {
  return { seed, signal: undefined, onProgress() {} };
}

/** Fits `cp` with `config` (validated) to a view. */
export function fitCp(
  view: ReadableView,
  config: Record<string, unknown>,
  seed = 0,
): Promise<MethodOutput> {
  return cp.fit(view, cp.validate(config), context(seed));
}

/** The float64 values of `prefix_1..prefix_k` of a factor table, row-major rows × k. */
export function factorColumns(
  output: MethodOutput,
  axis: string,
  prefix: "score" | "factor",
  k: number,
): Float64Array {
  const table = output.factorTables[axis]!;
  const n = table.numRows;
  const out = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const values = table.column(`${prefix}_${c + 1}`).values as Float64Array;
    for (let i = 0; i < n; i++) out[i * k + c] = values[i]!;
  }
  return out;
}

/** Asserts |actual - expected| <= atol + rtol·|expected| elementwise, naming the first miss. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol = 0,
  what = "values",
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e)))
      expect.fail(`${what}[${i}]: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Pearson correlation of two equally long series. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
