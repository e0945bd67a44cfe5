/**
 * A tensor held in memory as a dataset: the same dataset as the bundle written from it, the
 * selection verbs and readers against direct indexing (masks, blocks, rows read into a buffer),
 * the fast selection copy against the reference gather, and the ids it accepts and refuses.
 */

import {
  type AxisAnnotatedTensor,
  type AxisSelection,
  columnFromCells,
  createTensor,
  gather,
  isTensorToolsError,
  MetaTable,
  type TensorView,
} from "@tt/schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { datasetFromTensor, viewFromJSON } from "../../src/index.js";
import { copySelection } from "../../src/memory-array.js";
import { datasetOf, positionalTensor } from "./fixture.js";

const SAMPLE_IDS = { axisIndexColumns: { sample: "sample_index" } };

/** `tensor` with a mask that marks every seventh element missing, and attrs. */
function masked(tensor: AxisAnnotatedTensor): AxisAnnotatedTensor {
  return createTensor({
    ...tensor,
    mask: Uint8Array.from({ length: tensor.data.length }, (_, i) => (i % 7 === 3 ? 0 : 1)),
    attrs: { units: "uV", rate: 250 },
  });
}

function failure(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  return expect.fail("expected an error");
}

describe("a tensor as a dataset", () => {
  it("is the dataset of the bundle written from it: ids, id columns, metadata, attrs", async () => {
    const tensor = masked(positionalTensor());
    const { dataset: bundle } = await datasetOf(tensor);
    const memory = datasetFromTensor(tensor, SAMPLE_IDS);
    expect(memory.axes).toEqual(bundle.axes);
    expect(memory.shape).toEqual(bundle.shape);
    expect(memory.dtype).toBe(bundle.dtype);
    expect(memory.hasMask).toBe(true);
    expect(memory.axisIndexColumns).toEqual(bundle.axisIndexColumns);
    for (const axis of tensor.axes) {
      expect(memory.meta(axis).toRecords()).toEqual(bundle.meta(axis).toRecords());
      expect(memory.meta(axis).schema).toEqual(bundle.meta(axis).schema);
      expect(memory.ids(axis)).toEqual(bundle.ids(axis));
    }
    expect(memory.attrs).toEqual({ units: "uV", rate: 250 });
    expect(memory.query("instance", "k > 4").attrs).toEqual(memory.attrs);
    expect(memory.getInstance("e4")).toEqual(bundle.getInstance("e4"));
    expect(memory.indexOf("sample", 8)).toBe(2);
    expect(memory.location).toBeUndefined();
    expect(memory.manifest).toMatchObject({
      axes: bundle.manifest.axes,
      shape: bundle.manifest.shape,
      axis_index_columns: bundle.manifest.axis_index_columns,
      meta_files: {},
      attrs: { units: "uV", rate: 250 },
    });
  });

  it("reads what the bundle reads, and its reads never share memory with the tensor", async () => {
    const tensor = masked(positionalTensor());
    const { dataset: bundle } = await datasetOf(tensor);
    const memory = datasetFromTensor(tensor, SAMPLE_IDS);
    const chain = (view: TensorView) =>
      view.query("instance", "qc_pass").slice("sample", 2, 9).filter("channel", ["Oz", "Fz"]);
    const [got, want] = await Promise.all([
      chain(memory).materialize(),
      chain(bundle).materialize(),
    ]);
    expect([...got.data]).toEqual([...want.data]);
    expect([...got.mask!]).toEqual([...want.mask!]);
    expect(got.axisIndex).toEqual(want.axisIndex);
    expect(got.attrs).toEqual(want.attrs);
    const whole = await memory.materialize();
    (whole.data as Float64Array)[0] = -1;
    expect(tensor.data[0]).toBe(0);
    expect((await memory.materialize()).data[0]).toBe(0);
  });

  it("replays its JSON against itself", () => {
    const memory = datasetFromTensor(positionalTensor(), SAMPLE_IDS);
    const view = memory
      .query("instance", "k >= 5")
      .filter("sample", [8, 0])
      .take("channel", [2, 2, 0]);
    const again = viewFromJSON(memory, JSON.parse(JSON.stringify(view)));
    expect(again.shape).toEqual(view.shape);
    expect(again.ids("instance")).toEqual(view.ids("instance"));
    expect(again.ids("channel")).toEqual(["Pz", "Pz", "Fz"]);
  });
});

