/**
 * THE round trip over real data: EEGLAB epochs -> writeDataset -> openDataset -> query ->
 * decompose(pca) -> writeResult -> openResult -> joinResult -> a query on scores and labels
 * together -> reopenInput, and an append that makes reopenInput refuse.
 */

import { join } from "node:path";
import { EEG_INDEX_COLUMNS, eegTensor } from "@tt/test-fixtures";
import { describe, expect, it } from "vitest";
import {
  appendDataset,
  columnFromCells,
  type DecompositionResult,
  decompose,
  isTensorToolsError,
  joinResult,
  type MetaRecord,
  MetaTable,
  openDataset,
  openResult,
  pca,
  reopenInput,
  VERSION,
  writeDataset,
  writeResult,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const QUERY = "lock_position == 1";

function records(table: MetaTable | undefined): MetaRecord[] {
  expect(table).toBeDefined();
  return table!.toRecords();
}

function expectSameResult(actual: DecompositionResult, expected: DecompositionResult): void {
  expect(actual.method).toBe(expected.method);
  expect(actual.methodVersion).toBe(expected.methodVersion);
  expect(actual.config).toEqual(expected.config);
  expect(actual.inputRef).toEqual(expected.inputRef);
  expect(actual.attrs).toEqual(expected.attrs);
  expect(actual.diagnostics).toEqual(expected.diagnostics);
  expect(Object.keys(actual.factorTables).sort()).toEqual(
    Object.keys(expected.factorTables).sort(),
  );
  for (const [name, table] of Object.entries(expected.factorTables))
    expect(records(actual.factorTables[name]), `factor table ${name}`).toEqual(records(table));
  expect(Object.keys(actual.componentTensors).sort()).toEqual(
    Object.keys(expected.componentTensors).sort(),
  );
  for (const [name, tensor] of Object.entries(expected.componentTensors)) {
    const got = actual.componentTensors[name]!;
    expect(got.axes, name).toEqual(tensor.axes);
    expect(got.shape, name).toEqual(tensor.shape);
    expect(Array.from(got.data as Float64Array), name).toEqual(
      Array.from(tensor.data as Float64Array),
    );
  }
}

describe("the EEGLAB epochs round trip", async () => {
  const dir = scratchDirectory("tt-round-trip-");
  const datasetDir = join(dir, "eeg");
  const resultDir = join(dir, "eeg-pca");
  const tensor = await eegTensor();
  await writeDataset(datasetDir, tensor, { axisIndexColumns: EEG_INDEX_COLUMNS });
  const dataset = await openDataset(datasetDir);
  const view = dataset.query("epoch", QUERY);
  const result = await decompose(view, "pca", { rank: 5 });
  await writeResult(resultDir, result);
  const reopened = await openResult(resultDir);

  it("opens the bundle as a queryable dataset with the fixture's shape and ids", () => {
    expect(dataset.shape).toEqual([80, 384, 32]);
    expect(dataset.location).toBe(datasetDir);
    expect(view.shape).toEqual([40, 384, 32]);
    const lock = tensor.axisMeta.epoch!.column("lock_position").values as ArrayLike<number>;
    const ids = tensor.axisMeta.epoch!.column("id").values as string[];
    expect(Array.from(view.ids("epoch")!)).toEqual(ids.filter((_, i) => Number(lock[i]) === 1));
  });

  it("decomposes the view: the same numbers as the method run directly, keyed by its ids", async () => {
    const direct = await pca.fit(view, pca.validate({ rank: 5 }), {
      seed: 0,
      signal: undefined,
      onProgress() {},
    });
    expect(result.method).toBe("pca");
    expect(result.config).toEqual(pca.validate({ rank: 5 }));
    expect(records(result.factorTables.instance)).toEqual(records(direct.factorTables.instance));
    expect(result.diagnostics).toEqual(direct.diagnostics);
    expect(
      Array.from(result.factorTables.instance!.column("instance_id").values as string[]),
    ).toEqual(Array.from(view.ids("epoch")!));
    expect(result.componentTensors.components!.shape).toEqual([5, 384, 32]);
  });

  it("records attrs and the input reference", () => {
    const { attrs, inputRef } = result;
    expect(attrs.library_version).toBe(VERSION);
    expect(attrs.method_version).toBe(pca.version);
    expect(attrs.seed).toBe(0);
    expect(typeof attrs.duration_ms).toBe("number");
    expect(attrs.duration_ms as number).toBeGreaterThanOrEqual(0);
    expect(new Date(attrs.created_at as string).toISOString()).toBe(attrs.created_at);
    expect(inputRef.dataset?.location).toBe(datasetDir);
    expect(inputRef.n_instances).toBe(40);
    expect(inputRef.selectors).toEqual(view.toJSON().selectors);
  });

  it("reads back exactly what was written", () => {
    expectSameResult(reopened, result);
  });

  it("joins the scores onto the dataset so scores and labels are queried together", () => {
    const joined = joinResult(dataset, reopened, { prefix: "pca_" });
    const picked = joined.query("epoch", "pca_score_1 > 0 and rt_ms > 400");
    // Directly: the epochs of the result with a positive first score, and their reaction times.
    const scores = new Map(
      reopened.factorTables
        .instance!.toRecords()
        .map((row) => [row.instance_id, row.score_1 as number]),
    );
    const expected = tensor.axisMeta
      .epoch!.toRecords()
      .filter(
        (row) => (scores.get(row.id) ?? 0) > 0 && row.rt_ms !== null && (row.rt_ms as number) > 400,
      )
      .map((row) => row.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(40);
    expect(Array.from(picked.ids("epoch")!)).toEqual(expected);
    // The joined columns sit next to the labels; epochs outside the view have no score.
    const meta = picked.meta("epoch");
    expect(meta.columnNames).toEqual(
      expect.arrayContaining(["lock_position", "rt_ms", "pca_score_1"]),
    );
    expect(joined.query("epoch", "pca_score_1.isnull()").shape[0]).toBe(40);
  });

  it("joins onto the view too, and its selection stays the same", () => {
    const joined = joinResult(view, reopened);
    expect(Array.from(joined.ids("epoch")!)).toEqual(Array.from(view.ids("epoch")!));
    const below = joined.query("epoch", "score_2 < 0");
    const direct = reopened.factorTables
      .instance!.toRecords()
      .filter((row) => (row.score_2 as number) < 0);
    expect(Array.from(below.ids("epoch")!)).toEqual(direct.map((row) => row.instance_id));
  });

  it("reopens the input: the same instances, in the same order", async () => {
    const input = await reopenInput(reopened);
    expect(Array.from(input.ids("epoch")!)).toEqual(Array.from(view.ids("epoch")!));
    expect(input.shape).toEqual(view.shape);
  });

  it("refuses to reopen the input after an append changed the dataset", async () => {
    const slab = tensor.data.subarray(0, 384 * 32);
    await appendDataset(datasetDir, [
      {
        data: slab,
        meta: MetaTable.fromColumns({ id: columnFromCells("string", ["ep81"]) }),
      },
    ]);
    expect((await openDataset(datasetDir)).shape).toEqual([81, 384, 32]);
    const error = await reopenInput(reopened).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "input-changed"), String(error)).toBe(true);
  });
});
