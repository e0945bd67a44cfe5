import { describe, expect, it } from "vitest";
import {
  gather,
  InvalidSelectionError,
  resolveSelection,
  validateSelectors,
} from "../src/index.js";

describe("gather", () => {
  // A 3 x 4 x 2 array whose element value encodes its position: 100*i + 10*j + k.
  const shape = [3, 4, 2];
  const data = Int32Array.from({ length: 24 }, (_, flat) => {
    const i = Math.floor(flat / 8);
    const j = Math.floor(flat / 2) % 4;
    const k = flat % 2;
    return 100 * i + 10 * j + k;
  });

  it("reads ranges, index lists in any order with repeats, and whole axes", () => {
    expect([...gather(data, shape, [[2, 0, 2], { start: 1, stop: 3 }, [1]])]).toEqual([
      211, 221, 11, 21, 211, 221,
    ]);
    expect([...gather(data, shape, [{ start: 1, stop: 2 }])]).toEqual([...data.subarray(8, 16)]);
    expect(gather(data, shape, [[]]).length).toBe(0);
    expect(gather(new BigInt64Array([1n, 2n]), [2], [[1]])[0]).toBe(2n);
  });

  it("rejects selections that do not fit, naming the axis", () => {
    const axes = ["instance", "sample", "channel"];
    expect(() => resolveSelection(shape, [[3]], axes)).toThrow(InvalidSelectionError);
    expect(() => resolveSelection(shape, [[3]], axes)).toThrow(
      /axis 'instance': index 3 at position 0 is outside 0..2/,
    );
    expect(() => resolveSelection(shape, [null, { start: 2, stop: 5 }], axes)).toThrow(
      /axis 'sample': range 2:5/,
    );
    expect(() => resolveSelection(shape, [null, null, [0.5]], axes)).toThrow(/index 0.5/);
    expect(() => resolveSelection(shape, [null, null, null, null], axes)).toThrow(
      /4 axis selections for an array of 3 axes/,
    );
  });
});

describe("validateSelectors", () => {
  it("accepts every selector form and survives a JSON round trip", () => {
    const selectors = [
      { op: "query", axis: "instance", expr: "label == 'target' and qc_pass" },
      { op: "filter", axis: "channel", ids: ["ch_a", "ch_b"] },
      { op: "filter", axis: "channel", mask: [true, false] },
      { op: "slice", axis: "sample", start: 100, stop: 900 },
      { op: "take", axis: "instance", indices: [3, 1, 2] },
    ];
    expect(validateSelectors(JSON.parse(JSON.stringify(selectors)))).toEqual(selectors);
  });

  it.each([
    ["not an array", { op: "slice" }, /must be an array/],
    [
      "an unknown op",
      [{ op: "drop", axis: "instance" }],
      /selectors\[0\]: op must be one of query, filter, slice, take/,
    ],
    ["a missing axis", [{ op: "query", expr: "x" }], /axis must be a non-empty string/],
    [
      "a slice that ends before it starts",
      [{ op: "slice", axis: "sample", start: 9, stop: 2 }],
      /stop 2 is before start 9/,
    ],
    [
      "negative indices",
      [{ op: "take", axis: "instance", indices: [-1] }],
      /non-negative integers/,
    ],
    [
      "a filter with both ids and mask",
      [{ op: "filter", axis: "c", ids: [], mask: [] }],
      /exactly one of ids or mask/,
    ],
  ])("rejects %s", (_label, value, message) => {
    expect(() => validateSelectors(value)).toThrow(InvalidSelectionError);
    expect(() => validateSelectors(value)).toThrow(message);
  });
});
