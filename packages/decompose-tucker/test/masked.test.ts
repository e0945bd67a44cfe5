/**
 * `missing: "mask"` (EM imputation): recovery of the removed entries of a tensor of low
 * multilinear rank, the values under the mask never read, the error over the observed entries
 * never increasing, and no missing entry giving the unmasked fit's bits. The numpy goldens of the
 * same algorithm are in golden.test.ts.
 */

import { uniformGenerator } from "@tt/decompose-core";
import { createTensor, type MethodOutput } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { factorColumns, fitTucker } from "./helpers.js";
import { syntheticTucker } from "./synthetic.js";

interface Diagnostics {
  fit: number;
  relative_error_history: number[];
  converged: boolean;
  imputation?: { missing_entries: number; last_relative_change: number };
}

const diagnostics = (output: MethodOutput) => output.diagnostics as unknown as Diagnostics;

const shape: [number, number, number] = [30, 8, 6];
const p = shape[1] * shape[2];

/** Every entry's model value: the instance scores times the components (r₀ × p). */
function modelValues(output: MethodOutput, r0: number): Float64Array {
  const scores = factorColumns(output, "instance", "score", r0);
  const components = output.componentTensors.components!.data as Float64Array;
  const values = new Float64Array(shape[0] * p);
  for (let i = 0; i < shape[0]; i++)
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let s = 0; s < r0; s++) sum += scores[i * r0 + s]! * components[s * p + j]!;
      values[i * p + j] = sum;
    }
  return values;
}

/** Seeded positions: each entry missing (0) with probability `fraction`. */
function maskOf(fraction: number, seed: number): Uint8Array {
  const random = uniformGenerator(seed);
  return Uint8Array.from({ length: shape[0] * p }, () => (random() < fraction ? 0 : 1));
}

describe('missing: "mask"', () => {
  const { tensor, data } = syntheticTucker(shape, 2, 21, 0);
  const noisy = syntheticTucker(shape, 2, 22, 0.1);
  const masked = (mask: Uint8Array, fill: (x: number) => number, values = data) =>
    createTensor({
      data: values.map((v, x) => (mask[x] ? v : fill(x))),
      shape,
      axes: tensor.axes,
      axisIndex: { instance: tensor.axisIndex.instance! },
      mask,
    });

  it("recovers the 20% removed entries of a tensor of multilinear rank (2, 2, 2)", async () => {
    const mask = maskOf(0.2, 5);
    const missing = mask.reduce((n, v) => n + (v ? 0 : 1), 0);
    expect(missing / mask.length).toBeGreaterThan(0.17);
    expect(missing / mask.length).toBeLessThan(0.23);
    const input = masked(mask, () => Number.NaN);
    const output = await fitTucker(viewFromTensor(input), {
      ranks: [2, 2, 2],
      missing: "mask",
      tol: 1e-14,
      n_iter_max: 2000,
    });
    const model = modelValues(output, 2);
    let error = 0;
    let norm = 0;
    for (let x = 0; x < mask.length; x++)
      if (!mask[x]) {
        error += (model[x]! - data[x]!) ** 2;
        norm += data[x]! ** 2;
      }
    expect(Math.sqrt(error / norm)).toBeLessThan(1e-6);
    expect(diagnostics(output).fit).toBeGreaterThan(1 - 1e-7);
    expect(diagnostics(output).imputation?.missing_entries).toBe(missing);
    // The imputation writes into the fit's own copy, never into the input.
    expect((input.data as Float64Array).filter(Number.isNaN).length).toBe(missing);
  });

  it("never reads the values under the mask, and the observed error never increases", async () => {
    const mask = maskOf(0.1, 6);
    const config = { ranks: [2, 2, 2], missing: "mask", tol: 1e-12 };
    const a = await fitTucker(viewFromTensor(masked(mask, () => 0, noisy.data)), config);
    const b = await fitTucker(
      viewFromTensor(masked(mask, (x) => 1e6 * Math.sin(x), noisy.data)),
      config,
    );
    expect(b.componentTensors.core!.data).toEqual(a.componentTensors.core!.data);
    expect(factorColumns(b, "instance", "score", 2)).toEqual(
      factorColumns(a, "instance", "score", 2),
    );
    const history = diagnostics(a).relative_error_history;
    for (let t = 1; t < history.length; t++)
      expect(history[t]!).toBeLessThanOrEqual(history[t - 1]! * (1 + 1e-12));
  });

  it("without missing entries gives the bits of missing: error", async () => {
    const view = viewFromTensor(noisy.tensor);
    const a = await fitTucker(view, { ranks: [2, 2, 2], missing: "mask" });
    const b = await fitTucker(viewFromTensor(noisy.tensor), { ranks: [2, 2, 2] });
    expect(a.componentTensors.core!.data).toEqual(b.componentTensors.core!.data);
    expect(diagnostics(a).fit).toBe(diagnostics(b).fit);
    expect(diagnostics(a).imputation).toBeUndefined();
  });
});
