/** Every solver against numpy on the golden cases (scripts/golden/make_svd_golden.py). */

import { isTensorToolsError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { expectClose, fitSvd, goldenCases, goldenView, scoreColumns } from "./helpers.js";

const cases = goldenCases();
const MATRIX_CASES = [
  "tall",
  "wide",
  "rank_deficient",
  "constant_columns",
  "tensor3",
  "robust_global",
  "nan_drop",
  "nan_mask",
  "ev_target",
  "decaying",
];
/** Relative tolerance of singular values and absolute tolerance of vectors, per solver. */
const TOLERANCE = {
  exact: { values: 1e-10, vectors: 1e-8 },
  gram: { values: 1e-7, vectors: 1e-6 },
  // Small cases where l = rank + 10 < min(n, p): the subspace is approximate (1e-3 is the spec's bar).
  randomized: { values: 1e-6, vectors: 1e-4 },
  // Its basis reaches the whole row space of these small cases: exact up to rounding.
  krylov: { values: 1e-10, vectors: 1e-8 },
} as const;

describe.each(Object.entries(TOLERANCE))("solver %s against numpy.linalg.svd", (solver, tol) => {
  it.each(MATRIX_CASES)("%s", async (name) => {
    const c = cases.get(name)!;
    const e = c.expected as Record<string, number[] | null> & typeof c.expected;
    const output = await fitSvd(goldenView(c), { ...c.config, solver });
    const k = c.expected.k;
    const d = output.diagnostics as unknown as {
      rank: number;
      singular_values: number[];
      explained_variance_ratio: number[];
      explained_variance: number[];
      total_variance: number;
    };
    expect(d.rank).toBe(k);
    const s0 = e.singular_values[0]!;
    expectClose(
      d.singular_values,
      e.singular_values.slice(0, k),
      tol.values,
      tol.values * s0 * 1e-3,
      "singular values",
    );
    expectClose(
      d.explained_variance_ratio,
      e.explained_variance_ratio,
      tol.values * 10,
      1e-14,
      "ratio",
    );
    expectClose(
      d.explained_variance,
      e.explained_variance as number[],
      tol.values * 10,
      0,
      "variance",
    );
    expectClose([d.total_variance], [e.total_variance], 1e-12, 0, "total variance");
    const components = output.componentTensors.components!;
    expect(components.shape).toEqual([k, ...c.shape.slice(1)]);
    const scale = Math.max(...(e.scores as number[]).map(Math.abs));
    expectClose(components.data as Float64Array, e.components!, 0, tol.vectors, "components");
    const kept =
      (e.kept_rows as number[] | null | undefined) ??
      Array.from({ length: c.shape[0]! }, (_, i) => i);
    const all = scoreColumns(output, "instance", k);
    const scores = kept.flatMap((row) => Array.from(all.subarray(row * k, row * k + k)));
    expectClose(scores, e.scores!, 0, tol.vectors * scale, "scores");
    const errors = output.factorTables.instance!.column("recon_error").values as Float64Array;
    expectClose(
      kept.map((row) => errors[row]!),
      e.recon_error!,
      0,
      Math.sqrt(tol.vectors) * scale,
      "recon_error",
    );
    if (e.mean !== null)
      expectClose(
        output.componentTensors.center!.data as Float64Array,
        e.mean!,
        1e-12,
        1e-13,
        "mean",
      );
    if (e.scale !== null)
      expectClose(output.componentTensors.scale!.data as Float64Array, e.scale!, 1e-12, 0, "scale");
  });
});

it("imputes masked entries in as many iterations as numpy", async () => {
  const c = cases.get("nan_mask")!;
  const output = await fitSvd(goldenView(c), { ...c.config, solver: "exact" });
  const imputation = (
    output.diagnostics as { imputation: { iterations: number; missing_entries: number } }
  ).imputation;
  expect(imputation.missing_entries).toBe(16);
  expect(Math.abs(imputation.iterations - (c.expected.iterations as number))).toBeLessThanOrEqual(
    1,
  );
});

it("names the count and the first instances with missing values under missing: error", async () => {
  const c = cases.get("nan_error")!;
  const error = await fitSvd(goldenView(c), { ...c.config, solver: "exact" }).catch(
    (e: unknown) => e,
  );
  expect(isTensorToolsError(error, "data")).toBe(true);
  const rows = (c.expected as unknown as { error_rows: number[] }).error_rows;
  expect((error as Error).message).toContain(`${rows.length} instance(s) have missing values`);
  expect((error as Error).message).toContain(rows.map((r) => `i${r}`).join(", "));
});

it("keeps dropped instances in the instance table with null scores", async () => {
  const c = cases.get("nan_drop")!;
  const output = await fitSvd(goldenView(c), c.config);
  const table = output.factorTables.instance!;
  expect(table.numRows).toBe(30);
  expect(table.get(3, "score_1")).toBeNull();
  expect(table.get(17, "recon_error")).toBeNull();
  expect(table.get(4, "score_1")).not.toBeNull();
  expect((output.diagnostics as { n_dropped: number }).n_dropped).toBe(2);
});
