/** Properties of the fits: orthonormality, monotone error, determinism, streaming, conformance. */

import { createTensor, isTensorToolsError } from "@tt/schema";
import { testMethod, viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { pca, svd } from "../src/index.js";
import { context, fitSvd, goldenCases, goldenTensor, scoreColumns } from "./helpers.js";

/** A seeded 3-axis float32 tensor of waveforms with low-rank structure and noise. */
function waveforms(n: number, samples = 40, channels = 3, seed = 1) {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const data = new Float32Array(n * samples * channels);
  for (let i = 0; i < n; i++) {
    const a = random() * 4;
    const b = random() * 2;
    for (let t = 0; t < samples; t++)
      for (let c = 0; c < channels; c++)
        data[(i * samples + t) * channels + c] =
          a * Math.sin(t / 5) * (c + 1) + b * Math.cos(t / 3) + 0.1 * random() + 1;
  }
  return createTensor({
    data,
    shape: [n, samples, channels],
    axes: ["instance", "sample", "channel"],
    axisIndex: {
      instance: Array.from({ length: n }, (_, i) => `ev${i}`),
      channel: Array.from({ length: channels }, (_, c) => `ch${c}`),
    },
  });
}

describe("factors", () => {
  const view = viewFromTensor(waveforms(300));
  it.each(["exact", "gram", "randomized", "krylov"])(
    "components are orthonormal and scores orthogonal (%s)",
    async (solver) => {
      const k = 6;
      const out = await pca.fit(view, pca.validate({ rank: k, solver }), context());
      const V = out.componentTensors.components!.data as Float64Array;
      const p = V.length / k;
      const scores = scoreColumns(out, "instance", k);
      const s = (out.diagnostics as { singular_values: number[] }).singular_values;
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) {
          let dot = 0;
          for (let j = 0; j < p; j++) dot += V[a * p + j]! * V[b * p + j]!;
          expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-6);
          let sdot = 0;
          for (let i = 0; i < 300; i++) sdot += scores[i * k + a]! * scores[i * k + b]!;
          expect(Math.abs(sdot - (a === b ? s[a]! * s[a]! : 0))).toBeLessThan(1e-4 * s[0]! * s[0]!);
        }
    },
  );

  it("reconstruction error decreases with rank", async () => {
    let previous = Number.POSITIVE_INFINITY;
    for (const rank of [1, 2, 3, 5, 8]) {
      const out = await pca.fit(view, pca.validate({ rank, solver: "exact" }), context());
      const errors = out.factorTables.instance!.column("recon_error").values as Float64Array;
      const total = errors.reduce((a, e) => a + e * e, 0);
      expect(total).toBeLessThan(previous);
      previous = total;
    }
  });

  it("follows svd_flip: the largest entry of each component is positive", async () => {
    const out = await pca.fit(view, pca.validate({ rank: 4 }), context());
    const V = out.componentTensors.components!.data as Float64Array;
    const p = V.length / 4;
    for (let c = 0; c < 4; c++) {
      const row = Array.from(V.subarray(c * p, (c + 1) * p));
      const largest = row.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
      expect(largest).toBeGreaterThan(0);
    }
  });
});

