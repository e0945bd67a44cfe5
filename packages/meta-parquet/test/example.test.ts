/** The example of src/index.ts and the README, run as written. */

import { columnFromCells, MetaTable } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { expect, it } from "vitest";
import { parquetMetaIO, readParquetInfo } from "../src/index.js";

it("runs the module example", async () => {
  const table = MetaTable.fromColumns({
    instance_id: columnFromCells("string", ["e1", "e2", "e3"]),
    score: columnFromCells("float64", [0.5, null, 0.9]),
  });
  const store = createMemoryStore();
  await store.set("meta/instance.parquet", await parquetMetaIO.write(table, { axis: "instance" }));
  const scores = await parquetMetaIO.read(store, "meta/instance.parquet", {
    columns: ["score"],
    rowStart: 1,
  });
  const { axis, numRows } = await readParquetInfo(store, "meta/instance.parquet");
  expect(scores.toRecords()).toEqual([{ score: null }, { score: 0.9 }]);
  expect([axis, numRows]).toEqual(["instance", 3]);
});