describe("the readers of a tensor's views", () => {
  const tensor = masked(positionalTensor(13, 6, 3));
  const dataset = datasetFromTensor(tensor, SAMPLE_IDS);
  const choice = fc.record({
    axis: fc.integer({ min: 0, max: 2 }),
    picks: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 9 }),
    reverse: fc.boolean(),
  });

  it("materialize, blocks and readRowsInto equal direct indexing, masks included", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(choice, { maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 2 }),
        async (choices, size, blockAxis) => {
          const model = tensor.shape.map((n) => Array.from({ length: n }, (_, i) => i));
          let view: TensorView = dataset;
          for (const { axis, picks, reverse } of choices) {
            const current = model[axis]!;
            if (current.length === 0) continue;
            const indices = picks.map((p) => p % current.length);
            if (reverse) indices.reverse();
            view = view.take(tensor.axes[axis]!, indices);
            model[axis] = indices.map((i) => current[i]!);
          }
          const got = await view.materialize();
          expect([...got.data]).toEqual([...gather(tensor.data, tensor.shape, model)]);
          expect([...got.mask!]).toEqual([...gather(tensor.mask!, tensor.shape, model)]);
          expect(got.attrs).toEqual(tensor.attrs);

          const axis = tensor.axes[blockAxis]!;
          let at = 0;
          for await (const block of view.blocks({ axis, size })) {
            expect(block.start).toBe(at);
            const part = model.map((m, i) =>
              i === blockAxis ? m.slice(at, at + block.tensor.shape[i]!) : m,
            );
            expect([...block.tensor.data]).toEqual([...gather(tensor.data, tensor.shape, part)]);
            expect([...block.tensor.mask!]).toEqual([...gather(tensor.mask!, tensor.shape, part)]);
            at += block.tensor.shape[blockAxis]!;
          }
          expect(at).toBe(model[blockAxis]!.length);

          const rows = model[0]!.length;
          const start = Math.min(rows, size - 1);
          const slab = model[1]!.length * model[2]!.length;
          const target = new Float64Array(2 + (rows - start) * slab).fill(-7);
          await view.readRowsInto!(start, rows, target, 2);
          expect([...target.subarray(0, 2)]).toEqual([-7, -7]);
          const part = [model[0]!.slice(start), model[1]!, model[2]!];
          expect([...target.subarray(2)]).toEqual([...gather(tensor.data, tensor.shape, part)]);
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe("copySelection", () => {
  const axisSelection = (length: number) =>
    fc.oneof(
      fc.constant<AxisSelection>(null),
      fc
        .tuple(fc.nat({ max: length }), fc.nat({ max: length }))
        .map(([a, b]): AxisSelection => ({ start: Math.min(a, b), stop: Math.max(a, b) })),
      length === 0
        ? fc.constant<AxisSelection>([])
        : fc.array(fc.nat({ max: length - 1 }), { maxLength: 6 }),
    );
  const case_ = fc
    .array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 4 })
    .chain((shape) =>
      fc.tuple(fc.constant(shape), fc.tuple(...shape.map(axisSelection)), fc.nat({ max: 3 })),
    );

  it("copies the elements the reference gather picks, in its order, at the offset", () => {
    fc.assert(
      fc.property(case_, ([shape, selection, offset]) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const data = Float32Array.from({ length: size }, (_, i) => i + 0.5);
        const want = gather(data, shape, selection);
        const target = new Float32Array(offset + want.length + 1).fill(-1);
        copySelection(data, shape, selection, target, offset);
        expect([...target.subarray(offset, offset + want.length)]).toEqual([...want]);
        expect(target[offset + want.length]).toBe(-1);
        expect([...target.subarray(0, offset)].every((v) => v === -1)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("copies bigint elements too", () => {
    const data = BigInt64Array.from({ length: 12 }, (_, i) => BigInt(i) * 10n);
    const target = new BigInt64Array(4);
    copySelection(data, [3, 4], [[2, 0], { start: 1, stop: 3 }], target, 0);
    expect([...target]).toEqual([90n, 100n, 10n, 20n]);
  });
});

describe("the ids of a tensor's axes", () => {
  const base = {
    data: new Float32Array(6),
    shape: [3, 2],
    axes: ["trial", "time"],
  };

  it("number a first axis without ids by position, in int32 <axis>_id", async () => {
    const dataset = datasetFromTensor(
      createTensor({
        ...base,
        axisMeta: {
          trial: MetaTable.fromRecords([{ kind: "go" }, { kind: "stop" }, { kind: "go" }]),
        },
      }),
    );
    expect(dataset.axisIndexColumns).toEqual({ trial: "trial_id" });
    expect([...(dataset.ids("trial") as Int32Array)]).toEqual([0, 1, 2]);
    expect(dataset.meta("trial").toRecords()).toEqual([
      { trial_id: 0, kind: "go" },
      { trial_id: 1, kind: "stop" },
      { trial_id: 2, kind: "go" },
    ]);
    expect(dataset.ids("time")).toBeUndefined();
    const view = dataset.query("trial", "kind == 'go'");
    expect([...(view.ids("trial") as Int32Array)]).toEqual([0, 2]);
    expect((await view.materialize()).axisIndex.trial).toEqual(Int32Array.of(0, 2));
    expect(dataset.filter("trial", [2]).shape).toEqual([1, 2]);
  });

  it("take ids from a named metadata column, or from <axis>_id when present", () => {
    const named = datasetFromTensor(
      createTensor({
        ...base,
        axisMeta: { trial: MetaTable.fromRecords([{ id: "a" }, { id: "b" }, { id: "c" }]) },
        axisIndex: { time: Float64Array.of(-0.5, 0.25) },
      }),
      { axisIndexColumns: { trial: "id", time: "t_s" } },
    );
    expect(named.axisIndexColumns).toEqual({ trial: "id", time: "t_s" });
    expect(named.ids("trial")).toEqual(["a", "b", "c"]);
    expect(named.ids("time")).toEqual(Float64Array.of(-0.5, 0.25));
    expect(named.filter("time", [0.25]).shape).toEqual([3, 1]);
    const implicit = datasetFromTensor(
      createTensor({
        ...base,
        axisMeta: {
          trial: MetaTable.fromColumns({ trial_id: columnFromCells("int64", [5n, 6n, 7n]) }),
        },
      }),
    );
    expect(implicit.indexOf("trial", 6)).toBe(1);
    expect(implicit.meta("trial").columnNames).toEqual(["trial_id"]);
  });

  it("accept ids given both in axisIndex and in the id column when they agree (a materialized view)", async () => {
    const dataset = datasetFromTensor(positionalTensor(), SAMPLE_IDS);
    const tensor = await dataset.query("instance", "group == 'C'").materialize();
    expect(tensor.axisMeta.instance!.has("instance_id")).toBe(true);
    const again = datasetFromTensor(tensor, { axisIndexColumns: dataset.axisIndexColumns });
    expect(again.axisIndexColumns).toEqual(dataset.axisIndexColumns);
    expect(again.meta("instance").toRecords()).toEqual(tensor.axisMeta.instance!.toRecords());
  });

  const refusals: [string, () => unknown, string, string][] = [
    [
      "repeated ids",
      () => datasetFromTensor(createTensor({ ...base, axisIndex: { trial: ["a", "b", "a"] } })),
      "data",
      "axis 'trial' id column 'trial_id' row 2: repeats id \"a\" of row 0; ids must be unique",
    ],
    [
      "a null id",
      () =>
        datasetFromTensor(
          createTensor({
            ...base,
            axisMeta: {
              trial: MetaTable.fromColumns({
                trial_id: columnFromCells("string", ["a", null, "c"]),
              }),
            },
          }),
        ),
      "data",
      "axis 'trial' id column 'trial_id' row 1: is null; every id must be present",
    ],
    [
      "float ids on the first axis",
      () =>
        datasetFromTensor(
          createTensor({ ...base, axisIndex: { trial: Float64Array.of(0.5, 1, 2) } }),
        ),
      "data",
      "axis 'trial' id column 'trial_id': is float64; an id column must be string, int32 or int64",
    ],
    [
      "ids of mixed kinds",
      () => datasetFromTensor(createTensor({ ...base, axisIndex: { trial: ["a", 1, "c"] } })),
      "data",
      "axis 'trial' ids: ids must be all strings, all integers or (after the first axis) all numbers",
    ],
    [
      "an id column that is not there",
      () => datasetFromTensor(createTensor(base), { axisIndexColumns: { trial: "id" } }),
      "data",
      "axisIndexColumns.trial: names 'id', which is neither in axisIndex nor a metadata column of axis 'trial' (columns: none)",
    ],
    [
      "an id column of an unknown axis",
      () => datasetFromTensor(createTensor(base), { axisIndexColumns: { channel: "id" } }),
      "not-found",
      "no axis 'channel'; axes are trial, time",
    ],
    [
      "axisIndex and the id column disagreeing",
      () =>
        datasetFromTensor(
          createTensor({
            ...base,
            axisIndex: { trial: ["a", "b", "c"] },
            axisMeta: { trial: MetaTable.fromRecords([{ id: "a" }, { id: "c" }, { id: "b" }]) },
          }),
          { axisIndexColumns: { trial: "id" } },
        ),
      "data",
      "axis 'trial' id column 'id' row 1: is \"c\" but axisIndex has \"b\"; give the ids once, or the same ids in both",
    ],
    [
      "a tensor whose data does not fit its shape",
      () => datasetFromTensor({ ...createTensor(base), shape: [4, 2] }),
      "data",
      "tensor data: has 6 elements, shape [4, 2] needs 8",
    ],
  ];
  it.each(refusals)("refuse %s", (_, work, tag, message) => {
    const error = failure(work);
    expect(isTensorToolsError(error, tag as "data")).toBe(true);
    expect(error.message).toBe(message);
  });

  it("look ids up only on axes that have them", () => {
    const dataset = datasetFromTensor(createTensor(base));
    expect(failure(() => dataset.indexOf("time", 0)).message).toBe(
      "axis 'time': has no id column to look ids up in",
    );
    expect(failure(() => dataset.ids("channel")).message).toBe(
      "no axis 'channel'; axes are trial, time",
    );
  });
});
