import { createLocalEngine } from "@tt/distribute";
import { temporaryDirectory, writeEegBundle } from "@tt/test-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigError,
  decompose,
  joinResult,
  openDataset,
  openResult,
  partitionHandler,
  reopenInput,
  type TensorDataset,
  writeResult,
} from "../src/index.js";

const dir = temporaryDirectory("tt-split-");
const handler = partitionHandler();
let dataset: TensorDataset;

beforeAll(async () => {
  await writeEegBundle(`${dir.path}/eeg`);
  dataset = await openDataset(`${dir.path}/eeg`);
});

afterAll(async () => {
  await handler.close();
  dir.cleanup();
});

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

describe("decompose with an engine", () => {
  it("a split PCA of a query is an ordinary result with the single-process numbers", async () => {
    const view = dataset.query("epoch", "epoch_index >= 3");
    const engine = createLocalEngine(handler.handle);
    const split = await decompose(view, "pca", { rank: 4 }, { engine, partitions: 3 });
    const one = await decompose(view, "pca", { rank: 4 });
    const sv = (r: typeof one) =>
      r.factorTables.component!.column("singular_value").values as Float64Array;
    expect(maxRelative(sv(one), sv(split))).toBeLessThan(1e-6);
    const scores = (r: typeof one) =>
      r.factorTables.instance!.column("score_1").values as Float64Array;
    expect(maxRelative(scores(one), scores(split))).toBeLessThan(1e-5);
    expect(split.diagnostics.split).toMatchObject({ engine: "in-process", partitions: 3 });
    // Written, reopened, traced back to its input and joined like any result.
    await writeResult(`${dir.path}/pca-split`, split);
    const reopened = await openResult(`${dir.path}/pca-split`);
    expect(reopened.inputRef).toEqual(one.inputRef);
    const input = await reopenInput(reopened);
    expect(input.shape).toEqual(view.shape);
    const joined = joinResult(dataset, reopened, { prefix: "pca_" });
    expect(joined.query("epoch", "pca_score_1 > 0").shape[0]).toBeGreaterThan(0);
  });

  it("a split PCA of a small view: auto picks krylov, as exact needs the data in one process", async () => {
    const view = dataset.slice("time", 0, 10);
    const engine = createLocalEngine(handler.handle);
    const split = await decompose(view, "pca", { rank: 3 }, { engine, partitions: 3 });
    const one = await decompose(view, "pca", { rank: 3 });
    expect([one.diagnostics.solver, split.diagnostics.solver]).toEqual(["exact", "krylov"]);
    const sv = (r: typeof one) =>
      r.factorTables.component!.column("singular_value").values as Float64Array;
    expect(maxRelative(sv(one), sv(split))).toBeLessThan(1e-6);
  });

  it("partitions without an engine, and a method that does not split, are ConfigErrors", async () => {
    await expect(decompose(dataset, "pca", { rank: 2 }, { partitions: 3 })).rejects.toThrow(
      ConfigError,
    );
    const engine = createLocalEngine(handler.handle);
    const kmeans = { ...(await import("../src/index.js")).pca, id: "kmeans-like" };
    await expect(decompose(dataset, kmeans, { rank: 2 }, { engine })).rejects.toThrow(
      /does not split/,
    );
  });
});