describe("determinism and streaming", () => {
  const tensor = waveforms(5000, 30, 3, 7);
  it.each(["randomized", "krylov"])(
    "the same seed gives the same result bit for bit; another seed differs only in rounding (%s)",
    async (solver) => {
      const config = { rank: 4, solver, center: { over: ["instance"] } };
      const a = await fitSvd(viewFromTensor(tensor), config, 3);
      const b = await fitSvd(viewFromTensor(tensor), config, 3);
      expect(scoreColumns(a, "instance", 4)).toEqual(scoreColumns(b, "instance", 4));
      const c = await fitSvd(viewFromTensor(tensor), config, 4);
      const sa = (a.diagnostics as { singular_values: number[] }).singular_values;
      const sc = (c.diagnostics as { singular_values: number[] }).singular_values;
      // The two signal components agree; the rest is noise, where subspaces may differ.
      for (const i of [0, 1]) expect(Math.abs(sa[i]! - sc[i]!) / sa[i]!).toBeLessThan(1e-6);
    },
  );

  it.each(["randomized", "krylov", "gram"])(
    "streaming under a small memory budget equals the in-memory fit bit for bit (%s)",
    async (solver) => {
      const config = {
        rank: 3,
        solver,
        center: { over: ["instance"] },
        scale: { zscore: { over: ["instance", "sample"] } },
      };
      const inMemory = await fitSvd(viewFromTensor(tensor), config);
      const streamed = await fitSvd(viewFromTensor(tensor), { ...config, memory_budget: 200_000 });
      expect((streamed.diagnostics as { in_memory: boolean }).in_memory).toBe(false);
      expect((inMemory.diagnostics as { in_memory: boolean }).in_memory).toBe(true);
      expect(scoreColumns(streamed, "instance", 3)).toEqual(scoreColumns(inMemory, "instance", 3));
      expect(streamed.componentTensors.components!.data).toEqual(
        inMemory.componentTensors.components!.data,
      );
    },
  );

  it.each(["randomized", "krylov"])(
    "one thread and two give the same result bit for bit (%s)",
    async (solver) => {
      const config = { rank: 3, solver, center: { over: ["instance"] } };
      const one = await fitSvd(viewFromTensor(tensor), { ...config, threads: 1 });
      const two = await fitSvd(viewFromTensor(tensor), { ...config, threads: 2 });
      expect(scoreColumns(one, "instance", 3)).toEqual(scoreColumns(two, "instance", 3));
    },
  );
});

describe("config", () => {
  const view = viewFromTensor(goldenTensor(goldenCases().get("tall")!));
  it.each([
    [{ rank: 0 }, "rank", "must be an integer >= 1"],
    [{ rank: 2.5 }, "rank", "integer"],
    [{ solver: "lapack" }, "solver", `"auto", "exact", "gram", "randomized", "krylov"`],
    [{ solver: "krylov", power_iterations: -1 }, "power_iterations", ">= 0"],
    [{ solver: "krylov", power_iterations: "deep" }, "power_iterations", "integer"],
    [{ solver: "krylov", oversamples: 2.5 }, "oversamples", "integer"],
    [{ missing: "ignore" }, "missing", `"error", "drop", "mask"`],
    [{ center: "mean" }, "center", `"none", "global"`],
    [{ center: { over: [] } }, "center.over", "non-empty"],
    [{ scale: { minmax: { over: ["instance"] } } }, "scale", "zscore"],
    [{ rank: { explained_variance: 1.5 } }, "rank.explained_variance", "(0, 1]"],
    [{ oversamples: -1 }, "oversamples", ">= 0"],
    [{ ranks: 3 }, "ranks", "is not an option"],
    [{ weights: { feature: [1, "x"] } }, "weights.feature[1]", "finite number"],
    [{ seed: 3 }, "seed", "not part of a method's config; pass it to decompose(..., { seed })"],
    [{ seed: null }, "seed", "pass it to decompose(..., { seed })"],
  ])("rejects %j naming %s", (config, field, text) => {
    try {
      svd.validate(config);
      expect.fail("no error");
    } catch (error) {
      expect(isTensorToolsError(error, "config")).toBe(true);
      expect((error as { field: string }).field).toBe(field);
      expect((error as Error).message).toContain(text);
    }
  });

  it.each([
    [{ rank: 8 }, "rank", "min(instances, features) = min(40, 7) = 7"],
    [{ center: { over: ["time"] } }, "center.over[0]", "no axis 'time'"],
    [
      { weights: { feature: [1, 2] } },
      "weights.feature",
      "2 entries for axis 'feature' of length 7",
    ],
    [
      { sample_mask: { axis: "instance", start: 0, stop: 3 } },
      "sample_mask.axis",
      "select instances with the view",
    ],
    [
      { flatten: { rows: ["feature"], columns: ["instance"] } },
      "flatten.rows",
      "scores are keyed by instance",
    ],
  ])("refuses %j at fit time naming %s", async (config, field, text) => {
    const error = await svd.fit(view, svd.validate(config), context()).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as { field: string }).field).toBe(field);
    expect((error as Error).message).toContain(text);
  });

  it("subsets an axis with sample_mask and reorders columns with flatten", async () => {
    const tensor = waveforms(50, 20, 3);
    const out = await pca.fit(
      viewFromTensor(tensor),
      pca.validate({
        rank: 2,
        sample_mask: { axis: "sample", start: 5, stop: 15 },
        flatten: { rows: ["instance"], columns: ["channel", "sample"] },
      }),
      context(),
    );
    const components = out.componentTensors.components!;
    expect(components.axes).toEqual(["component", "channel", "sample"]);
    expect(components.shape).toEqual([2, 3, 10]);
    expect((out.diagnostics as { flatten: { columns: string[] } }).flatten.columns).toEqual([
      "channel",
      "sample",
    ]);
  });
});

