/** Shared test helpers: the numpy goldens, views of them, and a fit shortcut. */

import { readFileSync } from "node:fs";
import {
  type AxisAnnotatedTensor,
  createTensor,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { fitContext, fixture } from "@tt/test-fixtures";
import { svd } from "../src/index.js";

export { expectClose, fitContext as context } from "@tt/test-fixtures";

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

/** Fits `svd` with `config` (validated) to a view. */
export async function fitSvd(
  view: ReadableView,
  config: Record<string, unknown>,
  seed = 0,
): Promise<MethodOutput> {
  return svd.fit(view, svd.validate(config), fitContext(seed));
}

/** The view of a golden case. */
export function goldenView(c: GoldenCase): ReadableView {
  return viewFromTensor(goldenTensor(c));
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
