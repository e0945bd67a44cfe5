/**
 * Properties of the CP fit: recovery of known factors, non-negativity, masks, determinism,
 * streaming, preprocessing and line search.
 */

import { KERNEL_CHUNK_ROWS } from "@tt/linalg";
import { createTensor, type MethodOutput } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { expectClose, factorColumns, fitCp } from "./helpers.js";
import { factorMatchScore, syntheticCp, uniform } from "./synthetic.js";

interface Diagnostics {
  fit: number;
  relative_error: number;
  iterations: number;
  converged: boolean;
  in_memory: boolean;
  line_search?: { tried: number; accepted: number };
  imputation?: { missing_entries: number };
}

const diagnostics = (output: MethodOutput) => output.diagnostics as unknown as Diagnostics;

/** Every factor of a fit (scores for the instances), row-major d × R. */
function allFactors(output: MethodOutput, axes: string[], R: number): Float64Array[] {
  return axes.map((axis, k) => factorColumns(output, axis, k === 0 ? "score" : "factor", R));
}

/** Asserts that two outputs hold the same bits in every table column and tensor. */
function expectSameOutput(a: MethodOutput, b: MethodOutput): void {
  for (const [axis, table] of Object.entries(a.factorTables))
    for (const name of table.columnNames)
      expect(
        Array.from(b.factorTables[axis]!.column(name).values as ArrayLike<unknown>),
        `${axis}.${name}`,
      ).toEqual(Array.from(table.column(name).values as ArrayLike<unknown>));
  expect(Array.from(b.componentTensors.components!.data as Float64Array)).toEqual(
    Array.from(a.componentTensors.components!.data as Float64Array),
  );
  const strip = (output: MethodOutput) => ({
    ...output.diagnostics,
    passes: 0,
    kernels: 0,
    in_memory: 0,
    block_rows: 0,
  });
  expect(strip(b)).toEqual(strip(a));
}

describe("synthetic CP tensors with known factors", () => {
  const axes = ["instance", "sample", "channel"];
  // ALS from a random start can stall in a swamp: from seed 0 this tensor is still at fit 0.756
  // after 2000 sweeps, while seeds 1 to 4 converge; the SVD start needs no luck.
  it.each([
    ["svd", 0],
    ["random", 3],
  ])("are recovered exactly without noise (init %s)", async (init, seed) => {
    const { tensor, factors } = syntheticCp([40, 9, 6], 3, 1);
    const output = await fitCp(
      viewFromTensor(tensor),
      { rank: 3, init, tol: 1e-12, n_iter_max: 2000 },
      seed,
    );
    expect(diagnostics(output).fit).toBeGreaterThan(1 - 1e-5);
    expect(factorMatchScore(factors, allFactors(output, axes, 3), 3)).toBeGreaterThan(0.99);
  });

  it("are recovered from 10% noise, four-way too", async () => {
    const noisy = syntheticCp([60, 8, 5], 3, 2, { noise: 0.1 });
    const output = await fitCp(viewFromTensor(noisy.tensor), { rank: 3, tol: 1e-10 });
    expect(factorMatchScore(noisy.factors, allFactors(output, axes, 3), 3)).toBeGreaterThan(0.95);
    expect(diagnostics(output).fit).toBeGreaterThan(0.85);
    const four = syntheticCp([30, 5, 4, 3], 2, 3);
    const fourOut = await fitCp(viewFromTensor(four.tensor), {
      rank: 2,
      tol: 1e-12,
      n_iter_max: 2000,
    });
    const fourAxes = ["instance", "sample", "channel", "band"];
    expect(factorMatchScore(four.factors, allFactors(fourOut, fourAxes, 2), 2)).toBeGreaterThan(
      0.99,
    );
  });

  it("reconstruct from scores times components, with the reported errors", async () => {
    const { tensor, data } = syntheticCp([25, 6, 4], 2, 4, { noise: 0.2 });
    const output = await fitCp(viewFromTensor(tensor), { rank: 2 });
    const scores = factorColumns(output, "instance", "score", 2);
    const components = output.componentTensors.components!.data as Float64Array;
    const recon = output.factorTables.instance!.column("recon_error").values as Float64Array;
    let residual = 0;
    for (let i = 0; i < 25; i++) {
      let row = 0;
      for (let j = 0; j < 24; j++) {
        const model = scores[i * 2]! * components[j]! + scores[i * 2 + 1]! * components[24 + j]!;
        row += (data[i * 24 + j]! - model) ** 2;
      }
      expect(Math.sqrt(row)).toBeCloseTo(recon[i]!, 9);
      residual += row;
    }
    const norm = data.reduce((a, b) => a + b * b, 0);
    expect(diagnostics(output).relative_error).toBeCloseTo(Math.sqrt(residual / norm), 12);
  });
});

