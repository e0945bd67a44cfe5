/**
 * CP-ALS against the numpy reference of the same algorithm (fixtures/golden/cp.json, written by
 * scripts/golden/make_cp_golden.py) and the published amino acids figures.
 */

import { readFileSync } from "node:fs";
import type { MethodOutput } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import {
  correlation,
  expectClose,
  FIXTURES,
  factorColumns,
  fitCp,
  fixtureView,
  type GoldenCase,
  goldenCases,
  goldenTensor,
} from "./helpers.js";

const golden = goldenCases();

interface Diagnostics {
  fit: number;
  relative_error: number;
  iterations: number;
  converged: boolean;
  weights: number[];
  core_consistency: number;
  relative_error_history: number[];
}

const diagnostics = (output: MethodOutput) => output.diagnostics as unknown as Diagnostics;

/** Compares a fit with its golden: error, iterations, weights, non-instance factors. */
function expectGolden(output: MethodOutput, c: GoldenCase, axes: string[], rtol: number): void {
  const d = diagnostics(output);
  const e = c.expected;
  const R = c.config.rank as number;
  expect(d.iterations).toBe(e.iterations);
  expect(d.converged).toBe(e.converged);
  expectClose([d.relative_error], [e.relative_error], 1e-9, 0, "relative_error");
  expectClose(d.relative_error_history, e.relative_error_history, 1e-9, 0, "history");
  expectClose(d.weights, e.weights, rtol, 0, "weights");
  const factors = e.factors.length === axes.length ? e.factors.slice(1) : e.factors;
  axes.slice(1).forEach((axis, k) => {
    expectClose(factorColumns(output, axis, "factor", R), factors[k]!, 0, rtol, `factor ${axis}`);
  });
}

describe("amino acids (Bro 1997, 5 x 201 x 61), rank 3, init svd, tol 1e-6", async () => {
  const axes = ["instance", "emission", "excitation"];
  const view = await fixtureView("amino_acids_bro", axes);
  const c = golden.get("amino_acids")!;
  const output = await fitCp(view, c.config);
  const d = diagnostics(output);

  it("reaches the published fit 0.97495 (Tensor Toolbox 0.9749461)", () => {
    expect(d.fit.toFixed(5)).toBe("0.97495");
    expect(Math.abs(d.fit - 0.9749461)).toBeLessThan(5e-8);
    expect(d.fit).toBeCloseTo(1 - d.relative_error, 15);
    expect(d.converged).toBe(true);
  });

  it("matches the numpy CP-ALS of the same algorithm sweep for sweep", () => {
    expectGolden(output, c, axes, 1e-8);
    expectClose([d.core_consistency], [c.expected.core_consistency], 1e-6, 0, "core consistency");
  });

  it("has sample factors that track the known concentrations (|r| > 0.99)", () => {
    const table = output.factorTables.instance!;
    expect(table.column("instance_id").values).toEqual(["S1", "S2", "S3", "S4", "S5"]);
    const meta = readFileSync(new URL("amino_acids_bro/axis0_samples.csv", FIXTURES), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(","));
    const scores = factorColumns(output, "instance", "score", 3);
    const best = [2, 3, 4].map((column) => {
      const truth = meta.map((row) => Number(row[column]));
      return Math.max(
        ...[0, 1, 2].map((r) =>
          Math.abs(
            correlation(
              truth,
              [0, 1, 2, 3, 4].map((i) => scores[i * 3 + r]!),
            ),
          ),
        ),
      );
    });
    // Trp, Tyr, Phe: 0.9998, 0.9998, 0.9982 in the dataset's README.
    for (const r of best) expect(r).toBeGreaterThan(0.99);
  });

  it("reports factor tables beside the axis ids and the rank-one components", () => {
    const emission = output.factorTables.emission!;
    expect(emission.columnNames).toEqual(["id", "factor_1", "factor_2", "factor_3"]);
    expect(emission.numRows).toBe(201);
    expect(emission.row(0).id).toBe("em250");
    const components = output.componentTensors.components!;
    expect(components.axes).toEqual(["component", "emission", "excitation"]);
    expect(components.shape).toEqual([3, 201, 61]);
    expect(components.axisIndex.emission?.[0]).toBe("em250");
    const component = output.factorTables.component!;
    expect(component.columnNames).toEqual(["component", "weight", "share_of_fit"]);
    const weights = Array.from(component.column("weight").values as Float64Array);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
  });
});

describe("COVID-19 serology (438 x 6 x 11), ranks 1-6", async () => {
  const axes = ["instance", "antigen", "receptor"];
  const view = await fixtureView("covid19_serology", axes);
  const fits: number[] = [];
  for (let rank = 1; rank <= 6; rank++)
    it(`rank ${rank} matches the numpy CP-ALS of the same algorithm`, async () => {
      const c = golden.get(`covid19_serology_rank${rank}`)!;
      const output = await fitCp(view, c.config);
      const d = diagnostics(output);
      expectClose([d.fit], [c.expected.fit], 1e-9, 0, "fit");
      expect(Math.abs(d.iterations - c.expected.iterations)).toBeLessThanOrEqual(
        Math.ceil(c.expected.iterations * 0.02),
      );
      if (rank <= 2) expectGolden(output, c, axes, 1e-6);
      fits.push(d.fit);
    });

  it("has a fit that never decreases with the rank", () => {
    expect(fits).toHaveLength(6);
    for (let r = 1; r < 6; r++) expect(fits[r]!).toBeGreaterThanOrEqual(fits[r - 1]!);
  });
});

describe("synthetic tensors of the golden file", () => {
  for (const name of ["synthetic_noisy", "four_way"])
    it(`${name} matches numpy: weights, factors, scores, per-instance errors, core consistency`, async () => {
      const c = golden.get(name)!;
      const output = await fitCp(viewFromTensor(goldenTensor(c)), c.config);
      const R = c.config.rank as number;
      expectGolden(output, c, c.axes!, 1e-7);
      expectClose(
        factorColumns(output, "instance", "score", R),
        c.expected.scores!,
        0,
        1e-7,
        "scores",
      );
      const recon = output.factorTables.instance!.column("recon_error").values as Float64Array;
      expectClose(recon, c.expected.recon_error!, 1e-7, 1e-12, "recon_error");
      expectClose(
        [diagnostics(output).core_consistency],
        [c.expected.core_consistency],
        1e-6,
        0,
        "core consistency",
      );
    });
});
