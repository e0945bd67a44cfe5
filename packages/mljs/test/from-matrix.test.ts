/** fromMatrix: tables keyed by ids, id column types, int32 labels, and the failure modes. */

import { isTensorToolsError } from "@tt/schema";
import { Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { fromMatrix, toMatrix } from "../src/index.js";

const matrix = new Matrix([
  [1, 2.5],
  [3, -4],
]);

function caught(run: () => unknown): Error & { field?: string } {
  try {
    run();
  } catch (error) {
    return error as Error & { field?: string };
  }
  throw new Error("expected an error");
}

describe("fromMatrix", () => {
  it("keys the rows by the ids given, id column first, float64 columns named in order", () => {
    const table = fromMatrix(matrix, { ids: ["a", "b"], columns: ["x", "y"] });
    expect(table.schema).toEqual([
      { name: "instance_id", type: "string" },
      { name: "x", type: "float64" },
      { name: "y", type: "float64" },
    ]);
    expect(table.toRecords()).toEqual([
      { instance_id: "a", x: 1, y: 2.5 },
      { instance_id: "b", x: 3, y: -4 },
    ]);
  });

  it("round-trips through toMatrix", () => {
    const table = fromMatrix(matrix, { ids: ["a", "b"] });
    expect(table.columnNames).toEqual(["instance_id", "column_1", "column_2"]);
    expect(toMatrix(table, ["column_1", "column_2"]).to2DArray()).toEqual(matrix.to2DArray());
  });

  it("types the id column after the ids: int32, int64, float64", () => {
    const typeOf = (ids: never) => fromMatrix(matrix, { ids, idColumn: "id" }).schema[0];
    expect(typeOf([4, 5] as never)).toEqual({ name: "id", type: "int32" });
    expect(typeOf(BigInt64Array.from([4n, 5n]) as never)).toEqual({ name: "id", type: "int64" });
    expect(typeOf([4n, 5n] as never)).toEqual({ name: "id", type: "int64" });
    expect(typeOf(Float64Array.from([0.5, 1]) as never)).toEqual({ name: "id", type: "float64" });
  });

  it("writes int32 labels, and rejects a value that is not one", () => {
    const labels = Matrix.columnVector([1, 2]);
    const table = fromMatrix(labels, { ids: ["a", "b"], columns: ["cluster"], type: "int32" });
    expect(table.column("cluster").values).toEqual(Int32Array.from([1, 2]));
    const error = caught(() => fromMatrix(matrix, { ids: ["a", "b"], type: "int32" }));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      'matrix row 0 column 1: is 2.5, not an int32; pass type "float64" for such values',
    );
  });

  it.each([
    [{ ids: ["a"] }, "ids", "has 1 ids for a matrix of 2 rows"],
    [{ ids: ["a", "a"] }, "ids", "repeats id a (rows 0 and 1)"],
    [{ ids: ["a", null] }, "ids", "has no id at row 1"],
    [{ ids: ["a", 1] }, "ids", "mixes string and number ids"],
    [{ ids: "ab" }, "ids", "must be an array of ids"],
    [{ ids: ["a", "b"], columns: ["x"] }, "columns", "has 1 names for a matrix of 2 columns"],
    [{ ids: ["a", "b"], columns: ["x", "x"] }, "columns", "names 'x' twice"],
    [{ ids: ["a", "b"], columns: ["instance_id", "x"] }, "columns", "names 'instance_id' twice"],
    [{ ids: ["a", "b"], type: "int64" }, "type", 'must be "float64" or "int32"'],
  ])("rejects %j with a config error", (options, field, message) => {
    const error = caught(() => fromMatrix(matrix, options as never));
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it("rejects something that is not a matrix", () => {
    const error = caught(() => fromMatrix([[1]] as never, { ids: ["a"] }));
    expect(error.field).toBe("matrix");
  });
});
