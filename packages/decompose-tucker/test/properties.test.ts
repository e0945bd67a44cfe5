/**
 * Properties of the fit: streaming gives the in-memory bits, the preprocessing options equal
 * fitting the preprocessed tensor, the random start reaches the HOSVD start's fit, orthonormal
 * factors, and scores × components reconstruct each instance up to its recon_error.
 */

import { KERNEL_CHUNK_ROWS } from "@tt/linalg";
import { createTensor, type MethodOutput } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { expectClose, factorColumns, fitTucker } from "./helpers.js";
import { syntheticTucker } from "./synthetic.js";

interface Diagnostics {
  fit: number;
  relative_error: number;
  iterations: number;
  in_memory: boolean;
  converged: boolean;
}

const diagnostics = (output: MethodOutput) => output.diagnostics as unknown as Diagnostics;

function expectSameOutput(a: MethodOutput, b: MethodOutput): void {
  for (const [axis, table] of Object.entries(a.factorTables))
    for (const name of table.columnNames)
      expect(b.factorTables[axis]!.column(name).values, `${axis}.${name}`).toEqual(
        table.column(name).values,
      );
  expect(b.componentTensors.core!.data).toEqual(a.componentTensors.core!.data);
  expect(diagnostics(b).fit).toBe(diagnostics(a).fit);
}

describe("streaming", () => {
  const n = 3 * KERNEL_CHUNK_ROWS + 100;
  const { tensor } = syntheticTucker([n, 4, 3], 2, 7, 0.1, "float32");
  const view = viewFromTensor(tensor);

  it.each(["hosvd", "random"])(
    "the instances streamed under a small memory budget give the in-memory bits (init %s)",
    async (init) => {
      const config = { ranks: [2, 2, 2], init, tol: 1e-10 };
      const memory = await fitTucker(view, config, 3);
      const streamed = await fitTucker(
        view,
        { ...config, memory_budget: KERNEL_CHUNK_ROWS * 12 * 4 * 3 },
        3,
      );
      expect(diagnostics(memory).in_memory).toBe(true);
      expect(diagnostics(streamed).in_memory).toBe(false);
      expectSameOutput(memory, streamed);
    },
  );

  it("threads do not change the result", async () => {
    const config = { ranks: [2, 2, 2], tol: 1e-10 };
    expectSameOutput(
      await fitTucker(view, { ...config, threads: 1 }),
      await fitTucker(view, { ...config, threads: 2 }),
    );
  });
});

describe("the model", () => {
  const { tensor, data } = syntheticTucker([30, 6, 5], 3, 11, 0.2);
  const view = viewFromTensor(tensor);

  it("has orthonormal factors, and scores × components leave recon_error per instance", async () => {
    const output = await fitTucker(view, { ranks: [3, 2, 3], tol: 1e-12 });
    const U1 = factorColumns(output, "sample", "factor", 2);
    for (let s = 0; s < 2; s++)
      for (let t = 0; t < 2; t++) {
        let dot = 0;
        for (let a = 0; a < 6; a++) dot += U1[a * 2 + s]! * U1[a * 2 + t]!;
        expect(dot).toBeCloseTo(s === t ? 1 : 0, 12);
      }
    const scores = factorColumns(output, "instance", "score", 3);
    const components = output.componentTensors.components!.data as Float64Array;
    const recon = output.factorTables.instance!.column("recon_error").values as Float64Array;
    let total = 0;
    let squares = 0;
    for (let i = 0; i < 30; i++) {
      let error = 0;
      for (let j = 0; j < 30; j++) {
        let model = 0;
        for (let s = 0; s < 3; s++) model += scores[i * 3 + s]! * components[s * 30 + j]!;
        error += (data[i * 30 + j]! - model) ** 2;
        squares += data[i * 30 + j]! ** 2;
      }
      expect(Math.sqrt(error)).toBeCloseTo(recon[i]!, 9);
      total += error;
    }
    expect(1 - Math.sqrt(total / squares)).toBeCloseTo(diagnostics(output).fit, 9);
  });

  it("from a random start reaches the HOSVD start's fit", async () => {
    const hosvd = diagnostics(await fitTucker(view, { ranks: 3, tol: 1e-12, n_iter_max: 500 }));
    const random = diagnostics(
      await fitTucker(view, { ranks: 3, init: "random", tol: 1e-12, n_iter_max: 500 }, 4),
    );
    expect(random.converged).toBe(true);
    expect(random.fit).toBeCloseTo(hosvd.fit, 8);
  });
});

describe("preprocessing as decompose-cp", () => {
  const shape = [20, 6, 4];
  const axes = ["instance", "sample", "channel"];
  const { tensor, data } = syntheticTucker([20, 6, 4], 2, 13, 0.3);
  const config = { ranks: [2, 2, 2], tol: 1e-12 };
  const fitOf = (values: Float64Array, extra: Record<string, unknown> = {}, s = shape) =>
    fitTucker(viewFromTensor(createTensor({ data: values, shape: s, axes })), {
      ...config,
      ...extra,
    });
  const fitOfTensor = (extra: Record<string, unknown>) =>
    fitTucker(viewFromTensor(tensor), { ...config, ...extra });

  it("center over the instances equals fitting the centered tensor", async () => {
    const centered = data.map((v, x) => {
      let mean = 0;
      for (let i = 0; i < 20; i++) mean += data[i * 24 + (x % 24)]! / 20;
      return v - mean;
    });
    const a = await fitOfTensor({ center: { over: ["instance"] } });
    const b = await fitOf(centered);
    expectClose([diagnostics(a).fit], [diagnostics(b).fit], 1e-10);
    expect(a.componentTensors.center!.shape).toEqual([6, 4]);
  });

  it("channel weights equal fitting the weighted tensor", async () => {
    const w = [1, 2, 0.5, 3];
    const a = await fitOfTensor({ weights: { channel: w } });
    const b = await fitOf(data.map((v, x) => v * w[x % 4]!));
    expectClose([diagnostics(a).fit], [diagnostics(b).fit], 1e-10);
    expectClose(
      a.componentTensors.core!.data as Float64Array,
      b.componentTensors.core!.data as Float64Array,
      1e-8,
    );
  });

  it("sample_mask equals fitting the subset", async () => {
    const kept = [0, 2, 5];
    const subset = new Float64Array(20 * 3 * 4);
    for (let i = 0; i < 20; i++)
      kept.forEach((s, a) => {
        for (let c = 0; c < 4; c++) subset[(i * 3 + a) * 4 + c] = data[(i * 6 + s) * 4 + c]!;
      });
    const a = await fitOfTensor({ sample_mask: { axis: "sample", indices: kept } });
    const b = await fitOf(subset, {}, [20, 3, 4]);
    expectClose([diagnostics(a).fit], [diagnostics(b).fit], 1e-10);
    expect(a.factorTables.sample!.numRows).toBe(3);
  });

  it("missing: drop equals fitting the other instances, with null scores for the dropped", async () => {
    const holed = data.slice();
    holed[3 * 24 + 5] = Number.NaN;
    const a = await fitOf(holed, { missing: "drop" });
    const rest = Float64Array.from([...data.subarray(0, 3 * 24), ...data.subarray(4 * 24)]);
    const b = await fitOf(rest, {}, [19, 6, 4]);
    expectClose([diagnostics(a).fit], [diagnostics(b).fit], 1e-10);
    const score = a.factorTables.instance!.column("score_1");
    expect(score.valid?.[3] ?? score.values[3]).toBeFalsy();
  });
});
