/**
 * Delayed operations through the whole library (issue 20, item 4): a decomposition of a
 * transformed view equals that of the same values written eagerly, whether in memory or streamed,
 * with rows read straight into kernel memory; a result records the operations in `input_ref` and
 * `reopenInput` replays them to the same values; `writeDataset` of a transformed view writes the
 * transformed values.
 */

import { join } from "node:path";
import { EEG_INDEX_COLUMNS, eegTensor, writeEegBundle } from "@tt/test-fixtures";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createTensor,
  type DecompositionResult,
  datasetFromTensor,
  decompose,
  openDataset,
  openResult,
  type ReadableView,
  reopenInput,
  type TensorDataset,
  type TensorView,
  writeDataset,
  writeResult,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const dir = scratchDirectory("tt-delayed-ops-");

/** The numbers of a result, without where its input came from or when it ran. */
function numbersOf(result: DecompositionResult) {
  const { created_at: _, duration_ms: __, ...attrs } = result.attrs;
  const { kernels: ___, ...diagnostics } = result.diagnostics as Record<string, unknown>;
  return {
    config: result.config,
    attrs,
    diagnostics,
    tables: Object.fromEntries(
      Object.entries(result.factorTables).map(([name, table]) => [
        name,
        Object.fromEntries(
          table.columnNames.map((c) => [
            c,
            Array.from(table.column(c).values as ArrayLike<unknown>),
          ]),
        ),
      ]),
    ),
    tensors: Object.fromEntries(
      Object.entries(result.componentTensors).map(([name, t]) => [
        name,
        Array.from(t.data as Float64Array),
      ]),
    ),
  };
}

/** The EEG epochs' baseline (the 128 samples before 0 ms) and average reference over the EEG channels, scaled per channel. */
function preprocess(view: TensorView): TensorView {
  const eeg = view.query("channel", "type == 'EEG'");
  const scale = Array.from({ length: eeg.shape[2]! }, (_, k) => 1 + (k % 4) * 0.5);
  return eeg
    .subtractMean("time", { start: 0, stop: 128 })
    .subtractMean("channel")
    .divide(scale, { axis: "channel" });
}

/**
 * Asserts the same structure, strings and flags, and numbers within `rtol` of the largest of
 * their array (an array of numbers) or of themselves (a lone number), naming the first miss.
 */
function expectSameNumbers(actual: unknown, expected: unknown, rtol: number, path = "result") {
  if (typeof expected === "number") {
    const tolerance = rtol * Math.max(Math.abs(expected), 1e-12);
    if (!(Math.abs((actual as number) - expected) <= tolerance))
      expect.fail(`${path}: got ${actual}, expected ${expected}`);
  } else if (Array.isArray(expected) && expected.every((x) => typeof x === "number")) {
    expect(actual, path).toHaveLength(expected.length);
    const largest = expected.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expected.forEach((x, i) => {
      const got = (actual as number[])[i]!;
      if (!(Math.abs(got - x) <= rtol * largest))
        expect.fail(`${path}[${i}]: got ${got}, expected ${x} (largest ${largest})`);
    });
  } else if (expected !== null && typeof expected === "object") {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected))
      expectSameNumbers((actual as Record<string, unknown>)[key], value, rtol, `${path}.${key}`);
  } else expect(actual, path).toEqual(expected);
}

/** `view` as a plain ReadableView that counts its readRowsInto calls and the targets' types. */
function counting(view: TensorView) {
  const reads: string[] = [];
  const readable: ReadableView = {
    axes: view.axes,
    shape: view.shape,
    dtype: view.dtype,
    axisIndexColumns: view.axisIndexColumns,
    hasMask: view.hasMask,
    meta: (axis) => view.meta(axis),
    ids: (axis) => view.ids(axis),
    materialize: (options) => view.materialize(options),
    blocks: (options) => view.blocks(options),
    readRowsInto: (start, stop, target, offset, options) => {
      reads.push(target.constructor.name);
      return view.readRowsInto!(start, stop, target, offset, options);
    },
  };
  return { readable, reads };
}

