import { describe, expect, it } from "vitest";
import { InvalidSelectionError, isTransformSelector, validateSelectors } from "../src/index.js";

describe("validateSelectors with delayed operations", () => {
  it("accepts every operation beside selections and survives a JSON round trip", () => {
    const selectors = [
      { op: "slice", axis: "sample", start: 0, stop: 500 },
      { op: "divide", axis: "sample", values: [1, 2.5, 0.25] },
      { op: "add", value: -3 },
      { op: "subtract", value: 0.5 },
      { op: "multiply", axis: "channel", values: [] },
      { op: "log1p" },
      { op: "sqrt" },
      { op: "abs" },
      { op: "subtract_mean", axis: "sample", start: 0, stop: 100 },
      { op: "subtract_element", axis: "channel", id: "Cz" },
      { op: "subtract_element", axis: "channel", id: 7 },
      {
        op: "linear_map",
        axis: "channel",
        matrix: [
          [1, -1],
          [0, 1],
        ],
      },
      { op: "linear_map", axis: "channel", matrix: [[2]], offset: [0.5] },
    ];
    const checked = validateSelectors(JSON.parse(JSON.stringify(selectors)));
    expect(checked).toEqual(selectors);
    expect(checked.map(isTransformSelector)).toEqual([
      false,
      ...selectors.slice(1).map(() => true),
    ]);
  });

  it.each([
    [
      "arithmetic without an operand",
      [{ op: "divide" }],
      /selectors\[0\]: divide needs value \(a number\) or axis and values/,
    ],
    [
      "a scalar with an axis",
      [{ op: "add", value: 1, axis: "sample" }],
      /selectors\[0\]: add takes value; unknown field axis/,
    ],
    [
      "a non-finite scalar",
      [{ op: "multiply", value: null }],
      /selectors\[0\]\.value: must be a finite number, got null/,
    ],
    ["values without an axis", [{ op: "divide", values: [1] }], /selectors\[0\]\.axis: is missing/],
    [
      "a value that is not a number",
      [{ op: "divide", axis: "sample", values: [1, "2"] }],
      /selectors\[0\]\.values\[1\]: must be a finite number/,
    ],
    [
      "values that are not an array",
      [{ op: "divide", axis: "sample", values: 2 }],
      /selectors\[0\]\.values: must be an array of finite numbers/,
    ],
    [
      "a linear map that is not square",
      [{ op: "linear_map", axis: "channel", matrix: [[1, 0], [0]] }],
      /selectors\[0\]\.matrix\[1\]: must be a row of 2 numbers \(the matrix is square\)/,
    ],
    [
      "a linear map with a value that is not a number",
      [
        {
          op: "linear_map",
          axis: "channel",
          matrix: [
            [1, "0"],
            [0, 1],
          ],
        },
      ],
      /selectors\[0\]\.matrix\[0\]\[1\]: must be a finite number/,
    ],
    [
      "a linear map without a matrix",
      [{ op: "linear_map", axis: "channel" }],
      /selectors\[0\]\.matrix: is missing/,
    ],
    [
      "a linear map's offset of the wrong length",
      [{ op: "linear_map", axis: "channel", matrix: [[1]], offset: [1, 2] }],
      /selectors\[0\]\.offset: must be an array of 1 finite numbers/,
    ],
    [
      "an empty axis name",
      [{ op: "divide", axis: "", values: [1] }],
      /selectors\[0\]\.axis: must be a non-empty string/,
    ],
    [
      "a function with a field",
      [{ op: "log1p", base: 10 }],
      /selectors\[0\]: log1p takes no fields; unknown field base/,
    ],
    [
      "an empty mean range",
      [{ op: "subtract_mean", axis: "sample", start: 4, stop: 4 }],
      /selectors\[0\]\.stop: 4 must be after start 4/,
    ],
    [
      "a negative mean start",
      [{ op: "subtract_mean", axis: "sample", start: -1, stop: 4 }],
      /selectors\[0\]\.start: must be a non-negative integer/,
    ],
    [
      "a mean without a range",
      [{ op: "subtract_mean", axis: "sample" }],
      /selectors\[0\]\.start: is missing/,
    ],
    [
      "an element without an id",
      [{ op: "subtract_element", axis: "channel" }],
      /selectors\[0\]\.id: is missing/,
    ],
    [
      "an element id that is an object",
      [{ op: "subtract_element", axis: "channel", id: {} }],
      /selectors\[0\]\.id: must be a string or a finite number/,
    ],
    [
      "an unknown op, listing the operations",
      [{ op: "log", axis: "x" }],
      /op must be one of query, filter, slice, take, add, subtract, multiply, divide, log1p, sqrt, abs, subtract_mean, subtract_element/,
    ],
  ])("rejects %s, naming the field", (_label, value, message) => {
    expect(() => validateSelectors(value)).toThrow(InvalidSelectionError);
    expect(() => validateSelectors(value)).toThrow(message);
  });

  it("names the selector's axis in the error when it has one", () => {
    try {
      validateSelectors([
        { op: "slice", axis: "sample", start: 0, stop: 1 },
        { op: "divide", axis: "channel", values: [Number.NaN] },
      ]);
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidSelectionError).axis).toBe("channel");
      expect((error as Error).message).toMatch(/selectors\[1\]\.values\[0\]/);
    }
  });
});
