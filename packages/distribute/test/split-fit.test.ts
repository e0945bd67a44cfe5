import { openStoredDataset } from "@tt/bundle/fs";
import { cp } from "@tt/decompose-cp";
import { pca, svd } from "@tt/decompose-svd";
import { tucker } from "@tt/decompose-tucker";
import { createDataset, datasetFromTensor } from "@tt/query";
import {
  ConfigError,
  type DecompositionMethod,
  type FitContext,
  type MethodOutput,
  type ReadableView,
  type TensorDataset,
  UnsupportedError,
} from "@tt/schema";
import { eegTensor, temporaryDirectory, writeEegBundle } from "@tt/test-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLocalEngine,
  createPartitionHandler,
  fromJson,
  type PartitionHandler,
  partitionBounds,
  splitMethod,
  toJson,
} from "../src/index.js";
import { RESIDUALS, relativeDifference } from "./compare.js";

const context: FitContext = { seed: 7, signal: undefined, onProgress() {} };
const dir = temporaryDirectory("tt-distribute-");
let dataset: TensorDataset;
let handler: PartitionHandler;
let opened = 0;

beforeAll(async () => {
  await writeEegBundle(`${dir.path}/eeg`);
  dataset = createDataset(await openStoredDataset(`${dir.path}/eeg`));
  handler = createPartitionHandler({
    open: async (location) => {
      opened++;
      return createDataset(await openStoredDataset(location));
    },
  });
});

afterAll(async () => {
  await handler.close();
  dir.cleanup();
});

async function fitBoth(
  method: DecompositionMethod<object>,
  view: ReadableView,
  config: object,
  partitions: number,
): Promise<{ one: MethodOutput; split: MethodOutput }> {
  const valid = method.validate(config);
  const one = await method.fit(view, valid, context);
  const engine = createLocalEngine(handler.handle);
  const split = await splitMethod(method, { engine, partitions }).fit(view, valid, context);
  return { one, split };
}

/**
 * Every numeric column of every factor table and every component tensor agree to `tol`; the
 * per-instance residuals (a small difference of large numbers, which rounding leaves different
 * in its leading digits when the fit leaves little) to 1e-3.
 */
function expectSameOutput(one: MethodOutput, split: MethodOutput, tol: number): void {
  expect(Object.keys(split.factorTables).sort()).toEqual(Object.keys(one.factorTables).sort());
  for (const [name, table] of Object.entries(one.factorTables)) {
    const other = split.factorTables[name]!;
    expect(other.columnNames).toEqual(table.columnNames);
    for (const column of table.columnNames) {
      const values = table.column(column).values;
      const mine = other.column(column).values;
      if (values instanceof Float64Array || values instanceof Float32Array)
        expect(relativeDifference(values, mine as Float64Array), `${name}.${column}`).toBeLessThan(
          RESIDUALS.has(column) ? 1e-3 : tol,
        );
      else
        expect(Array.from(mine as ArrayLike<unknown>)).toEqual(
          Array.from(values as ArrayLike<unknown>),
        );
    }
  }
  for (const [name, tensor] of Object.entries(one.componentTensors)) {
    const other = split.componentTensors[name]!;
    expect(other.shape).toEqual(tensor.shape);
    expect(
      relativeDifference(tensor.data as Float64Array, other.data as Float64Array),
      name,
    ).toBeLessThan(tol);
  }
}

function singularValues(output: MethodOutput): Float64Array {
  return output.factorTables.component!.column("singular_value").values as Float64Array;
}

