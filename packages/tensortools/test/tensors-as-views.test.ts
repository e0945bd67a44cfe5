/**
 * Tensors are views (issue 19, item 3): an in-memory tensor goes wherever a dataset goes.
 * `decompose` of a tensor gives the numbers of the same data written as a bundle, bit for bit;
 * its result records no stored input; `joinResult` joins onto a tensor; `writeDataset` keeps what
 * a tensor carries; a first axis without ids is keyed by row number; bad input is refused.
 */

import { join } from "node:path";
import { EEG_INDEX_COLUMNS, eegTensor, writeEegBundle } from "@tt/test-fixtures";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AxisAnnotatedTensor,
  columnFromCells,
  createTensor,
  type DecompositionResult,
  datasetFromTensor,
  decompose,
  isTensorToolsError,
  joinResult,
  MetaTable,
  openDataset,
  reopenInput,
  type TensorDataset,
  type TensorView,
  writeDataset,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const dir = scratchDirectory("tt-tensor-views-");

/** Everything of a result but where its input came from and when it ran. */
function numbersOf(result: DecompositionResult) {
  const { created_at: _, duration_ms: __, ...attrs } = result.attrs;
  return {
    method: result.method,
    config: result.config,
    attrs,
    diagnostics: result.diagnostics,
    selectors: result.inputRef.selectors,
    n_instances: result.inputRef.n_instances,
    ids_hash: result.inputRef.ids_hash,
    tables: Object.fromEntries(
      Object.entries(result.factorTables).map(([name, table]) => [
        name,
        { schema: table.schema, rows: table.toRecords() },
      ]),
    ),
    tensors: Object.fromEntries(
      Object.entries(result.componentTensors).map(([name, tensor]) => [
        name,
        { axes: tensor.axes, shape: tensor.shape, data: Array.from(tensor.data as Float64Array) },
      ]),
    ),
  };
}

async function rejection(work: Promise<unknown>): Promise<Error> {
  return work.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error as Error,
  );
}

/** `tensor` with gaps: every 101st element of every fifth instance missing. */
function withGaps(tensor: AxisAnnotatedTensor): AxisAnnotatedTensor {
  const slab = tensor.data.length / tensor.shape[0]!;
  const mask = Uint8Array.from({ length: tensor.data.length }, (_, i) =>
    Math.floor(i / slab) % 5 === 2 && i % 101 === 3 ? 0 : 1,
  );
  return createTensor({ ...tensor, mask });
}

describe("decompose of a tensor", () => {
  let tensor: AxisAnnotatedTensor;
  const sources: Record<string, { bundle: TensorDataset; memory: TensorDataset }> = {};
  beforeAll(async () => {
    tensor = await eegTensor();
    for (const [name, data] of [
      ["whole", tensor],
      ["gaps", withGaps(tensor)],
    ] as const) {
      await writeEegBundle(join(dir, name), data);
      sources[name] = {
        bundle: await openDataset(join(dir, name)),
        memory: datasetFromTensor(data, { axisIndexColumns: EEG_INDEX_COLUMNS }),
      };
    }
  });

  const runs: [string, (view: TensorView) => TensorView, string, object][] = [
    ["pca of every epoch", (view) => view, "pca", { rank: 5 }],
    [
      "svd of a query, scaled per channel",
      (view) => view.query("epoch", "lock_position == 1").slice("time", 100, 300),
      "svd",
      { rank: 4, center: { over: ["epoch"] }, scale: { zscore: { over: ["epoch", "time"] } } },
    ],
    [
      "pca with a sample_mask and channel weights",
      (view) => view.take("channel", [0, 3, 5, 7, 11]),
      "pca",
      {
        rank: 3,
        solver: "randomized",
        sample_mask: { axis: "time", start: 50, stop: 250 },
        weights: { channel: [1, 2, 1, 0.5, 1] },
      },
    ],
    ["cp of a few channels", (view) => view.take("channel", [1, 2, 4]), "cp", { rank: 2 }],
    [
      "pca of data with gaps, dropping instances",
      (view) => view.slice("time", 0, 200),
      "pca",
      { rank: 3, missing: "drop" },
    ],
    [
      "cp of data with gaps, fitted with the mask",
      (view) => view.take("channel", [1, 2]).slice("time", 0, 100),
      "cp",
      { rank: 2, missing: "mask" },
    ],
  ];
  it.each(runs)(
    "%s equals that of the bundle, bit for bit",
    async (name, select, method, config) => {
      const { bundle, memory } = sources[name.includes("gaps") ? "gaps" : "whole"]!;
      const fromBundle = await decompose(select(bundle), method, config, { seed: 3 });
      const fromMemory = await decompose(select(memory), method, config, { seed: 3 });
      expect(numbersOf(fromMemory)).toEqual(numbersOf(fromBundle));
      if (name.includes("dropping")) expect(fromMemory.diagnostics.n_dropped).toBeGreaterThan(0);
      expect(fromBundle.inputRef.dataset?.location).toBe(bundle.location);
      expect(fromMemory.inputRef.dataset).toBeNull();
    },
  );

  it("takes the tensor itself, and records no stored input, which reopenInput refuses", async () => {
    const direct = await decompose(tensor, "pca", { rank: 2 });
    const ids = Array.from({ length: 80 }, (_, i) => i);
    expect(direct.inputRef).toMatchObject({ dataset: null, selectors: [], n_instances: 80 });
    // The EEG tensor keeps its ids in metadata columns, so by default it is keyed by row number.
    const instances = Object.values(direct.factorTables)[0]!;
    expect(Array.from(instances.column(instances.columnNames[0]!).values as Int32Array)).toEqual(
      ids,
    );
    const error = await rejection(reopenInput(direct));
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect(error.message).toContain("input_ref.dataset is null");
  });
});

