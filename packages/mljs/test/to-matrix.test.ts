/** toMatrix on tables, results and views: values, order, and one test per failure mode. */

import {
  columnFromCells,
  columnFromValues,
  createTensor,
  isTensorToolsError,
  MetaTable,
} from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { toMatrix } from "../src/index.js";

const table = MetaTable.fromColumns({
  instance_id: columnFromCells("string", ["a", "b", "c"]),
  score_1: columnFromValues("float64", Float64Array.from([0.5, -1.25, 3])),
  score_2: columnFromValues("float32", Float32Array.from([1.5, 2.5, -0.5])),
  count: columnFromValues("int32", Int32Array.from([7, 8, 9])),
  big: columnFromValues("int64", BigInt64Array.from([1n, -2n, 2n ** 53n - 1n])),
  label: columnFromCells("string", ["x", "y", "z"]),
  gap: columnFromCells("float64", [1, null, 3]),
  huge: columnFromCells("int64", [1n, 2n ** 60n, 3n]),
});

function caught(run: () => unknown): Error & { field?: string; where?: string } {
  try {
    run();
  } catch (error) {
    return error as Error & { field?: string; where?: string };
  }
  throw new Error("expected an error");
}

describe("toMatrix", () => {
  it("copies the named numeric columns, in the order given, one row per table row", () => {
    const matrix = toMatrix(table, ["score_2", "score_1", "count", "big"]);
    expect([matrix.rows, matrix.columns]).toEqual([3, 4]);
    expect(matrix.to2DArray()).toEqual([
      [1.5, 0.5, 7, 1],
      [2.5, -1.25, 8, -2],
      [-0.5, 3, 9, 2 ** 53 - 1],
    ]);
  });

  it("reads a result's instance table and a view's first-axis metadata", () => {
    expect(toMatrix({ factorTables: { instance: table } }, ["score_1"]).to1DArray()).toEqual([
      0.5, -1.25, 3,
    ]);
    const view = viewFromTensor(
      createTensor({
        data: new Float64Array(6),
        shape: [3, 2],
        axes: ["instance", "feature"],
        axisMeta: { instance: table },
      }),
      { instance: "instance_id" },
    );
    expect(toMatrix(view, ["count", "score_1"]).to2DArray()).toEqual([
      [7, 0.5],
      [8, -1.25],
      [9, 3],
    ]);
  });

  it("reads nulls as NaN only when asked", () => {
    expect(toMatrix(table, ["gap"], { nulls: "nan" }).to1DArray()).toEqual([1, Number.NaN, 3]);
  });

  it("rejects a null with a data error naming the column, the row and its id", () => {
    const error = caught(() => toMatrix(table, ["score_1", "gap"]));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.where).toBe("the table column 'gap' row 1 (id b)");
    expect(error.message).toContain("is null (1 null row in this column)");
    expect(error.message).toContain('{ nulls: "nan" }');
  });

  it("rejects a missing column with a config error listing the columns", () => {
    const error = caught(() => toMatrix(table, ["score_1", "score_3"]));
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(error.field).toBe("columns");
    expect(error.message).toContain(
      "the table has no column 'score_3'; its columns are instance_id, score_1",
    );
  });

  it("rejects a non-numeric column with a data error naming it and its type", () => {
    const error = caught(() => toMatrix(table, ["label"]));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toContain("the table column 'label': is string, not numeric");
  });

  it("rejects an int64 beyond 2^53 instead of rounding it", () => {
    const error = caught(() => toMatrix(table, ["huge"]));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toContain("column 'huge' row 1 (id b): 1152921504606846976 does not fit");
  });

  it.each([
    [[], "columns", "must name at least one column of the table"],
    ["score_1", "columns", 'must be a list of column names such as ["score_1", "score_2"]'],
  ])("rejects columns %j with a config error", (columns, field, message) => {
    const error = caught(() => toMatrix(table, columns as never));
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it("rejects a source that is none of the three, a result without an instance table, and a bad null policy", () => {
    expect(caught(() => toMatrix(null as never, ["a"])).message).toContain(
      "must be a MetaTable, a decomposition result or a view, got null",
    );
    expect(caught(() => toMatrix({ factorTables: { component: table } }, ["a"])).message).toContain(
      "the result has no 'instance' factor table (it has component)",
    );
    const error = caught(() => toMatrix(table, ["score_1"], { nulls: "zero" as never }));
    expect(error.field).toBe("nulls");
  });

  it("points a view without columns to readMatrix", () => {
    const view = viewFromTensor(
      createTensor({ data: new Float64Array(4), shape: [2, 2], axes: ["instance", "feature"] }),
    );
    const error = caught(() => toMatrix(view, undefined as never));
    expect(error.field).toBe("columns");
    expect(error.message).toContain("await readMatrix(view)");
  });
});
