import { describe, expect, it } from "vitest";
import {
  buildIdIndex,
  columnFromCells,
  columnFromIndex,
  isTensorToolsError,
  lookupId,
} from "../src/index.js";

describe("columnFromIndex", () => {
  it("keeps strings, makes integers int32 or int64 and other numbers float64", () => {
    expect(columnFromIndex(["a", "b"], "ids")).toMatchObject({
      type: "string",
      values: ["a", "b"],
    });
    expect(columnFromIndex([1, 2], "ids").type).toBe("int32");
    expect(columnFromIndex(Int32Array.of(4, 5), "ids").values).toEqual(Int32Array.of(4, 5));
    expect(columnFromIndex([1, 2 ** 40], "ids").values).toEqual(BigInt64Array.of(1n, 2n ** 40n));
    expect(columnFromIndex([3n, 4n], "ids").type).toBe("int64");
    expect(columnFromIndex(Float64Array.of(-0.5, 0.5), "ids").type).toBe("float64");
    expect(columnFromIndex([0.5, 1], "ids").values).toEqual(Float64Array.of(0.5, 1));
  });

  it("refuses mixed kinds, naming where", () => {
    expect(() => columnFromIndex(["a", 1], "axis 'x' ids")).toThrow(
      "axis 'x' ids: ids must be all strings, all integers or (after the first axis) all numbers",
    );
  });
});

describe("buildIdIndex and lookupId", () => {
  it("find each id's row, numbers and bigints alike", () => {
    const index = buildIdIndex(columnFromCells("int64", [7n, 9n]), "id");
    expect(lookupId(index, 9)).toBe(1);
    expect(lookupId(index, 7n)).toBe(0);
    expect(lookupId(index, "7")).toBeUndefined();
    expect(lookupId(buildIdIndex(columnFromCells("int32", [3]), "id"), 3n)).toBe(0);
  });

  it("take float coordinates only when asked, finite and unique", () => {
    const times = columnFromCells("float64", [0, 0.5]);
    expect(buildIdIndex(times, "t", true).get(0.5)).toBe(1);
    expect(() => buildIdIndex(times, "t")).toThrow(
      "t: is float64; an id column must be string, int32 or int64",
    );
    expect(() => buildIdIndex(columnFromCells("float64", [0, Number.NaN]), "t", true)).toThrow(
      "t row 1: is NaN; coordinates must be finite",
    );
  });

  it("refuse null and repeated ids with a DataError naming the row", () => {
    const error = (() => {
      try {
        buildIdIndex(columnFromCells("string", ["a", "b", "a"]), "column 'id'");
      } catch (caught) {
        return caught;
      }
    })();
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toBe(
      "column 'id' row 2: repeats id \"a\" of row 0; ids must be unique",
    );
    expect(() => buildIdIndex(columnFromCells("string", ["a", null]), "id")).toThrow(
      "id row 1: is null; every id must be present",
    );
  });
});
