/**
 * Check 1: a plain Node ESM script (apps/umbrella/check-umbrella.mjs) on `tensortools` installed
 * from the tarballs with npm and with pnpm: fixture data to bundles, open, query, svd / pca / cp,
 * write, open and join the result, query on a score. The same figures as the in-repo tests.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { AMINO, EEG, expectClose, IRIS } from "../src/figures.js";
import { type UmbrellaRun, umbrellaRun } from "../src/umbrella-run.js";

describe.each(["npm", "pnpm"] as const)("Node ESM on the umbrella installed with %s", (manager) => {
  let run: UmbrellaRun;

  beforeAll(async () => {
    run = await umbrellaRun(`${manager}-umbrella`);
    console.log(
      `${manager}: install ${run.app.installMs} ms, node check-umbrella.mjs ${run.ms} ms\n` +
        run.summary.map((line) => `  ${line}`).join("\n"),
    );
  });

  it("Iris: pca gives scikit-learn's explained variance ratio and first component, svd numpy's singular values", () => {
    const { iris } = run.report;
    expect(iris.shape).toEqual([150, 1, 4]);
    expect(iris.explainedVarianceRatio.map((r) => Number(r.toFixed(8)))).toEqual(
      IRIS.explainedVarianceRatio,
    );
    expectClose(iris.firstComponent, IRIS.firstComponent, 0, 5e-9, "components_[0]");
    expectClose(iris.svdSingularValues, IRIS.singularValues, 1e-10, 0, "svd singular values");
    expect(iris.ids.slice(0, 2)).toEqual(["f000", "f001"]);
    expectClose(
      [iris.score1[0]!, iris.score2[0]!],
      [-2.68412563, 0.31939725],
      0,
      5e-9,
      "first scores",
    );
    expect(iris.virginica).toBe(50);
  });

  it("EEG: the query selects numpy's 42 epochs and exact pca equals numpy (rtol 2e-6)", () => {
    const { eeg } = run.report;
    const e = EEG.expected;
    expect(eeg.shape).toEqual([80, 384, 32]);
    expect(eeg.selectedIds).toEqual(EEG.ids);
    expectClose(eeg.singularValues, e.singular_values.slice(0, 5), 2e-6, 0, "singular values");
    expectClose(eeg.explainedVarianceRatio, e.explained_variance_ratio, 2e-6, 0, "ratio");
    expectClose([eeg.totalVariance], [e.total_variance], 1e-6, 0, "total variance");
    const scale = Math.max(...e.scores_head.map(Math.abs));
    expectClose(eeg.scoresHead, e.scores_head, 0, 1e-5 * scale, "scores head");
    expect(eeg.componentsShape).toEqual([5, 384, 32]);
  });

  it("EEG: the written result reads back, joins onto the dataset and answers a query on a score", () => {
    const { eeg } = run.report;
    expect(eeg.reopenedSameScores).toBe(true);
    expect(eeg.reopenedIsMetaTable).toBe(true);
    expect(eeg.expectedPickedIds.length).toBeGreaterThan(0);
    expect(eeg.pickedIds).toEqual(eeg.expectedPickedIds);
    expect(eeg.unscored).toBe(80 - 42);
    expect(eeg.badQuery?.isQueryError, eeg.badQuery?.message).toBe(true);
  });

  it("amino acids: rank-3 cp reaches the published fit 0.97495 in numpy's sweeps", () => {
    const { cp } = run.report;
    expect(cp.fit.toFixed(5)).toBe("0.97495");
    expect(Math.abs(cp.fit - AMINO.publishedFit)).toBeLessThan(5e-8);
    expect(cp.iterations).toBe(AMINO.expected.iterations);
    expectClose(cp.weights, AMINO.expected.weights, 1e-8, 0, "weights");
    expect(cp.ids).toEqual(["S1", "S2", "S3", "S4", "S5"]);
  });

  it("reports which kernel backend ran", () => {
    const { iris, eeg, cp } = run.report;
    console.log(
      `${manager}: kernels in Node ${process.version}: pca ${eeg.backend}, cp ${cp.backend}`,
    );
    for (const backend of [iris.backend, eeg.backend, cp.backend])
      expect(["wasm-relaxed-simd", "wasm-simd"]).toContain(backend);
  });
});
