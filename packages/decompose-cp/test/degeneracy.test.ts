/**
 * Degeneracy diagnostics against numpy (fixtures/golden/cp-degeneracy.json, written by
 * scripts/golden/make_cp_degeneracy_golden.py): Tucker's congruence over all modes of given
 * factors and of a fit that runs into a two-factor degeneracy, and the verdict's reasons.
 */

import { readFileSync } from "node:fs";
import { createTensor } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { CONGRUENCE_THRESHOLD, congruenceMatrix, degeneracyOf } from "../src/degeneracy.js";
import { expectClose, FIXTURES, fitCp, goldenCases, goldenTensor } from "./helpers.js";

interface MostNegative {
  components: [number, number];
  congruence: number;
}

interface DegeneracyCase {
  name: string;
  shapes?: [number, number][];
  factors?: number[][];
  axes?: string[];
  shape?: number[];
  data?: number[];
  config?: Record<string, unknown>;
  expected: {
    congruence: number[];
    most_negative: MostNegative | null;
    iterations?: number;
    converged?: boolean;
    weights?: number[];
    core_consistency?: number;
  };
}

interface Degeneracy {
  degenerate: boolean;
  reasons: string[];
  most_negative: MostNegative | null;
  congruence: number[][];
  thresholds: { core_consistency: number; congruence: number };
}

const cases = new Map(
  (
    JSON.parse(readFileSync(new URL("golden/cp-degeneracy.json", FIXTURES), "utf8")) as {
      cases: DegeneracyCase[];
    }
  ).cases.map((c) => [c.name, c]),
);

const degeneracy = (diagnostics: Record<string, unknown>) =>
  diagnostics.degeneracy as unknown as Degeneracy;

describe("Tucker's congruence over all modes, against numpy", () => {
  for (const name of ["planted_pair", "four_way_planted"])
    it(`${name}: every pair within 1e-12 of numpy, and the most negative pair`, () => {
      const c = cases.get(name)!;
      const R = c.shapes![0]![1];
      const factors = c.factors!.map((f) => Float64Array.from(f));
      const congruence = congruenceMatrix(factors, R);
      expectClose(congruence, c.expected.congruence, 0, 1e-12, "congruence");
      const verdict = degeneracyOf({
        factors,
        rank: R,
        coreConsistency: 90,
        converged: true,
        nIterMax: 100,
      });
      expect(verdict.most_negative).toEqual({
        components: c.expected.most_negative!.components,
        congruence: expect.closeTo(c.expected.most_negative!.congruence, 12),
      });
    });

  it("a planted pair of three modes is degenerate by congruence; of four modes it is not", () => {
    const verdict = (name: string) => {
      const c = cases.get(name)!;
      return degeneracyOf({
        factors: c.factors!.map((f) => Float64Array.from(f)),
        rank: c.shapes![0]![1],
        coreConsistency: 90,
        converged: true,
        nIterMax: 100,
      }) as unknown as Degeneracy;
    };
    const three = verdict("planted_pair");
    expect(three.degenerate).toBe(true);
    expect(three.reasons).toEqual([
      expect.stringMatching(/^components 1 and 2 have congruence -0\.995 \(below -0\.85\)/),
    ]);
    expect(verdict("four_way_planted").degenerate).toBe(false);
  });

  it("gives a zero column cosine 0 and has ones on the diagonal", () => {
    const factor = Float64Array.from([1, 0, 2, 0, 3, 0]);
    expect(Array.from(congruenceMatrix([factor, factor], 2))).toEqual([1, 0, 0, 1]);
  });
});

describe("a fit that runs into a two-factor degeneracy (border-rank-2 tensor, rank 2)", async () => {
  const c = cases.get("swamp")!;
  const tensor = createTensor({
    data: Float64Array.from(c.data!),
    shape: c.shape!,
    axes: c.axes!,
    axisIndex: { instance: Array.from({ length: c.shape![0]! }, (_, i) => `i${i}`) },
  });
  const output = await fitCp(viewFromTensor(tensor), c.config!);
  const d = output.diagnostics as Record<string, unknown>;
  const verdict = degeneracy(d);

  it("follows numpy's sweeps: iterations, weights, congruence (1e-8), core consistency", () => {
    expect(d.iterations).toBe(c.expected.iterations);
    expect(d.converged).toBe(false);
    expectClose(d.weights as number[], c.expected.weights!, 1e-6, 0, "weights");
    expectClose(verdict.congruence.flat(), c.expected.congruence, 0, 1e-8, "congruence");
    expectClose([d.core_consistency as number], [c.expected.core_consistency!], 1e-6);
  });

  it("is judged degenerate: the cancelling pair and the missing convergence, cited thresholds", () => {
    expect(verdict.degenerate).toBe(true);
    expect(verdict.most_negative!.components).toEqual([1, 2]);
    expect(verdict.most_negative!.congruence).toBeLessThan(CONGRUENCE_THRESHOLD);
    expect(verdict.reasons).toEqual([
      expect.stringMatching(/^components 1 and 2 have congruence -0\.93\d \(below -0\.85\)/),
      "did not converge within n_iter_max = 1000 sweeps",
    ]);
    expect(verdict.thresholds).toEqual({ core_consistency: 0, congruence: -0.85 });
  });
});

describe("fits that are not degenerate", () => {
  const golden = goldenCases();
  it("the synthetic rank-3 case of cp.json: converged, no pair below -0.85, core consistency > 0", async () => {
    const c = golden.get("synthetic_noisy")!;
    const output = await fitCp(viewFromTensor(goldenTensor(c)), c.config);
    const verdict = degeneracy(output.diagnostics as Record<string, unknown>);
    expect(verdict).toMatchObject({ degenerate: false, reasons: [] });
    expect(verdict.congruence).toHaveLength(3);
    for (const row of verdict.congruence) expect(Math.min(...row)).toBeGreaterThan(-0.85);
  });

  it("rank 1 has no pair and a 1 x 1 congruence", async () => {
    const c = golden.get("synthetic_noisy")!;
    const output = await fitCp(viewFromTensor(goldenTensor(c)), { ...c.config, rank: 1 });
    const verdict = degeneracy(output.diagnostics as Record<string, unknown>);
    expect(verdict).toMatchObject({ degenerate: false, most_negative: null, congruence: [[1]] });
  });

  it("names a negative core consistency as a reason", () => {
    const factor = Float64Array.from([1, 0, 0, 1, 1, 1]);
    const verdict = degeneracyOf({
      factors: [factor, factor, factor],
      rank: 2,
      coreConsistency: -971,
      converged: true,
      nIterMax: 500,
    }) as unknown as Degeneracy;
    expect(verdict.degenerate).toBe(true);
    expect(verdict.reasons).toEqual([
      "core consistency -971.0 is below 0: the components do not act as separate trilinear terms at rank 2",
    ]);
  });
});