describe("conformance", () => {
  const tensor = waveforms(40, 8, 2);
  for (const c of testMethod(pca, [{ name: "waveforms", tensor, config: { rank: 3 } }]))
    it(c.name, c.run);
  for (const c of testMethod(svd, [
    { name: "waveforms", tensor, config: { rank: 2, solver: "randomized" } },
  ]))
    it(c.name, c.run);
});

describe("inputs", () => {
  it("treats elements the view's mask marks invalid as missing", async () => {
    const tensor = waveforms(60, 10, 2);
    const mask = new Uint8Array(tensor.data.length).fill(1);
    mask[5 * 20 + 3] = 0;
    const masked = createTensor({ ...tensor, mask });
    const error = await pca
      .fit(viewFromTensor(masked), pca.validate({ rank: 2 }), context())
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      "1 instance(s) have missing values (NaN or masked), first: ev5",
    );
    const out = await pca.fit(
      viewFromTensor(masked),
      pca.validate({ rank: 2, missing: "mask" }),
      context(),
    );
    expect(
      (out.diagnostics as { imputation: { missing_entries: number } }).imputation.missing_entries,
    ).toBe(1);
  });

  it("changing a masked value changes nothing under missing: mask", async () => {
    const tensor = waveforms(60, 10, 2);
    const a = Float32Array.from(tensor.data as Float32Array);
    const b = Float32Array.from(tensor.data as Float32Array);
    a[7 * 20 + 4] = Number.NaN;
    b[7 * 20 + 4] = Number.NaN;
    b[9 * 20 + 1] = Number.NaN;
    const mask = new Uint8Array(a.length).fill(1);
    mask[9 * 20 + 1] = 0;
    const withValue = createTensor({
      ...tensor,
      data: Float32Array.from(a, (x, i) => (i === 9 * 20 + 1 ? 1e6 : x)),
      mask,
    });
    const withNaN = createTensor({ ...tensor, data: b });
    const config = pca.validate({ rank: 2, missing: "mask", solver: "exact" });
    const x = await pca.fit(viewFromTensor(withValue), config, context());
    const y = await pca.fit(viewFromTensor(withNaN), config, context());
    expect(scoreColumns(x, "instance", 2)).toEqual(scoreColumns(y, "instance", 2));
  });

  it("fits integer data as float32 and names infinite values", async () => {
    const ints = createTensor({
      data: Int16Array.from({ length: 200 }, (_, i) => (i * 37) % 101),
      shape: [50, 4],
      axes: ["instance", "feature"],
      axisIndex: { instance: Array.from({ length: 50 }, (_, i) => i) },
    });
    const out = await pca.fit(viewFromTensor(ints), pca.validate({ rank: 2 }), context());
    expect(out.factorTables.instance!.numRows).toBe(50);
    const data = new Float64Array(200).fill(1);
    data[4 * 4 + 2] = Number.POSITIVE_INFINITY;
    const inf = createTensor({ ...ints, data, dtype: "float64" });
    const error = await pca
      .fit(viewFromTensor(inf), pca.validate({ rank: 2 }), context())
      .catch((e: unknown) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toBe(
      'instance 4, feature 2: has an infinite value (Infinity); a decomposition needs finite numbers: replace it, or make it missing (NaN) and set missing to "drop" or "mask"',
    );
  });

  it("refuses robust scaling over instances and imputation when the data must be streamed", async () => {
    const view = viewFromTensor(waveforms(100, 10, 2));
    for (const [config, field] of [
      [{ rank: 2, scale: { robust: { over: ["instance"] } }, memory_budget: 1000 }, "scale.robust"],
      [{ rank: 2, missing: "mask", memory_budget: 1000 }, "missing"],
    ] as const) {
      const error = await pca.fit(view, pca.validate(config), context()).catch((e: unknown) => e);
      expect((error as { field: string }).field).toBe(field);
    }
  });
});
