/**
 * Hotelling's T², the Q residual, their control limits and `outlier_score` against numpy/scipy
 * (fixtures/golden/outliers.json, written by scripts/golden/make_outliers_golden.py).
 */

import { readFileSync } from "node:fs";
import { readNpyFile } from "@tt/bundle/fs";
import { createTensor, isTensorToolsError, type MethodOutput, type ReadableView } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { fixture } from "@tt/test-fixtures";
import { describe, expect, it } from "vitest";
import { pca, svd } from "../src/index.js";
import { context, expectClose, fitSvd } from "./helpers.js";

interface OutlierCase {
  name: string;
  shape: number[];
  axes: string[];
  data: (number | null)[] | null;
  data_file?: string;
  config: Record<string, unknown>;
  expected: {
    n: number;
    k: number;
    kept_rows: number[];
    t2: number[];
    q: number[];
    recon_error: number[];
    t2_limit: number;
    theta: [number, number, number];
    h0: number;
    q_limit: number;
    q_limit_method: string;
    q_limit_moments: number;
    outlier_score: number[];
  };
}

interface OutlierDiagnostics {
  confidence: number;
  t2_limit: number | null;
  q_limit: number | null;
  q_limit_method: string;
  q_limit_reason: string;
  theta: (number | null)[];
  h0: number | null;
}

const golden = JSON.parse(readFileSync(fixture("golden/outliers.json"), "utf8")) as {
  cases: OutlierCase[];
};
const cases = new Map(golden.cases.map((c) => [c.name, c]));