describe("a tensor without ids on its first axis", () => {
  const data = Float64Array.from({ length: 7 * 3 }, (_, i) => Math.cos(i * 1.3) + (i % 3));
  const plain = createTensor({ data, shape: [7, 3], axes: ["flower", "feature"] });
  const numbered = createTensor({
    data,
    shape: [7, 3],
    axes: ["flower", "feature"],
    axisIndex: { flower: Int32Array.from({ length: 7 }, (_, i) => i) },
  });

  it("is keyed by row number, as the same tensor with ids 0..n-1", async () => {
    const result = await decompose(plain, "pca", { rank: 2 });
    expect(numbersOf(result)).toEqual(numbersOf(await decompose(numbered, "pca", { rank: 2 })));
    const table = result.factorTables.instance!;
    expect(table.columnNames[0]).toBe("instance_id");
    expect(result.instance).toEqual({ axis: "flower", idColumn: "flower_id" });
    expect(Array.from(table.column("instance_id").values as Int32Array)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
  });

  it("joins its result back by row number", async () => {
    const result = await decompose(plain, "pca", { rank: 2 });
    const joined = joinResult(plain, result);
    expect(joined.meta("flower").columnNames).toEqual(
      expect.arrayContaining(["flower_id", "score_1", "score_2"]),
    );
    const positive = joined.query("flower", "score_1 > 0");
    const scores = result.factorTables.instance!.column("score_1").values as Float64Array;
    expect(Array.from(positive.ids("flower") as Int32Array)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].filter((i) => scores[i]! > 0),
    );
  });
});

describe("joinResult onto a tensor", () => {
  const n = 9;
  const tensor = createTensor({
    data: Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i) * (1 + (i % 4))),
    shape: [n, 4],
    axes: ["instance", "feature"],
    axisIndex: { instance: Array.from({ length: n }, (_, i) => `s${i}`) },
    axisMeta: {
      instance: MetaTable.fromColumns({
        label: columnFromCells(
          "string",
          Array.from({ length: n }, (_, i) => (i % 3 === 0 ? "target" : "other")),
        ),
      }),
    },
    attrs: { study: "demo" },
  });

  it("attaches the scores of a result of a bundle of the same data, queryable with the labels", async () => {
    await writeDataset(join(dir, "small"), tensor);
    const stored = await openDataset(join(dir, "small"));
    const result = await decompose(stored.query("instance", "label == 'other'"), "pca", {
      rank: 2,
    });
    const joined = joinResult(tensor, result, { prefix: "pca_" });
    expect(joined.location).toBeUndefined();
    expect(joined.attrs).toEqual({ study: "demo" });
    const records = joined.meta("instance").toRecords();
    expect(records[0]).toMatchObject({ instance_id: "s0", label: "target", pca_score_1: null });
    const other = result.factorTables.instance!.toRecords();
    expect(records[1]).toMatchObject({ pca_score_1: other[0]!.score_1 });
    expect(joined.query("instance", "pca_score_1 > 0 and label == 'other'").shape[0]).toBe(
      other.filter((row) => (row.score_1 as number) > 0).length,
    );
  });

  it("names the dataset in memory when the result's ids are not in it", async () => {
    const result = await decompose(tensor, "pca", { rank: 2 });
    const other = createTensor({
      ...tensor,
      axisIndex: { instance: Array.from({ length: n }, (_, i) => `x${i}`) },
    });
    const error = (() => {
      try {
        joinResult(other, result);
      } catch (caught) {
        return caught as Error;
      }
      return expect.fail("expected an error");
    })();
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toContain(
      "9 ids are not in the dataset in memory ('instance_id' of axis 'instance'): \"s0\"",
    );
  });
});