describe("a decomposition of a transformed view", () => {
  let dataset: TensorDataset;
  let view: TensorView;
  let eager: TensorDataset;
  beforeAll(async () => {
    await writeEegBundle(join(dir, "eeg"));
    dataset = await openDataset(join(dir, "eeg"));
    view = preprocess(dataset.query("epoch", "rt_ms > 400"));
    eager = datasetFromTensor(await view.materialize(), { axisIndexColumns: EEG_INDEX_COLUMNS });
  });

  it.each([
    ["pca in memory", "pca", { rank: 4 }],
    ["pca streamed in blocks", "pca", { rank: 4, memory_budget: 300_000 }],
    ["cp", "cp", { rank: 2 }],
  ])("%s equals that of the same values held eagerly", async (_, method, config) => {
    const lazy = await decompose(view, method, config, { seed: 5 });
    const held = await decompose(eager, method, config, { seed: 5 });
    const streamed = "memory_budget" in config;
    // Streamed, the trailing division is folded into the centering (no float32 rounding of the
    // divided values): the same numbers to rounding. In memory, the same bits.
    if (streamed) expectSameNumbers(numbersOf(lazy), numbersOf(held), 1e-5);
    else expect(numbersOf(lazy)).toEqual(numbersOf(held));
    if (method === "pca") expect(lazy.diagnostics.in_memory).toBe(!streamed);
    expect(lazy.inputRef.selectors.map((s) => s.op)).toEqual([
      "query",
      "query",
      "subtract_mean",
      "subtract_mean",
      "divide",
    ]);
  });

  it("reads rows straight into float32 kernel memory, transformed there", async () => {
    expect(view.dtype).toBe("float32");
    const { readable, reads } = counting(view);
    const config = { rank: 3, memory_budget: 300_000 };
    const streamed = await decompose(readable, "pca", config, { seed: 1 });
    expect(reads.length).toBeGreaterThan(1);
    expect(new Set(reads)).toEqual(new Set(["Float32Array"]));
    expect(numbersOf(streamed).tables).toEqual(
      numbersOf(await decompose(eager, "pca", config, { seed: 1 })).tables,
    );
  });

  it("streamed, folds the trailing arithmetic into the centering: every pass after the scan reads the view below it", async () => {
    const below = counting(view.rowAffine!()!.view as TensorView);
    const top = counting(view);
    const readable: ReadableView = {
      ...top.readable,
      rowAffine: () => ({ ...view.rowAffine!()!, view: below.readable }),
    };
    const config = { rank: 3, memory_budget: 300_000, scale: { zscore: { over: ["epoch"] } } };
    const folded = await decompose(readable, "pca", config, { seed: 1 });
    const held = await decompose(eager, "pca", config, { seed: 1 });
    // The scan reads the view itself; the solver's passes read the view below the division.
    expect(top.reads.length).toBeGreaterThan(0);
    expect(below.reads.length).toBeGreaterThan(2 * top.reads.length);
    expectSameNumbers(numbersOf(folded), numbersOf(held), 1e-5);
  });

  it("records the operations in input_ref, and reopenInput replays them to the same values", async () => {
    const result = await decompose(view, "pca", { rank: 3 });
    await writeResult(join(dir, "pca"), result);
    const opened = await openResult(join(dir, "pca"));
    expect(opened.inputRef.selectors).toEqual(view.toJSON().selectors);
    expect(opened.inputRef.selectors[2]).toEqual({
      op: "subtract_mean",
      axis: "time",
      start: 0,
      stop: 128,
    });
    const reopened = await reopenInput(opened);
    expect(reopened.dtype).toBe("float32");
    expect(Array.from((await reopened.materialize()).data as Float32Array)).toEqual(
      Array.from((await view.materialize()).data as Float32Array),
    );
  });
});

describe("writeDataset of a transformed view", () => {
  it("writes the transformed values, with the view's selectors as its origin", async () => {
    const tensor = await eegTensor();
    await writeEegBundle(join(dir, "source"), tensor);
    const source = await openDataset(join(dir, "source"));
    const view = source.slice("epoch", 0, 10).subtractElement("channel", "Cz").abs().log1p();
    await writeDataset(join(dir, "written"), view);
    const written = await openDataset(join(dir, "written"));
    expect(written.dtype).toBe("float32");
    expect(written.shape).toEqual(view.shape);
    expect(Array.from((await written.materialize()).data as Float32Array)).toEqual(
      Array.from((await view.materialize()).data as Float32Array),
    );
    expect(written.manifest.derived_from).toMatchObject({
      selectors: view.toJSON().selectors,
    });
  });

  it("writes integer data transformed as float64", async () => {
    const data = Int16Array.from({ length: 4 * 5 * 2 }, (_, i) => (i * 37) % 101);
    const ints = createTensor({ data, shape: [4, 5, 2], axes: ["instance", "sample", "channel"] });
    const view = datasetFromTensor(ints).subtractMean("sample", { start: 0, stop: 2 });
    await writeDataset(join(dir, "ints"), view);
    const written = await openDataset(join(dir, "ints"));
    expect(written.dtype).toBe("float64");
    expect(Array.from((await written.materialize()).data as Float64Array)).toEqual(
      Array.from((await view.materialize()).data as Float64Array),
    );
  });
});