describe("a split fit", () => {
  it("PCA over 3 partitions equals the single-process fit (singular values 1e-6, scores 1e-5)", async () => {
    const { one, split } = await fitBoth(pca, dataset, { rank: 5 }, 3);
    expect(relativeDifference(singularValues(one), singularValues(split))).toBeLessThan(1e-6);
    expectSameOutput(one, split, 1e-5);
    const record = split.diagnostics.split as Record<string, number | string>;
    expect(record.engine).toBe("in-process");
    expect(record.partitions).toBe(3);
    // The scan, the Krylov blocks and the scores: every round reads each partition once.
    expect(record.rounds).toBeGreaterThanOrEqual(3);
    expect(record.bytes_sent).toBeGreaterThan(0);
    expect(record.bytes_received).toBeGreaterThan(0);
    expect(one.diagnostics.solver).toBe(split.diagnostics.solver);
  });

  it("SVD of a query with scaling, weights and a sample mask, over uneven partitions, randomized", async () => {
    const view = dataset
      .query("epoch", "epoch_index >= 7 and epoch_index != 20")
      .slice("time", 10, 200);
    const config = {
      rank: 4,
      solver: "randomized",
      center: { over: ["instance"] },
      scale: { zscore: { over: ["instance"] } },
      weights: { channel: Array.from({ length: view.shape[2]! }, (_, i) => 1 + i / 10) },
      sample_mask: { axis: "time", start: 5, stop: 150 },
    };
    const { one, split } = await fitBoth(svd, view, config, 4);
    expect(relativeDifference(singularValues(one), singularValues(split))).toBeLessThan(1e-6);
    expectSameOutput(one, split, 1e-5);
  });

  it("CP (SVD start, line search) over 3 partitions equals the single-process fit", async () => {
    const { one, split } = await fitBoth(cp, dataset, { rank: 3, n_iter_max: 40 }, 3);
    expectSameOutput(one, split, 1e-5);
    const error = one.diagnostics.relative_error as number;
    expect(Math.abs((split.diagnostics.relative_error as number) - error) / error).toBeLessThan(
      1e-8,
    );
  });

  it("Tucker (HOSVD start, HOOI) over 3 partitions equals the single-process fit", async () => {
    const { one, split } = await fitBoth(tucker, dataset, { ranks: [3, 3, 3] }, 3);
    expectSameOutput(one, split, 1e-5);
    const fit = one.diagnostics.fit as number;
    expect(Math.abs((split.diagnostics.fit as number) - fit)).toBeLessThan(1e-7);
  });

  it("opens each dataset once per worker, however many tasks", () => {
    expect(opened).toBe(1);
  });

  it("refuses what does not split, before any task runs", async () => {
    const engine = createLocalEngine(async () => {
      throw new Error("no task should run");
    });
    expect(() => splitMethod({ ...pca, id: "ica" }, { engine })).toThrow(ConfigError);
    const drop = pca.validate({ rank: 2, missing: "drop" });
    await expect(splitMethod(pca, { engine }).fit(dataset, drop, context)).rejects.toThrow(
      /missing: "drop" is not supported by a split fit|"drop" is not supported by a split fit/,
    );
    const robust = pca.validate({ rank: 2, scale: { robust: { over: ["instance"] } } });
    await expect(splitMethod(pca, { engine }).fit(dataset, robust, context)).rejects.toThrow(
      ConfigError,
    );
    const inMemory = datasetFromTensor(await eegTensor());
    await expect(
      splitMethod(pca, { engine }).fit(inMemory, pca.validate({ rank: 2 }), context),
    ).rejects.toThrow(/held in memory/);
    await expect(
      splitMethod(pca, { engine, partitions: 0 }).fit(dataset, pca.validate({ rank: 2 }), context),
    ).rejects.toThrow(/partitions/);
  });

  it("the Gram solver (auto's choice for high ranks) sums AᵀA over the partitions", async () => {
    const view = dataset.slice("time", 0, 20);
    const { one, split } = await fitBoth(pca, view, { rank: 40, solver: "gram" }, 3);
    expect(one.diagnostics.solver).toBe("gram");
    expect(split.diagnostics.solver).toBe("gram");
    expect(relativeDifference(singularValues(one), singularValues(split))).toBeLessThan(1e-6);
    expectSameOutput(one, split, 1e-5);
  });

  it("a solver that needs the data in one process is an UnsupportedError", async () => {
    const engine = createLocalEngine(handler.handle);
    const exact = svd.validate({ rank: 2, solver: "exact" });
    // exact needs the matrix in memory; a split fit streams it.
    await expect(
      splitMethod(svd, { engine, partitions: 2 }).fit(dataset, exact, context),
    ).rejects.toThrow(UnsupportedError);
  });

  it("a worker refuses a task on another version of the dataset", async () => {
    const engine = createLocalEngine(async (task, progress) => {
      const data = task.data as Record<string, unknown>;
      return handler.handle({ ...task, data: { ...data, manifest: "sha256:0" } }, progress);
    });
    await expect(
      splitMethod(pca, { engine, partitions: 2 }).fit(dataset, pca.validate({ rank: 2 }), context),
    ).rejects.toThrow(/another version of the dataset/);
  });
});

describe("the pieces", () => {
  it("partitions are as even as possible and cover every row once", () => {
    expect(partitionBounds(10, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    expect(partitionBounds(2, 5)).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it("typed arrays survive the JSON of a task bit for bit", () => {
    const value = {
      a: Float64Array.of(1 / 3, -0, Number.MIN_VALUE, 1e308),
      b: Int32Array.of(-1, 2 ** 31 - 1),
      c: [Float32Array.of(0.1), 3, "x", null],
    };
    const back = fromJson(JSON.parse(JSON.stringify(toJson(value)))) as typeof value;
    expect(Array.from(back.a)).toEqual(Array.from(value.a));
    expect(Object.is(back.a[1], -0)).toBe(true);
    expect(back.b).toBeInstanceOf(Int32Array);
    expect(Array.from(back.b)).toEqual([-1, 2 ** 31 - 1]);
    expect((back.c[0] as Float32Array)[0]).toBe(Math.fround(0.1));
    expect(() => toJson({ x: Number.NaN })).toThrow(/x/);
    expect(() => fromJson({ $f64: "AAA=" })).toThrow(/whole number/);
  });
});
