import { createDataset } from "@tt/query";
import { columnFromCells, MetaTable } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { openHdf5Array, openHdf5Sparse, storedDatasetOf } from "../src/index.js";
import { fixture } from "./fixtures.js";
import { expectedSparse, numbers, sparseFixture } from "./sparse-helpers.js";

// storedDatasetOf: one stored array (sparse or dense HDF5) and per-axis metadata as a dataset.
const h5ad = sparseFixture("anndata.h5ad");
const cells = () =>
  MetaTable.fromColumns({
    cell: columnFromCells(
      "string",
      Array.from({ length: 9 }, (_, i) => `c${i}`),
    ),
    batch: columnFromCells(
      "string",
      Array.from({ length: 9 }, (_, i) => (i < 5 ? "a" : "b")),
    ),
  });

describe("storedDatasetOf", () => {
  it("keys the first axis by an id column, and numbers it without one", async () => {
    const X = await openHdf5Sparse(h5ad, "/X", {
      compressed: "rows",
      dimensionNames: ["cell", "gene"],
    });
    const keyed = storedDatasetOf(X, {
      axisMeta: { cell: cells() },
      axisIndexColumns: { cell: "cell" },
    });
    expect(keyed.location).toBeUndefined();
    expect(keyed.manifest).toMatchObject({
      shape: [9, 6],
      dtype: "float32",
      axes: ["cell", "gene"],
    });
    expect(keyed.indexOf("cell", "c7")).toBe(7);
    expect(keyed.getInstance("c2")?.meta).toMatchObject({ cell: "c2", batch: "a" });
    const numbered = storedDatasetOf(X);
    expect(numbered.axisIndexColumns).toEqual({ cell: "cell_id" });
    expect([...(numbered.ids("cell") as unknown as Int32Array)]).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(numbered.ids("gene")).toBeUndefined();
    const view = createDataset(keyed).query("cell", "batch == 'b'");
    const values = expectedSparse.matrices.find((m) => m.group === "/X")!.values;
    expect(numbers((await view.materialize()).data)).toEqual(values.slice(5 * 6));
    X.close();
  });

  it("wraps a dense HDF5 dataset as well", async () => {
    const array = await openHdf5Array(fixture("datasets.h5"), "/labelled");
    const dataset = createDataset(storedDatasetOf(array));
    expect(dataset.axes).toEqual(["instance", "sample", "channel"]);
    expect(numbers((await dataset.slice("instance", 1, 2).materialize()).data)).toHaveLength(12);
    array.close();
  });

  it("refuses metadata that does not fit the array, naming the axis", async () => {
    const X = await openHdf5Sparse(h5ad, "/X", {
      compressed: "rows",
      dimensionNames: ["cell", "gene"],
    });
    const short = MetaTable.fromRecords([{ cell: "c0" }]);
    expect(() => storedDatasetOf(X, { axisMeta: { cell: short } })).toThrow(
      expect.objectContaining({ tag: "data", where: "axisMeta.cell" }),
    );
    expect(() => storedDatasetOf(X, { axisIndexColumns: { cell: "barcode" } })).toThrow(
      expect.objectContaining({ tag: "data", where: "axisIndexColumns.cell" }),
    );
    expect(() => storedDatasetOf(X, { axisMeta: { sample: cells() } })).toThrow(/sample/);
    const repeated = MetaTable.fromRecords(Array.from({ length: 9 }, () => ({ cell: "same" })));
    expect(() =>
      storedDatasetOf(X, { axisMeta: { cell: repeated }, axisIndexColumns: { cell: "cell" } }),
    ).toThrow(expect.objectContaining({ tag: "data" }));
    X.close();
  });
});
