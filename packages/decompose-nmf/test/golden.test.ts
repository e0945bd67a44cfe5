/** Both solvers and both losses against numpy implementations of scikit-learn's (make_nmf_golden.py). */

import { describe, expect, it } from "vitest";
import { fitNmf, goldenCases, goldenView, maxDifference, scoresOf } from "./helpers.js";

const cases = goldenCases();

/** Relative to the largest entry of W, of H, and to the reconstruction error (measured: at most 2.3e-12). */
const TOLERANCE = 1e-9;

describe("against numpy (scikit-learn's algorithms)", () => {
  it.each([...cases.keys()])("%s", async (name) => {
    const c = cases.get(name)!;
    const e = c.expected;
    const k = c.config.rank as number;
    const output = await fitNmf(goldenView(c), c.config);
    const d = output.diagnostics as Record<string, unknown>;
    expect(d.n_iter).toBe(e.n_iter);
    expect(d.converged).toBe(e.converged);
    const W = scoresOf(output, k);
    const H = output.componentTensors.components!.data as Float64Array;
    expect(output.componentTensors.components!.shape).toEqual([k, ...c.shape.slice(1)]);
    const wScale = Math.max(...e.W);
    const hScale = Math.max(...e.H);
    expect(maxDifference(W, e.W) / wScale).toBeLessThan(TOLERANCE);
    expect(maxDifference(H, e.H) / hScale).toBeLessThan(TOLERANCE);
    expect(Math.abs((d.reconstruction_err as number) - e.reconstruction_err)).toBeLessThan(
      TOLERANCE * e.reconstruction_err,
    );
    const rows = output.factorTables.instance!.column("recon_error").values as Float64Array;
    expect(maxDifference(rows, e.recon_error) / Math.max(...e.recon_error)).toBeLessThan(TOLERANCE);
  });
});
