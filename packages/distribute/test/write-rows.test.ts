import { openStoredDataset } from "@tt/bundle/fs";
import { cp } from "@tt/decompose-cp";
import { pca, svd } from "@tt/decompose-svd";
import { tucker } from "@tt/decompose-tucker";
import { parquetMetaIO } from "@tt/meta-parquet";
import { createDataset } from "@tt/query";
import {
  ConfigError,
  type DecompositionMethod,
  type EngineTask,
  type FitContext,
  type JsonValue,
  MetaTable,
  type MethodOutput,
  type ReadableView,
  TaskError,
  type TensorDataset,
} from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { temporaryDirectory, writeEegBundle } from "@tt/test-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLocalEngine,
  createPartitionHandler,
  fromJson,
  type PartitionHandler,
  type SplitRecord,
  splitMethod,
  toJson,
  WRITE_TASK,
} from "../src/index.js";
import { RESIDUALS, relativeDifference } from "./compare.js";

const context: FitContext = { seed: 7, signal: undefined, onProgress() {} };
const dir = temporaryDirectory("tt-distribute-rows-");
const LOCATION = "memory://result";
let dataset: TensorDataset;
let store: ReturnType<typeof createMemoryStore>;
let handler: PartitionHandler;
/** Every task's answer in the last split fit, by the pass it ran ("scan" for scans). */
const answers: Array<{ round: string; value: JsonValue }> = [];
/** The last write task the workers answered. */
let lastWrite: EngineTask | undefined;

beforeAll(async () => {
  await writeEegBundle(`${dir.path}/eeg`);
  dataset = createDataset(await openStoredDataset(`${dir.path}/eeg`));
  store = createMemoryStore(LOCATION);
  handler = createPartitionHandler({
    open: async (location) => createDataset(await openStoredDataset(location)),
    output: {
      openStore: async (location) => {
        if (location !== LOCATION) throw new Error(`unexpected location ${location}`);
        return store;
      },
      metaIO: parquetMetaIO,
    },
  });
});

afterAll(async () => {
  await handler.close();
  dir.cleanup();
});

/** The single-process fit, and the split fit whose workers write the instance table. */
async function fitBoth(
  method: DecompositionMethod<object>,
  view: ReadableView,
  config: object,
  partitions: number,
): Promise<{ one: MethodOutput; split: MethodOutput }> {
  store.entries.clear();
  const valid = method.validate(config);
  const one = await method.fit(view, valid, context);
  answers.length = 0;
  const engine = createLocalEngine(async (task, onProgress) => {
    const value = await handler.handle(task, onProgress);
    const data = fromJson(task.data, "task") as { pass?: string };
    answers.push({ round: data.pass ?? "scan", value });
    if (task.kind === WRITE_TASK) lastWrite = task;
    return value;
  });
  const split = await splitMethod(method, { engine, partitions, writeRowsTo: LOCATION }).fit(
    view,
    valid,
    context,
  );
  return { one, split };
}

/** The parts the workers wrote, read back and put one after the other. */
async function writtenInstances(output: MethodOutput): Promise<MetaTable> {
  const written = output.writtenTables!.instance!;
  expect(written.location).toBe(LOCATION);
  const parts = [];
  for (const part of written.parts) {
    const table = await parquetMetaIO.read(store, part.path);
    expect(table.numRows).toBe(part.rows);
    expect(table.columnNames).toEqual(written.columns);
    parts.push(table);
  }
  return MetaTable.concat(parts);
}

/** The written table equals the single-process one: ids exactly, scores to `tol`, residuals to 1e-3. */
async function expectSameInstances(one: MethodOutput, split: MethodOutput, tol: number) {
  expect(split.factorTables.instance).toBeUndefined();
  const expected = one.factorTables.instance!;
  const actual = await writtenInstances(split);
  expect(actual.columnNames).toEqual(expected.columnNames);
  for (const name of expected.columnNames) {
    const values = expected.column(name).values;
    const mine = actual.column(name).values;
    if (values instanceof Float64Array) {
      const residual = RESIDUALS.has(name);
      expect(relativeDifference(values, mine as Float64Array), name).toBeLessThan(
        residual ? 1e-3 : tol,
      );
    } else
      expect(Array.from(mine as ArrayLike<unknown>)).toEqual(
        Array.from(values as ArrayLike<unknown>),
      );
  }
  const limits = (output: MethodOutput) => output.diagnostics.outliers as Record<string, unknown>;
  for (const key of ["t2_limit", "q_limit"]) {
    const a = limits(one)[key] as number;
    expect(Math.abs((limits(split)[key] as number) - a) / a, key).toBeLessThan(1e-6);
  }
  expect(limits(split).q_limit_method).toBe(limits(one).q_limit_method);
  const s1 = one.factorTables.component!.column("singular_value").values as Float64Array;
  const s2 = split.factorTables.component!.column("singular_value").values as Float64Array;
  expect(relativeDifference(s1, s2)).toBeLessThan(1e-6);
}

