/**
 * The viewer's reconstruction of an instance, end to end against the data itself: the plan's
 * grid and dataset positions, the instance's values on the grid, and what `tensortools/browser`
 * undoes (center, scale, weights) for it. A PCA of full rank rebuilds every instance exactly
 * (tolerance 1e-9); the arithmetic itself is tested in @tt/result.
 */

import { randomWaveforms } from "@tt/test-fixtures";
import {
  createMemoryStore,
  createTensor,
  type DecompositionResult,
  decompose,
  openDataset,
  reconstruct,
  type TensorDataset,
  writeBundle,
} from "tensortools/browser";
import { describe, expect, it } from "vitest";
import { instanceParts, valuesOnGrid } from "../src/instance-curves.js";
import { waveformPlan } from "../src/waveform-plan.js";

/** The random waveforms of the test fixtures (instance 12 x sample 5 x channel 3) as a dataset. */
async function randomDataset(): Promise<TensorDataset> {
  const store = createMemoryStore();
  await writeBundle(store, randomWaveforms());
  return openDataset(store);
}

/** The largest difference between each instance and its reconstruction, as the viewer makes it. */
async function worstError(dataset: TensorDataset, result: DecompositionResult): Promise<number> {
  const plan = waveformPlan(dataset, result.componentTensors.components!);
  const full = await dataset.materialize();
  const scores = result.factorTables.instance!;
  const scoreNames = scores.columnNames.filter((name) => name.startsWith("score_"));
  let worst = 0;
  for (let row = 0; row < dataset.shape[0]!; row++) {
    const instance = createTensor({
      data: full.data.slice(row * 15, (row + 1) * 15),
      shape: [1, 5, 3],
      axes: full.axes,
    });
    const original = valuesOnGrid(instance, plan.grid, plan.positions);
    const id = dataset.ids("instance")![row] as string;
    const rebuilt = reconstruct(
      plan.components,
      scoreNames.map((name) => scores.get(row, name) as number),
      instanceParts(result, "instance", plan, id),
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
