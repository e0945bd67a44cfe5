/** The example of src/index.ts and the README, run as written. */

import { columnFromCells, MetaTable } from "@tt/schema";
import { expect, it } from "vitest";
import { fromArrow, fromArrowIPC, toArrow, toArrowIPC } from "../src/index.js";

it("runs the module example", () => {
  const scores = MetaTable.fromColumns({
    instance_id: columnFromCells("string", ["e1", "e2", "e3"]),
    score_1: columnFromCells("float64", [0.5, null, -1.25]),
  });
  const arrow = toArrow(scores);
  const bytes = toArrowIPC(scores);
  expect(fromArrowIPC(bytes).toRecords()).toEqual([
    { instance_id: "e1", score_1: 0.5 },
    { instance_id: "e2", score_1: null },
    { instance_id: "e3", score_1: -1.25 },
  ]);
  expect(fromArrow(arrow).schema).toEqual([
    { name: "instance_id", type: "string" },
    { name: "score_1", type: "float64" },
  ]);
  expect(arrow.getChild("score_1")!.data[0]!.values).toBe(scores.column("score_1").values);
});