describe("nonnegative", () => {
  it("gives non-negative factors by HALS, close to the unconstrained fit on non-negative data", async () => {
    const { tensor, factors } = syntheticCp([50, 10, 6], 3, 5, { nonnegative: true, noise: 0.02 });
    const view = viewFromTensor(tensor);
    const free = await fitCp(view, { rank: 3 });
    const output = await fitCp(view, { rank: 3, nonnegative: true, n_iter_max: 2000, tol: 1e-10 });
    for (const f of allFactors(output, ["instance", "sample", "channel"], 3))
      expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
    expect(diagnostics(output).fit).toBeGreaterThan(diagnostics(free).fit - 1e-3);
    expect(
      factorMatchScore(factors, allFactors(output, ["instance", "sample", "channel"], 3), 3),
    ).toBeGreaterThan(0.98);
  });

  it("stays non-negative on data with negative values", async () => {
    const { tensor } = syntheticCp([30, 7, 5], 2, 6, { noise: 0.3 });
    const output = await fitCp(viewFromTensor(tensor), { rank: 2, nonnegative: true });
    for (const f of allFactors(output, ["instance", "sample", "channel"], 2))
      expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
    const components = output.componentTensors.components!.data as Float64Array;
    expect(Math.min(...components)).toBeGreaterThanOrEqual(0);
  });
});

describe("missing values", () => {
  const base = syntheticCp([40, 8, 5], 2, 7);
  const n = 40 * 8 * 5;
  const mask = new Uint8Array(n).fill(1);
  const random = uniform(11);
  for (let x = 0; x < n; x++) if (random() < 0.1) mask[x] = 0;
  const masked = (fill: (x: number) => number) =>
    createTensor({
      data: base.data.map((v, x) => (mask[x] ? v : fill(x))),
      shape: [40, 8, 5],
      axes: ["instance", "sample", "channel"],
      axisIndex: { instance: base.tensor.axisIndex.instance! },
      mask,
    });

  it('"mask" fits the observed entries only: changing a masked value changes nothing', async () => {
    const a = await fitCp(viewFromTensor(masked(() => 0)), { rank: 2, missing: "mask" });
    const b = await fitCp(viewFromTensor(masked((x) => 1e6 * Math.sin(x))), {
      rank: 2,
      missing: "mask",
    });
    expectSameOutput(a, b);
    expect(diagnostics(a).imputation?.missing_entries).toBe(n - mask.reduce((s, v) => s + v, 0));
  });

  it('"mask" recovers an exactly low-rank tensor, missing entries included', async () => {
    const output = await fitCp(viewFromTensor(masked(() => Number.NaN)), {
      rank: 2,
      missing: "mask",
      tol: 1e-12,
      n_iter_max: 3000,
    });
    expect(diagnostics(output).fit).toBeGreaterThan(1 - 1e-4);
    expect(
      factorMatchScore(base.factors, allFactors(output, ["instance", "sample", "channel"], 2), 2),
    ).toBeGreaterThan(0.99);
  });

  it('"error" names the count and the first instances; "drop" leaves them out', async () => {
    const data = base.data.slice();
    data[3 * 40 + 2] = Number.NaN; // instance 3
    const tensor = createTensor({
      data,
      shape: [40, 8, 5],
      axes: ["instance", "sample", "channel"],
      axisIndex: { instance: base.tensor.axisIndex.instance! },
    });
    await expect(fitCp(viewFromTensor(tensor), { rank: 2 })).rejects.toThrow(
      /1 instance\(s\) have missing values .* first: s3/,
    );
    const output = await fitCp(viewFromTensor(tensor), { rank: 2, missing: "drop" });
    const table = output.factorTables.instance!;
    expect(table.numRows).toBe(40);
    expect(table.row(3).score_1).toBeNull();
    expect(diagnostics(output).fit).toBeGreaterThan(1 - 1e-5);
  });
});

