/**
 * Numeric helpers the method packages' tests share: a seeded fit context, elementwise closeness
 * naming the first miss, Pearson correlation, and the `prefix_k` columns of a factor table.
 */

import type { FitContext, MethodOutput } from "@tt/schema";
import { expect } from "vitest";

/** A fit context with a seed and no cancellation. */
export function fitContext(seed = 0): FitContext {
  return { seed, signal: undefined, onProgress() {} };
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

/** The Pearson correlation of two equally long series. */
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

/** The float64 values of `prefix_1..prefix_k` of a factor table, row-major rows × k. */
export function factorColumns(
  output: MethodOutput,
  axis: string,
  prefix: string,
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
