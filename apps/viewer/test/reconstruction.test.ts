/**
 * Reconstruction math: against a direct loop on random arrays, and end to end against the data
 * itself: a PCA of full rank rebuilds every instance exactly once center, scale and weights are
 * undone, whichever way the fit preprocessed.
 */

import {
  columnFromCells,
  createMemoryStore,
  createTensor,
  type DecompositionResult,
  decompose,
  MetaTable,
  openDataset,
  type TensorDataset,
  writeBundle,
} from "tensortools/browser";
import { describe, expect, it } from "vitest";
import { valuesOnGrid } from "../src/instance-curves.js";
import { broadcast, gridOf, reconstruct, weightsOnGrid } from "../src/reconstruction.js";
import { waveformPlan } from "../src/waveform-plan.js";

/** A seeded generator of numbers in [-1, 1), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
}

describe("reconstruct", () => {
  it("is center + (sum_k score_k * component_k) * scale / weight, per feature", () => {
    const next = random(1);
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

  it("refuses scores that do not match the components", () => {
    const components = { axes: ["component", "feature"], shape: [2, 3], data: new Float64Array(6) };
    expect(() => reconstruct(components, [1])).toThrow("1 scores for 2 components");
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

  it("names an axis the grid does not have", () => {
    const stray = { axes: ["epoch"], shape: [2], data: [1, 2] };
    expect(() => broadcast(stray, grid)).toThrow("the statistic has axis 'epoch'");
  });
});

/** A dataset of random waveforms in memory: instance 12 x sample 5 x channel 3. */
async function randomDataset(): Promise<TensorDataset> {
  const next = random(7);
  const shape = [12, 5, 3];
  const ids = Array.from({ length: 12 }, (_, i) => `i${i}`);
  const tensor = createTensor({
    data: Float64Array.from({ length: 12 * 5 * 3 }, (_, i) => next() * (1 + (i % 3)) + (i % 5)),
    shape,
    axes: ["instance", "sample", "channel"],
    axisMeta: {
      instance: MetaTable.fromColumns({ instance_id: columnFromCells("string", ids) }),
      sample: MetaTable.fromColumns({ sample_id: columnFromCells("int32", [0, 1, 2, 3, 4]) }),
      channel: MetaTable.fromColumns({ channel_id: columnFromCells("string", ["a", "b", "c"]) }),
    },
  });
  const store = createMemoryStore();
  await writeBundle(store, tensor);
  return openDataset(store);
}

/** The largest difference between each instance and its reconstruction, as the viewer makes it. */
async function worstError(dataset: TensorDataset, result: DecompositionResult): Promise<number> {
  const plan = waveformPlan(dataset, result.componentTensors.components!);
  const full = await dataset.materialize();
  const scores = result.factorTables.instance!;
  const scoreNames = scores.columnNames.filter((name) => name.startsWith("score_"));
  const weights = result.config.weights as Record<string, number[]>;
  let worst = 0;
  for (let row = 0; row < dataset.shape[0]!; row++) {
    const instance = createTensor({
      data: full.data.slice(row * 15, (row + 1) * 15),
      shape: [1, 5, 3],
      axes: full.axes,
    });
    const original = valuesOnGrid(instance, plan.grid, plan.positions);
    const parts: { center?: Float64Array; scale?: Float64Array; weights?: Float64Array } = {};
    for (const name of ["center", "scale"] as const) {
      const tensor = result.componentTensors[name];
      if (tensor === undefined) continue;
      const perInstance = tensor.axes.includes("instance");
      parts[name] = broadcast(
        tensor,
        gridOf(plan.components),
        perInstance ? { axis: "instance", row } : undefined,
      );
    }
    const found = weightsOnGrid(
      weights,
      plan.grid,
      (axis) => plan.positions[plan.grid.axes.indexOf(axis)]!,
    );
    if (found !== undefined) parts.weights = found;
    const rebuilt = reconstruct(
      plan.components,
      scoreNames.map((name) => scores.get(row, name) as number),
      parts,
    );
    original.forEach((value, j) => {
      worst = Math.max(worst, Math.abs(value - rebuilt[j]!));
    });
  }
  return worst;
}

describe("a full-rank PCA rebuilds every instance", () => {
  it("with centering per feature", async () => {
    const dataset = await randomDataset();
    const result = await decompose(dataset, "pca", { rank: 11 });
    expect(await worstError(dataset, result)).toBeLessThan(1e-9);
  });

  it("with per-channel z-scores and channel weights undone", async () => {
    const dataset = await randomDataset();
    const result = await decompose(dataset, "pca", {
      rank: 11,
      scale: { zscore: { over: ["instance", "sample"] } },
      weights: { channel: [1, 2, 0.5] },
    });
    expect(result.componentTensors.scale).toBeDefined();
    expect(await worstError(dataset, result)).toBeLessThan(1e-9);
  });

  it("with a mean per instance and channel (a statistic kept per instance)", async () => {
    const dataset = await randomDataset();
    const result = await decompose(dataset, "svd", { rank: 12, center: { over: ["sample"] } });
    expect(result.componentTensors.center!.axes[0]).toBe("instance");
    expect(await worstError(dataset, result)).toBeLessThan(1e-9);
  });

  it("but not at a lower rank, where the reconstruction is only an approximation", async () => {
    const dataset = await randomDataset();
    const result = await decompose(dataset, "pca", { rank: 2 });
    expect(await worstError(dataset, result)).toBeGreaterThan(1e-3);
  });
});
