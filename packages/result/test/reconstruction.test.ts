/**
 * Reconstruction: the arithmetic against a direct loop on random arrays, and end to end against
 * the data itself: a PCA of full rank rebuilds every instance exactly once center, scale and
 * weights are undone, whichever way the fit preprocessed (tolerance 1e-9 on values of order 1).
 */

import { openBundle, writeBundle } from "@tt/bundle";
import { pca, svd } from "@tt/decompose-svd";
import { createDataset } from "@tt/query";
import {
  createTensor,
  type DecompositionMethod,
  type DecompositionResult,
  isTensorToolsError,
  type TensorDataset,
  type TensorView,
} from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { randomWaveforms, seededRandom } from "@tt/test-fixtures";
import { describe, expect, it } from "vitest";
import {
  broadcast,
  computeInputRef,
  createResult,
  gridOf,
  reconstruct,
  reconstructInstance,
  reconstructionParts,
  weightsOnGrid,
} from "../src/index.js";

describe("reconstruct", () => {
  it("is center + (sum_k score_k * component_k) * scale / weight, per feature", () => {
    const next = seededRandom(1);
    const [k, samples, channels] = [3, 5, 2];
    const data = Float64Array.from({ length: k * samples * channels }, next);
    const components = {
      axes: ["component", "sample", "channel"],
      shape: [k, samples, channels],
      data,
    };
    const scores = [next(), next(), next()];
    const center = Float64Array.from({ length: samples * channels }, next);
    const scale = Float64Array.from({ length: samples * channels }, () => 1 + Math.abs(next()));
    const weights = Float64Array.from({ length: samples * channels }, () => 0.5 + Math.abs(next()));
    const rebuilt = reconstruct(components, scores, { center, scale, weights });
    for (let j = 0; j < samples * channels; j++) {
      let sum = 0;
      for (let c = 0; c < k; c++) sum += scores[c]! * data[c * samples * channels + j]!;
      expect(rebuilt[j]).toBeCloseTo(center[j]! + (sum * scale[j]!) / weights[j]!, 12);
    }
  });

  it("refuses scores that do not match the components with an argument error", () => {
    const components = { axes: ["component", "feature"], shape: [2, 3], data: new Float64Array(6) };
    const error = (() => {
      try {
        reconstruct(components, [1]);
      } catch (e) {
        return e;
      }
    })();
    expect(isTensorToolsError(error, "argument")).toBe(true);
    expect((error as Error).message).toBe(
      "reconstruct: 1 scores for 2 components; they must match",
    );
  });
});

describe("broadcast", () => {
  const grid = { axes: ["sample", "channel"], shape: [3, 2] };

  it("repeats a per-channel statistic over the samples", () => {
    const perChannel = { axes: ["channel"], shape: [2], data: [10, 20] };
    expect(Array.from(broadcast(perChannel, grid))).toEqual([10, 20, 10, 20, 10, 20]);
  });

  it("picks the instance's slice of a per-instance statistic", () => {
    const perInstance = { axes: ["instance", "channel"], shape: [2, 2], data: [1, 2, 3, 4] };
    const row = broadcast(perInstance, grid, { axis: "instance", row: 1 });
    expect(Array.from(row)).toEqual([3, 4, 3, 4, 3, 4]);
  });

  it("names an axis the grid does not have, and a length that differs", () => {
    const stray = { axes: ["epoch"], shape: [2], data: [1, 2] };
    expect(() => broadcast(stray, grid)).toThrow("the statistic has axis 'epoch'");
    const short = { axes: ["sample"], shape: [2], data: [1, 2] };
    expect(() => broadcast(short, grid)).toThrow(
      "the statistic's axis 'sample' has 2 elements, the components' has 3",
    );
  });
});

describe("weightsOnGrid", () => {
  it("multiplies the weights of every axis at the given positions, none without weights", () => {
    const grid = { axes: ["sample", "channel"], shape: [2, 3] };
    const weights = { sample: [1, 10, 100], channel: [1, 2, 0.5] };
    const on = weightsOnGrid(weights, grid, (axis) => (axis === "sample" ? [0, 2] : [0, 1, 2]));
    expect(Array.from(on!)).toEqual([1, 2, 0.5, 100, 200, 50]);
    expect(weightsOnGrid({}, grid, () => [])).toBeUndefined();
  });
});

/** The random waveforms (instance 12 x sample 5 x channel 3), `missing` with a NaN, as a dataset. */
async function randomDataset(missing?: number): Promise<TensorDataset> {
  const tensor = randomWaveforms();
  if (missing !== undefined) (tensor.data as Float64Array)[missing * 15 + 4] = Number.NaN;
  const store = createMemoryStore();
  await writeBundle(store, tensor);
  return createDataset(await openBundle(store));
}

/** The result of fitting `method` with `config` to `view`, as `decompose` assembles it. */
async function fitResult(
  view: TensorView,
  method: DecompositionMethod<object>,
  config: object,
): Promise<DecompositionResult> {
  const full = method.validate(config);
  const output = await method.fit(view, full, { seed: 0, signal: undefined, onProgress() {} });
  const instanceAxis = view.axes[0]!;
  return createResult({
    method,
    config: full,
    inputRef: await computeInputRef(view),
    output,
    instanceIds: view.ids(instanceAxis),
    instance: { axis: instanceAxis, idColumn: view.axisIndexColumns[instanceAxis] ?? null },
  });
}

