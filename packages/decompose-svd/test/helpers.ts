/** Shared test helpers: the numpy goldens, views of them, and a fit shortcut. */

import { readFileSync } from "node:fs";
import {
  type AxisAnnotatedTensor,
  createTensor,
  type FitContext,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { fixture } from "@tt/test-fixtures";
import { expect } from "vitest";
import { svd } from "../src/index.js";

/** One case of `fixtures/golden/svd.json` (written by scripts/golden/make_svd_golden.py). */
export interface GoldenCase {
  name: string;
  axes: string[];
  shape: number[];
  data: (number | null)[] | null;
  config: Record<string, unknown>;
  expected: Record<string, unknown> & {
    n: number;
    p: number;
    k: number;
    singular_values: number[];
    explained_variance_ratio: number[];
    total_variance: number;
  };
}

/** The golden cases by name. */
export function goldenCases(): Map<string, GoldenCase> {
  const golden = JSON.parse(readFileSync(fixture("golden/svd.json"), "utf8")) as {
    cases: GoldenCase[];
  };
  return new Map(golden.cases.map((c) => [c.name, c]));
}

/** The tensor of a golden case, with instance ids `i0`, `i1`, ... */
export function goldenTensor(c: GoldenCase): AxisAnnotatedTensor {
  return createTensor({
    data: Float64Array.from(c.data!, (x) => (x === null ? Number.NaN : x)),
    shape: c.shape,
    axes: c.axes,
    axisIndex: { [c.axes[0]!]: Array.from({ length: c.shape[0]! }, (_, i) => `i${i}`) },
  });
}

/** A fit context with a seed and no cancellation. */
export function context(seed = 0): FitContext {
  return { seed, signal: undefined, onProgress() {} };
}

/** Fits `svd` with `config` (validated) to a view. */
export async function fitSvd(
  view: ReadableView,
  config: Record<string, unknown>,
  seed = 0,
): Promise<MethodOutput> {
  return svd.fit(view, svd.validate(config), context(seed));
}

/** The view of a golden case. */
export function goldenView(c: GoldenCase): ReadableView {
  return viewFromTensor(goldenTensor(c));
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

/** The float64 values of a column of the output's instance table. */
export function scoreColumns(output: MethodOutput, axis: string, k: number): Float64Array {
  const table = output.factorTables[axis]!;
  const n = table.numRows;
  const out = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const values = table.column(`score_${c + 1}`).values as Float64Array;
    for (let i = 0; i < n; i++) out[i * k + c] = values[i]!;
  }
  return out;
}