describe("determinism and streaming", () => {
  const { tensor } = syntheticCp([9000, 4, 3], 3, 8, { noise: 0.1, dtype: "float32" });
  const view = viewFromTensor(tensor);
  const config = { rank: 3, init: "random", n_iter_max: 15, tol: 0 };

  it("the same seed gives the same bits, on 1 or 2 threads; another seed differs", async () => {
    const a = await fitCp(view, { ...config, threads: 1 }, 5);
    const b = await fitCp(view, { ...config, threads: 2 }, 5);
    expectSameOutput(a, b);
    const c = await fitCp(view, config, 6);
    expect(diagnostics(c).relative_error).not.toBe(diagnostics(a).relative_error);
  });

  it.each([
    [false, "svd"],
    [true, "random"],
  ])(
    "streaming the instances under a small memory budget gives the in-memory bits (nonnegative %s, init %s)",
    async (nonnegative, init) => {
      const memory = await fitCp(view, { ...config, nonnegative, init });
      const streamed = await fitCp(view, {
        ...config,
        init,
        nonnegative,
        memory_budget: 3 * KERNEL_CHUNK_ROWS * 12 * 4,
      });
      expect(diagnostics(memory).in_memory).toBe(true);
      expect(diagnostics(streamed).in_memory).toBe(false);
      expectSameOutput(memory, streamed);
    },
  );

  it("takes the row norms from the scan when preprocessing leaves the data as read, with the bits of a pass", async () => {
    // Weights of one change no value but make the data "preprocessed": the norms come from a pass.
    const scanned = await fitCp(view, config, 5);
    const read = await fitCp(view, { ...config, weights: { [view.axes[2]!]: [1, 1, 1] } }, 5);
    expect(
      (scanned.diagnostics as { passes: number }).passes,
      "the pass for the norms is saved",
    ).toBe((read.diagnostics as { passes: number }).passes - 1);
    expectSameOutput(scanned, read);
  });
});

