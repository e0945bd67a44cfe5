/**
 * Any view to a bundle (a query of a bundle, a joined view), keeping ids, every axis's metadata,
 * masks and attrs and recording where it came from; float coordinates on the axes after the first.
 */

import { join } from "node:path";
import { temporaryDirectory } from "@tt/test-fixtures";
import { afterAll, describe, expect, it } from "vitest";
import {
  columnFromCells,
  createTensor,
  decompose,
  joinResult,
  MetaTable,
  openDataset,
  writeDataset,
} from "../src/index.js";

const scratch = temporaryDirectory("tt-views-");
afterAll(scratch.cleanup);
const dir = scratch.path;

function tensor() {
  const n = 8;
  const data = Float32Array.from({ length: n * 5 * 2 }, (_, i) => Math.sin(i) + i / 50);
  const mask = new Uint8Array(data.length).fill(1);
  mask[7] = 0;
  return createTensor({
    data,
    shape: [n, 5, 2],
    axes: ["trial", "time", "electrode"],
    axisIndex: {
      trial: Array.from({ length: n }, (_, i) => `t${i}`),
      time: Float64Array.from([-0.1, -0.05, 0, 0.05, 0.1]),
      electrode: ["C3", "C4"],
    },
    axisMeta: {
      trial: MetaTable.fromColumns({
        kind: columnFromCells(
          "string",
          Array.from({ length: n }, (_, i) => (i % 2 ? "go" : "stop")),
        ),
      }),
    },
    mask,
    attrs: { sampling_rate_hz: 20 },
  });
}

describe("writeDataset of a view", () => {
  it("keeps the selection's ids, metadata of every axis, mask and attrs, and records its origin", async () => {
    await writeDataset(join(dir, "source"), tensor(), {
      axisIndexColumns: { trial: "trial_id", time: "time_s", electrode: "label" },
    });
    const dataset = await openDataset(join(dir, "source"));
    expect(dataset.ids("time")).toEqual(Float64Array.from([-0.1, -0.05, 0, 0.05, 0.1]));
    expect(dataset.attrs).toEqual({ sampling_rate_hz: 20 });
    const view = dataset
      .query("trial", "kind == 'go'")
      .slice("time", 1, 4)
      .filter("electrode", ["C4"]);
    expect(view.attrs).toEqual({ sampling_rate_hz: 20 });
    const manifest = await writeDataset(join(dir, "subset"), view);
    expect(manifest.derived_from).toMatchObject({
      location: dataset.location,
      selectors: [
        { op: "query", axis: "trial", expr: "kind == 'go'" },
        { op: "slice", axis: "time", start: 1, stop: 4 },
        { op: "filter", axis: "electrode", ids: ["C4"] },
      ],
    });
    const subset = await openDataset(join(dir, "subset"));
    expect(subset.shape).toEqual([4, 3, 1]);
    expect(subset.ids("trial")).toEqual(["t1", "t3", "t5", "t7"]);
    expect(subset.ids("time")).toEqual(Float64Array.from([-0.05, 0, 0.05]));
    expect(subset.ids("electrode")).toEqual(["C4"]);
    expect(subset.meta("trial").toRecords()).toEqual(view.meta("trial").toRecords());
    expect(subset.axisIndexColumns).toEqual(dataset.axisIndexColumns);
    const want = await view.materialize();
    expect([...(await subset.read([]))]).toEqual([...want.data]);
    expect([...(await subset.readMask([]))]).toEqual([...want.mask!]);
    expect(subset.attrs).toEqual({ sampling_rate_hz: 20 });
  });

  it("writes a view joined with a result's scores, which become ordinary columns", async () => {
    const dataset = await openDataset(join(dir, "source"));
    const view = dataset.filter("electrode", ["C3"]);
    const result = await decompose(view, "pca", { rank: 2, missing: "drop" });
    const joined = joinResult(dataset, result, { prefix: "pca_" });
    await writeDataset(join(dir, "scored"), joined);
    const scored = await openDataset(join(dir, "scored"));
    expect(scored.meta("trial").columnNames).toEqual(
      expect.arrayContaining(["pca_score_1", "pca_score_2"]),
    );
    expect(scored.query("trial", "pca_score_1 > 0").shape[0]).toBe(
      joined.query("trial", "pca_score_1 > 0").shape[0],
    );
  });

  it("refuses float ids on the first axis, and coordinates that repeat", async () => {
    const bad = createTensor({
      data: new Float32Array(4),
      shape: [2, 2],
      axes: ["event", "time"],
      axisIndex: { event: Float64Array.from([0.5, 1.5]) },
    });
    await expect(writeDataset(join(dir, "bad-ids"), bad)).rejects.toThrow(
      "is float64; an id column must be string, int32 or int64",
    );
    const repeated = createTensor({
      data: new Float32Array(4),
      shape: [2, 2],
      axes: ["event", "time"],
      axisIndex: { event: ["a", "b"], time: Float64Array.from([0.5, 0.5]) },
    });
    await expect(writeDataset(join(dir, "bad-times"), repeated)).rejects.toThrow(
      /repeats id "0.5" of row 0/,
    );
  });
});