/**
 * The largest difference between each instance and its reconstruction, over the samples `kept`
 * (all by default) and every channel: the grid of the components, in the dataset's order.
 */
async function worstError(
  dataset: TensorDataset,
  result: DecompositionResult,
  kept = [0, 1, 2, 3, 4],
): Promise<number> {
  const { data } = await dataset.materialize();
  let worst = 0;
  for (const [row, id] of Array.from(dataset.ids("instance")!).entries()) {
    const rebuilt = reconstructInstance(result, id as string);
    expect([rebuilt.axes, rebuilt.shape]).toEqual([
      ["sample", "channel"],
      [kept.length, 3],
    ]);
    kept.forEach((sample, s) => {
      for (let c = 0; c < 3; c++) {
        const original = data[row * 15 + sample * 3 + c] as number;
        worst = Math.max(worst, Math.abs(original - rebuilt.data[s * 3 + c]!));
      }
    });
  }
  return worst;
}

describe("a full-rank PCA rebuilds every instance", () => {
  it("with centering per feature", async () => {
    const dataset = await randomDataset();
    const result = await fitResult(dataset, pca, { rank: 11 });
    expect(await worstError(dataset, result)).toBeLessThan(1e-9);
  });

  it("with per-channel z-scores and channel weights undone", async () => {
    const dataset = await randomDataset();
    const result = await fitResult(dataset, pca, {
      rank: 11,
      scale: { zscore: { over: ["instance", "sample"] } },
      weights: { channel: [1, 2, 0.5] },
    });
    expect(result.componentTensors.scale).toBeDefined();
    expect(await worstError(dataset, result)).toBeLessThan(1e-9);
  });

  it("with a mean per instance and channel (a statistic kept per instance)", async () => {
    const dataset = await randomDataset();
    const result = await fitResult(dataset, svd, { rank: 12, center: { over: ["sample"] } });
    expect(result.componentTensors.center!.axes[0]).toBe("instance");
    expect(await worstError(dataset, result)).toBeLessThan(1e-9);
  });

  it("on the samples a sample_mask kept, with sample weights at their positions", async () => {
    const dataset = await randomDataset();
    const kept = [0, 2, 4];
    const result = await fitResult(dataset, pca, {
      rank: 9,
      sample_mask: { axis: "sample", indices: kept },
      weights: { sample: [1, 9, 2, 9, 4], channel: [1, 2, 0.5] },
    });
    expect(await worstError(dataset, result, kept)).toBeLessThan(1e-9);
  });

  it("but not at a lower rank, where the reconstruction is only an approximation", async () => {
    const dataset = await randomDataset();
    const result = await fitResult(dataset, pca, { rank: 2 });
    expect(await worstError(dataset, result)).toBeGreaterThan(1e-3);
  });
});

describe("reconstructionParts", () => {
  it("are what reconstructInstance undoes, for the instance's own scores", async () => {
    const dataset = await randomDataset();
    const result = await fitResult(dataset, svd, {
      rank: 3,
      center: { over: ["sample"] },
      weights: { channel: [1, 2, 0.5] },
    });
    const parts = reconstructionParts(result, "i4");
    expect(Object.keys(parts).sort()).toEqual(["center", "weights"]);
    const table = result.factorTables.instance!;
    const scores = [1, 2, 3].map((k) => table.get(4, `score_${k}`) as number);
    const components = result.componentTensors.components!;
    expect(reconstruct(components, scores, parts)).toEqual(reconstructInstance(result, "i4").data);
    expect(gridOf(components)).toEqual({ axes: ["sample", "channel"], shape: [5, 3] });
  });
});

describe("reconstructInstance refuses", () => {
  const failure = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error as Error;
    }
    return expect.fail("no error");
  };

  it("an id the result does not have, naming it", async () => {
    const result = await fitResult(await randomDataset(), pca, { rank: 2 });
    const error = failure(() => reconstructInstance(result, "i99"));
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect(error.message).toBe(
      "instance i99 is not in the result's 'instance' table (12 instances)",
    );
  });

  it("an instance the fit left out, whose scores are null", async () => {
    const dataset = await randomDataset(3);
    const result = await fitResult(dataset, pca, { rank: 2, missing: "drop" });
    expect(reconstructInstance(result, "i2").data).toHaveLength(15);
    const error = failure(() => reconstructInstance(result, "i3"));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      "instance i3: has no scores: the fit left it out (missing values), so it has no reconstruction",
    );
  });

  it("a result without components", async () => {
    const result = await fitResult(await randomDataset(), pca, { rank: 2 });
    const { components: _, ...others } = result.componentTensors;
    const error = failure(() => reconstructInstance({ ...result, componentTensors: others }, "i0"));
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect(error.message).toBe(
      "the pca result has no 'components' tensor to rebuild instances from (it has center)",
    );
  });

  it("statistics that do not fit the components, naming the tensor", async () => {
    const result = await fitResult(await randomDataset(), pca, { rank: 2 });
    const center = createTensor({ data: new Float64Array(2), shape: [2], axes: ["epoch"] });
    const broken = { ...result, componentTensors: { ...result.componentTensors, center } };
    const error = failure(() => reconstructInstance(broken, "i0"));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      "component tensor 'center': the statistic has axis 'epoch', which the components do not have (sample, channel)",
    );
  });
});