describe("preprocessing as decompose-svd", () => {
  const { tensor, data } = syntheticCp([30, 6, 4], 2, 9, { noise: 0.1 });
  const shape = [30, 6, 4];
  const axes = ["instance", "sample", "channel"];
  const fitOf = (values: Float64Array, config: Record<string, unknown>, s = shape) =>
    fitCp(viewFromTensor(createTensor({ data: values, shape: s, axes })), config);

  it("center over the instances equals fitting the centered tensor", async () => {
    const centered = data.slice();
    for (let j = 0; j < 24; j++) {
      let mean = 0;
      for (let i = 0; i < 30; i++) mean += data[i * 24 + j]! / 30;
      for (let i = 0; i < 30; i++) centered[i * 24 + j]! -= mean;
    }
    const a = await fitCp(viewFromTensor(tensor), { rank: 2, center: { over: ["instance"] } });
    const b = await fitOf(centered, { rank: 2 });
    expectClose([diagnostics(a).fit], [diagnostics(b).fit], 1e-9);
    expect(a.componentTensors.center!.shape).toEqual([6, 4]);
  });

  it("a per-channel z-score equals fitting the z-scored tensor", async () => {
    const scaled = data.slice();
    for (let c = 0; c < 4; c++) {
      const values = Array.from({ length: 30 * 6 }, (_, x) => data[x * 4 + c]!);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      for (let x = 0; x < 30 * 6; x++) scaled[x * 4 + c] = (data[x * 4 + c]! - mean) / std;
    }
    const over = ["instance", "sample"];
    const a = await fitCp(viewFromTensor(tensor), {
      rank: 2,
      center: { over },
      scale: { zscore: { over } },
    });
    const b = await fitOf(scaled, { rank: 2 });
    expectClose([diagnostics(a).fit], [diagnostics(b).fit], 1e-9);
    expect(a.componentTensors.scale!.shape).toEqual([4]);
  });

  it("channel weights equal fitting the weighted tensor", async () => {
    const w = [1, 2, 0.5, 3];
    const weighted = data.map((v, x) => v * w[x % 4]!);
    const a = await fitCp(viewFromTensor(tensor), { rank: 2, weights: { channel: w } });
    const b = await fitOf(weighted, { rank: 2 });
    expectClose([diagnostics(a).fit], [diagnostics(b).fit], 1e-9);
  });

  it("sample_mask equals fitting the subset, and the sample table lists the kept samples", async () => {
    const kept = [0, 2, 5];
    const subset = new Float64Array(30 * 3 * 4);
    for (let i = 0; i < 30; i++)
      kept.forEach((s, a) => {
        for (let c = 0; c < 4; c++) subset[(i * 3 + a) * 4 + c] = data[(i * 6 + s) * 4 + c]!;
      });
    const sampleIds = ["t0", "t1", "t2", "t3", "t4", "t5"];
    const withIds = createTensor({ data, shape, axes, axisIndex: { sample: sampleIds } });
    const a = await fitCp(viewFromTensor(withIds), {
      rank: 2,
      sample_mask: { axis: "sample", indices: kept },
    });
    const b = await fitOf(subset, { rank: 2 }, [30, 3, 4]);
    expectClose([diagnostics(a).fit], [diagnostics(b).fit], 1e-9);
    expect(a.factorTables.sample!.column("sample_id").values).toEqual(["t0", "t2", "t5"]);
    expect(a.componentTensors.components!.shape).toEqual([2, 3, 4]);
  });
});

describe("ranks above a mode's length", () => {
  it("fill the SVD start's extra columns from the seed and fit", async () => {
    const { tensor } = syntheticCp([30, 6, 2], 3, 12, { noise: 0.05 });
    const output = await fitCp(viewFromTensor(tensor), { rank: 3, tol: 1e-10 });
    const d = output.diagnostics as unknown as Diagnostics & { init: { detail: string } };
    expect(d.init.detail).toMatch(/1 column\(s\) beyond a mode's length/);
    expect(d.fit).toBeGreaterThan(0.9);
  });
});

describe("line_search", () => {
  it("reaches the same fit in fewer sweeps on a slow problem", async () => {
    const { tensor } = syntheticCp([40, 8, 6], 3, 10, { noise: 0.05 });
    // Collinear components make plain ALS slow ("swamps").
    const data = tensor.data as Float64Array;
    const view = viewFromTensor(tensor);
    const plain = await fitCp(view, { rank: 4, tol: 1e-9, n_iter_max: 3000 });
    const searched = await fitCp(view, { rank: 4, tol: 1e-9, n_iter_max: 3000, line_search: true });
    const p = diagnostics(plain);
    const s = diagnostics(searched);
    expect(data.length).toBe(40 * 8 * 6);
    expect(s.line_search!.accepted).toBeGreaterThan(0);
    expect(s.fit).toBeGreaterThan(p.fit - 1e-4);
    expect(s.iterations).toBeLessThan(p.iterations);
  });
});
