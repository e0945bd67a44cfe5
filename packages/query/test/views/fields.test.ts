/**
 * `view.field(name)`: any chain of selections of the first axis, then the field, equals direct
 * indexing of the field's values at the instances the chain picked; selections of other axes
 * stay with the field they were made on; the JSON form replays.
 */

import {
  columnFromCells,
  createTensor,
  isTensorToolsError,
  MetaTable,
  type StoredDataset,
  type TensorView,
} from "@tt/schema";
import { describe, expect, it } from "vitest";
import { createDataset, datasetFromTensor, viewFromJSON } from "../../src/index.js";

const N = 12;
const ids = Array.from({ length: N }, (_, i) => `e${i}`);
const data = createTensor({
  data: Float64Array.from({ length: N * 4 }, (_, k) => k),
  shape: [N, 4],
  axes: ["event", "sample"],
  axisIndex: { event: ids },
  axisMeta: {
    event: MetaTable.fromColumns({
      score: columnFromCells(
        "float64",
        ids.map((_, i) => (i * 7) % 5),
      ),
    }),
  },
});
const spectra = createTensor({
  data: Float64Array.from({ length: N * 3 * 2 }, (_, k) => 1000 + k),
  shape: [N, 3, 2],
  axes: ["event", "freq", "time"],
  axisIndex: { event: ids },
});

/** A dataset of two fields held in memory, as a bundle with a field opens. */
function twoFields(): StoredDataset {
  const fields = ["data", "spectra"];
  const own = datasetFromTensor(spectra);
  const base = datasetFromTensor(data);
  const spectraStored: StoredDataset = {
    ...own,
    meta: (axis: string) => (axis === "event" ? base.meta(axis) : own.meta(axis)),
    fieldName: "spectra",
    fields,
    fieldDataset: (name: string) => (name === "data" ? stored : spectraStored),
  };
  const stored: StoredDataset = {
    ...base,
    fields,
    fieldDataset: (name: string) => (name === "data" ? stored : spectraStored),
  };
  return stored;
}

/** A small deterministic generator, so that a failure names its seed. */
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

/** A random chain of selections (of both axes), with the stored events it keeps. */
function chain(view: TensorView, pick: (n: number) => number): TensorView {
  let current = view;
  for (let step = pick(4); step >= 0; step--) {
    const n = current.shape[0]!;
    const kind = pick(4);
    if (kind === 0 && n > 1) current = current.slice("event", pick(n), n);
    else if (kind === 1) current = current.query("event", `score >= ${pick(4)}`);
    else if (kind === 2 && n > 0)
      current = current.take(
        "event",
        Array.from({ length: pick(n) + 1 }, () => pick(n)),
      );
    else current = current.slice("sample", pick(2), 4);
  }
  return current;
}

describe("view.field", () => {
  it("keeps the instances of any chain of selections, in order", async () => {
    const dataset = createDataset(twoFields());
    for (let seed = 1; seed <= 60; seed++) {
      const view = chain(dataset, random(seed));
      const field = view.field("spectra");
      const events = (view.ids("event") as string[]).map((id) => ids.indexOf(id));
      expect(field.ids("event"), `seed ${seed}`).toEqual(view.ids("event"));
      expect(field.shape, `seed ${seed}`).toEqual([events.length, 3, 2]);
      const expected = events.flatMap((e) => Array.from({ length: 6 }, (_, k) => 1000 + e * 6 + k));
      expect(Array.from((await field.materialize()).data as Float64Array), `seed ${seed}`).toEqual(
        expected,
      );
      const again = viewFromJSON(dataset, JSON.parse(JSON.stringify(field.toJSON())));
      expect(again.ids("event"), `seed ${seed} replayed`).toEqual(field.ids("event"));
      expect(again.fieldName).toBe("spectra");
      expect(field.field("data").ids("event"), `seed ${seed} back`).toEqual(view.ids("event"));
    }
  });

  it("is the view itself for its own field, and refuses unknown fields and delayed operations", () => {
    const dataset = createDataset(twoFields());
    const view = dataset.slice("sample", 1, 3);
    expect(view.field("data")).toBe(view);
    expect(() => view.field("nope")).toThrow(/has no field 'nope'; its fields are data, spectra/);
    let error: unknown;
    try {
      dataset.add(1).field("spectra");
    } catch (caught) {
      error = caught;
    }
    expect(isTensorToolsError(error, "selection")).toBe(true);
    expect((error as Error).message).toMatch(/delayed operations.*select the field first/);
    expect(() => datasetFromTensor(data).field("spectra")).toThrow(/its fields are data/);
  });
});