describe("writeDataset of a tensor and of its views", () => {
  const tensor = createTensor({
    data: Float64Array.from({ length: 6 * 3 * 2 }, (_, i) => i / 4),
    shape: [6, 3, 2],
    axes: ["trial", "time", "electrode"],
    axisIndex: {
      trial: ["a", "b", "c", "d", "e", "f"],
      time: Float64Array.of(-0.25, 0, 0.25),
      electrode: ["C3", "C4"],
    },
    axisMeta: {
      trial: MetaTable.fromRecords([1, 2, 3, 4, 5, 6].map((rt) => ({ rt, go: rt % 2 === 0 }))),
    },
    mask: Uint8Array.from({ length: 36 }, (_, i) => (i === 5 || i === 20 ? 0 : 1)),
    attrs: { rate_hz: 4 },
  });

  it("keeps ids, metadata of every axis, the mask and attrs", async () => {
    await writeDataset(join(dir, "trials"), tensor);
    const back = await openDataset(join(dir, "trials"));
    const memory = datasetFromTensor(tensor);
    expect(back.axisIndexColumns).toEqual(memory.axisIndexColumns);
    for (const axis of tensor.axes) {
      expect(back.ids(axis)).toEqual(memory.ids(axis));
      expect(back.meta(axis).toRecords()).toEqual(memory.meta(axis).toRecords());
    }
    expect([...(await back.read([]))]).toEqual([...tensor.data]);
    expect([...(await back.readMask([]))]).toEqual([...tensor.mask!]);
    expect(back.attrs).toEqual({ rate_hz: 4 });
  });

  it("writes a view of a tensor with its selection, and no derived_from", async () => {
    const view = datasetFromTensor(tensor).query("trial", "go").slice("time", 1, 3);
    const manifest = await writeDataset(join(dir, "view"), view);
    expect(manifest.derived_from).toBeUndefined();
    const back = await openDataset(join(dir, "view"));
    expect(back.ids("trial")).toEqual(["b", "d", "f"]);
    expect(back.ids("time")).toEqual(Float64Array.of(0, 0.25));
    expect(back.meta("trial").toRecords()).toEqual(view.meta("trial").toRecords());
    const want = await view.materialize();
    expect([...(await back.read([]))]).toEqual([...want.data]);
    expect([...(await back.readMask([]))]).toEqual([...want.mask!]);
    expect(back.attrs).toEqual({ rate_hz: 4 });
  });
});

describe("decompose refuses", () => {
  const cases: [string, unknown, string][] = [
    ["null", null, "null"],
    ["a number", 5, "number"],
    ["an array", [1, 2, 3], "an array"],
    ["an object that is neither a view nor a tensor", { shape: [2, 2] }, "object"],
  ];
  it.each(cases)("%s, with a ConfigError on view", async (_, input, got) => {
    const error = await rejection(decompose(input as AxisAnnotatedTensor, "pca", { rank: 1 }));
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(error.message).toBe(
      `config 'view': must be a dataset, a view of one or an axis-annotated tensor (createTensor), got ${got}`,
    );
  });

  it("a tensor with repeated ids, with a DataError naming the axis and the row", async () => {
    const repeated = createTensor({
      data: new Float64Array(6),
      shape: [3, 2],
      axes: ["instance", "feature"],
      axisIndex: { instance: ["a", "b", "a"] },
    });
    const error = await rejection(decompose(repeated, "pca", { rank: 1 }));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      "axis 'instance' id column 'instance_id' row 2: repeats id \"a\" of row 0; ids must be unique",
    );
  });
});