describe("a split fit whose workers write the instance table", () => {
  it("PCA (krylov) over 3 partitions: the parts are the single-process table, no row comes back", async () => {
    const { one, split } = await fitBoth(pca, dataset, { rank: 5 }, 3);
    await expectSameInstances(one, split, 1e-5);
    const written = split.writtenTables!.instance!;
    expect(written.parts.map((part) => part.path)).toEqual([
      "factor_tables/instance/part-00000.parquet",
      "factor_tables/instance/part-00001.parquet",
      "factor_tables/instance/part-00002.parquet",
    ]);
    expect(written.rows).toBe(dataset.shape[0]);
    expect(one.diagnostics.solver).toBe("krylov");
    // No answer holds a value per row: sums, and the parts written.
    expect(answers.filter((answer) => answer.round === "scan").length).toBe(3);
    for (const { round, value } of answers) {
      const decoded = fromJson(value, round) as Record<string, unknown>;
      if (round === "scan") expect((decoded.rowSquares as Float64Array).length).toBe(0);
      else if (round === "svd.instances")
        expect(Object.keys(decoded).sort()).toEqual(["columns", "path", "rows"]);
      else expect(decoded.rows, round).toEqual({});
    }
    const record = split.diagnostics.split as unknown as SplitRecord;
    expect(record.rounds).toBe(answers.length / 3);
  });

  it("randomized SVD of a query with scaling over uneven partitions (Q limit from the moments)", async () => {
    const view = dataset
      .query("epoch", "epoch_index >= 7 and epoch_index != 20")
      .slice("time", 10, 200);
    const config = {
      rank: 4,
      solver: "randomized",
      center: { over: ["instance"] },
      scale: { zscore: { over: ["instance"] } },
      weights: { channel: Array.from({ length: view.shape[2]! }, (_, i) => 1 + i / 10) },
    };
    const { one, split } = await fitBoth(svd, view, config, 4);
    expect((one.diagnostics.outliers as Record<string, unknown>).q_limit_method).toBe("moments");
    await expectSameInstances(one, split, 1e-5);
  });

  it("the Gram solver (whole spectrum: Jackson & Mudholkar)", async () => {
    const view = dataset.slice("time", 0, 16);
    const { one, split } = await fitBoth(pca, view, { rank: 5, solver: "gram" }, 2);
    await expectSameInstances(one, split, 1e-5);
  });

  it("CP (SVD start, line search) over 3 partitions: the parts are the single-process table", async () => {
    const { one, split } = await fitBoth(cp, dataset, { rank: 3, n_iter_max: 40 }, 3);
    expect(split.factorTables.instance).toBeUndefined();
    const expected = one.factorTables.instance!;
    const actual = await writtenInstances(split);
    expect(actual.columnNames).toEqual(expected.columnNames);
    expect(Array.from(actual.column("instance_id").values as ArrayLike<unknown>)).toEqual(
      Array.from(expected.column("instance_id").values as ArrayLike<unknown>),
    );
    for (const name of expected.columnNames.slice(1)) {
      const values = expected.column(name).values as Float64Array;
      const tol = name === "recon_error" ? 1e-3 : 1e-5;
      expect(
        relativeDifference(values, actual.column(name).values as Float64Array),
        name,
      ).toBeLessThan(tol);
    }
    for (const [key, tol] of [
      ["relative_error", 1e-8],
      ["core_consistency", 1e-6],
    ] as const) {
      const a = one.diagnostics[key] as number;
      expect(Math.abs((split.diagnostics[key] as number) - a) / Math.abs(a), key).toBeLessThan(tol);
    }
    const weights = (output: MethodOutput) =>
      output.factorTables.component!.column("weight").values as Float64Array;
    expect(relativeDifference(weights(one), weights(split))).toBeLessThan(1e-6);
    for (const { round, value } of answers)
      if (round === "cp.instances")
        expect(Object.keys(fromJson(value, round) as object).sort()).toEqual([
          "columns",
          "path",
          "rows",
        ]);
      else if (round !== "scan")
        expect((fromJson(value, round) as { rows?: object }).rows ?? {}, round).toEqual({});
  });

  it("Tucker keeps its instance table in the output", async () => {
    const { split } = await fitBoth(tucker, dataset, { ranks: [2, 2, 2] }, 2);
    expect(split.writtenTables).toBeUndefined();
    expect(split.factorTables.instance!.numRows).toBe(dataset.shape[0]);
  });

  it("a worker writes nothing but a part of a result's factor table", async () => {
    const data = fromJson(lastWrite!.data, "task") as { target: { path: string } };
    for (const path of ["manifest", "factor_tables/../manifest", "../elsewhere/part-00000"]) {
      const task = { ...lastWrite!, data: toJson({ ...data, target: { ...data.target, path } }) };
      const error = await handler.handle(task, () => {}).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toContain(
        `'${path}' is not a part of a result's factor table (factor_tables/<table>/part-NNNNN); this worker writes nothing else`,
      );
    }
    expect([...store.entries.keys()].filter((key) => !key.startsWith("factor_tables/"))).toEqual(
      [],
    );
  });

  it("a worker without an output refuses a write task, naming the part", async () => {
    const plain = createPartitionHandler({
      open: async (location) => createDataset(await openStoredDataset(location)),
    });
    try {
      const engine = createLocalEngine(plain.handle);
      const split = splitMethod(pca, { engine, partitions: 2, writeRowsTo: LOCATION });
      const error = await split.fit(dataset, pca.validate({ rank: 2 }), context).catch((e) => e);
      expect(error.message).toMatch(/does not write results.*factor_tables\/instance\/part-0000/);
      expect(error).toBeInstanceOf(TaskError);
    } finally {
      await plain.close();
    }
  });
});
