/** Shared test helpers: the numpy goldens, views of them, and a fit shortcut. */

import { readFileSync } from "node:fs";
import {
  type AxisAnnotatedTensor,
  createTensor,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { nmf } from "../src/index.js";

/** One case of fixtures/golden/nmf.json (scripts/golden/make_nmf_golden.py). */
export interface GoldenCase {
  name: string;
  axes: string[];
  shape: number[];
  data: number[];
  config: Record<string, unknown>;
  expected: {
    n: number;
    p: number;
    W: number[];
    H: number[];
    n_iter: number;
    converged: boolean;
    reconstruction_err: number;
    recon_error: number[];
  };
}

const GOLDEN = new URL("../../../fixtures/golden/nmf.json", import.meta.url);

/** The golden cases by name. */
export function goldenCases(): Map<string, GoldenCase> {
  const golden = JSON.parse(readFileSync(GOLDEN, "utf8")) as { cases: GoldenCase[] };
  return new Map(golden.cases.map((c) => [c.name, c]));
}

/** A tensor with instance ids `i0`, `i1`, ... */
export function tensorOf(
  data: ArrayLike<number>,
  shape: number[],
  axes: string[],
): AxisAnnotatedTensor {
  return createTensor({
    data: Float64Array.from(data),
    shape,
    axes,
    axisIndex: { [axes[0]!]: Array.from({ length: shape[0]! }, (_, i) => `i${i}`) },
  });
}

/** The view of a golden case. */
export function goldenView(c: GoldenCase): ReadableView {
  return viewFromTensor(tensorOf(c.data, c.shape, c.axes));
}

/** Fits `nmf` with `config` (validated) to a view. */
export function fitNmf(
  view: ReadableView,
  config: Record<string, unknown>,
  seed = 0,
): Promise<MethodOutput> {
  return nmf.fit(view, nmf.validate(config), { seed, signal: undefined, onProgress() {} });
}

/** W (n × k, row-major) from the instance table's score columns. */
export function scoresOf(output: MethodOutput, k: number): Float64Array {
  const table = output.factorTables.instance!;
  const n = table.numRows;
  const W = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const values = table.column(`score_${c + 1}`).values as Float64Array;
    for (let i = 0; i < n; i++) W[i * k + c] = values[i]!;
  }
  return W;
}

/** The largest |a − b| over two arrays of the same length. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