async function caseView(c: OutlierCase): Promise<ReadableView> {
  const data =
    c.data === null
      ? (await readNpyFile(fixture(c.data_file!.replace(/^fixtures\//, "")))).data
      : Float64Array.from(c.data, (x) => (x === null ? Number.NaN : x));
  const n = c.shape[0]!;
  return viewFromTensor(
    createTensor({
      data,
      shape: c.shape,
      axes: c.axes,
      axisIndex: { instance: Array.from({ length: n }, (_, i) => `i${i}`) },
    }),
  );
}

function column(output: MethodOutput, name: string): Float64Array {
  return output.factorTables.instance!.column(name).values as Float64Array;
}

function outliers(output: MethodOutput): OutlierDiagnostics {
  return (output.diagnostics as unknown as { outliers: OutlierDiagnostics }).outliers;
}

/**
 * The largest |a − e| / (|e| + floor_i) over the kept rows, where floor_i is an absolute error
 * allowed per row (0 for a relative comparison).
 */
function maxRelative(
  actual: Float64Array,
  expected: number[],
  rows: number[],
  floor: (i: number) => number = () => 0,
): number {
  return Math.max(
    ...rows.map(
      (row, i) => Math.abs(actual[row]! - expected[i]!) / (Math.abs(expected[i]!) + floor(i)),
    ),
  );
}

/**
 * ‖x_i‖² of each kept row's preprocessed values, as q + Σ score². Q comes from the subtraction
 * ‖x_i‖² − Σ score² (recon_error's definition), whose rounding is absolute, about 1e-14·‖x_i‖²:
 * the uncentered Iris rows have ‖x‖² ≈ 40 and Q down to 6e-5, so Q alone keeps ~8 digits there.
 */
function rowSquares(output: MethodOutput, k: number, rows: number[]): number[] {
  const q = column(output, "q");
  const scores = Array.from({ length: k }, (_, c) => column(output, `score_${c + 1}`));
  return rows.map((row) => scores.reduce((sum, s) => sum + s[row]! ** 2, q[row]!));
}

const RTOL = 1e-9;

describe.each(["exact", "gram"])("%s solver against numpy/scipy", (solver) => {
  it.each([...cases.keys()])("%s: t2, q, outlier_score and both limits to 1e-9", async (name) => {
    const c = cases.get(name)!;
    const e = c.expected;
    const output = await fitSvd(await caseView(c), { ...c.config, solver });
    const rows = e.kept_rows;
    const norms = rowSquares(output, e.k, rows);
    const qFloor = (i: number) => 1e-3 * norms[i]!;
    expect(maxRelative(column(output, "t2"), e.t2, rows)).toBeLessThan(RTOL);
    // 1e-9 relative, or 1e-12·‖x_i‖² absolute (RTOL times the floor 1e-3·‖x_i‖²).
    expect(maxRelative(column(output, "q"), e.q, rows, qFloor)).toBeLessThan(RTOL);
    const scoreFloor = (i: number) => qFloor(i) / e.q_limit;
    const score = column(output, "outlier_score");
    expect(maxRelative(score, e.outlier_score, rows, scoreFloor)).toBeLessThan(RTOL);
    const d = outliers(output);
    expect(d.confidence).toBe(c.config.outlier_confidence ?? 0.95);
    expectClose([d.t2_limit!], [e.t2_limit], RTOL, 0, "t2_limit");
    expectClose([d.q_limit!], [e.q_limit], RTOL, 0, "q_limit");
    expectClose(d.theta as number[], e.theta, RTOL, 0, "theta");
    expectClose([d.h0!], [e.h0], RTOL, 0, "h0");
    expect(d.q_limit_method).toBe(e.q_limit_method);
  });
});

it("Q is recon_error squared, and the columns follow recon_error", async () => {
  const c = cases.get("iris_pca")!;
  const output = await fitSvd(await caseView(c), { ...c.config, solver: "exact" });
  const table = output.factorTables.instance!;
  expect(table.columnNames.slice(-4)).toEqual(["recon_error", "t2", "q", "outlier_score"]);
  const error = column(output, "recon_error");
  expectClose(
    column(output, "q"),
    Array.from(error, (x) => x * x),
    1e-15,
    0,
    "q",
  );
  expect(outliers(output).q_limit_method).toBe("jackson_mudholkar");
});

it("dropped instances get null t2, q and outlier_score, like their scores", async () => {
  const c = cases.get("planted")!;
  const output = await fitSvd(await caseView(c), { ...c.config, solver: "exact" });
  const table = output.factorTables.instance!;
  for (const row of [30, 77])
    for (const name of ["score_1", "t2", "q", "outlier_score"])
      expect(table.get(row, name)).toBeNull();
  // The planted outliers are the instances above 1 (and one instance of the bulk at 0.99).
  const score = column(output, "outlier_score");
  const flagged = Array.from(score.keys()).filter((row) => score[row]! > 1);
  expect(flagged).toEqual([5, 17, 50, 120, 194]);
  expect(outliers(output).q_limit_reason).toContain("h0 = 1 − 2θ1θ3/(3θ2²) =");
});

it("without the discarded spectrum (randomized, l < min(n, p)) Q's limit matches Q's moments", async () => {
  const c = cases.get("planted")!;
  const e = c.expected;
  const config = { ...c.config, solver: "randomized", oversamples: 2 };
  const output = await fitSvd(await caseView(c), config);
  const d = outliers(output);
  expect(d.q_limit_method).toBe("moments");
  expect(d.theta.slice(1)).toEqual([null, null]);
  expect(d.q_limit_reason).toContain("the randomized solver computed only part of the spectrum");
  // The randomized subspace is not exact: Q and its moments agree with numpy's to about 1e-6.
  expectClose([d.q_limit!], [e.q_limit_moments], 1e-6, 0, "q_limit (moments)");
  expectClose([d.theta[0]!], [e.theta[0]], 1e-6, 0, "theta1 (total minus retained)");
  expectClose([d.t2_limit!], [e.t2_limit], RTOL, 0, "t2_limit");
});

it("full rank leaves no residual: no Q limit, outlier_score from T² alone; n ≤ k has no limits", async () => {
  const c = cases.get("iris_pca")!;
  const output = await pca.fit(await caseView(c), pca.validate({ rank: 4 }), context());
  const d = outliers(output);
  expect(d.q_limit).toBeNull();
  expect(d.q_limit_method).toBe("none");
  const t2 = column(output, "t2");
  expectClose(
    column(output, "outlier_score"),
    Array.from(t2, (x) => x / d.t2_limit!),
    1e-15,
  );
  const tiny = viewFromTensor(
    createTensor({
      data: Float64Array.from([1, 2, 4, 3, 1, 0]),
      shape: [2, 3],
      axes: ["instance", "f"],
    }),
  );
  const none = await svd.fit(tiny, svd.validate({ rank: 2 }), context());
  expect(outliers(none).t2_limit).toBeNull();
  expect(none.factorTables.instance!.get(0, "outlier_score")).toBeNull();
});

it("outlier_confidence must lie strictly between 0 and 1", () => {
  for (const bad of [0, 1, 1.5, "0.95", null]) {
    const error = (() => {
      try {
        pca.validate({ outlier_confidence: bad });
      } catch (e) {
        return e;
      }
    })();
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as Error).message).toContain(
      "'outlier_confidence': must be a number strictly between 0 and 1, such as 0.95 or 0.99",
    );
  }
  expect(pca.validate({}).outlier_confidence).toBe(0.95);
});
