/** Bad input to the delayed operations: one test per failure mode, the error's class and words. */

import {
  ConfigError,
  createTensor,
  InvalidSelectionError,
  NotFoundError,
  type TensorView,
} from "@tt/schema";
import { describe, expect, it } from "vitest";
import { datasetFromTensor, viewFromJSON } from "../../src/index.js";
import { positionalTensor } from "./fixture.js";

const dataset = datasetFromTensor(positionalTensor(4, 6, 3), {
  axisIndexColumns: { sample: "sample_index" },
});

describe("delayed operations refuse bad input", () => {
  it.each<[string, () => TensorView, new (...args: never[]) => Error, RegExp]>([
    [
      "an unknown axis",
      () => dataset.divide([1, 2], { axis: "time" }),
      NotFoundError,
      /no axis 'time'; axes are instance, sample, channel/,
    ],
    [
      "values that do not match the axis",
      () => dataset.divide([1, 2, 3], { axis: "sample" }),
      InvalidSelectionError,
      /divide: 3 values for the view's 6 elements of 'sample'; give one per element/,
    ],
    [
      "values that do not match the axis after a selection",
      () => dataset.slice("sample", 0, 2).multiply([1, 2, 3], { axis: "sample" }),
      InvalidSelectionError,
      /3 values for the view's 2 elements/,
    ],
    [
      "values without an axis",
      () => dataset.add([1, 2, 3]),
      ConfigError,
      /config 'add.axis': 3 values need the axis they run along/,
    ],
    [
      "a number with an axis",
      () => dataset.subtract(2, { axis: "sample" }),
      ConfigError,
      /a single number applies to every element/,
    ],
    [
      "a NaN operand",
      () => dataset.divide(Number.NaN),
      ConfigError,
      /config 'divide': must be a finite number, got NaN \(a view is recorded as JSON/,
    ],
    [
      "an infinite value in a vector",
      () => dataset.multiply([1, Number.POSITIVE_INFINITY, 1], { axis: "channel" }),
      ConfigError,
      /config 'multiply\[1\]': must be a finite number, got Infinity/,
    ],
    [
      "an operand that is not a number",
      () => dataset.add("2" as never),
      ConfigError,
      /must be a number or an array of numbers, got string/,
    ],
    [
      "a mean range beyond the axis",
      () => dataset.subtractMean("sample", { start: 2, stop: 7 }),
      InvalidSelectionError,
      /subtractMean: range 2:7 does not fit the view's 6 elements of 'sample'/,
    ],
    [
      "a mean range beyond the axis after a slice",
      () => dataset.slice("sample", 0, 3).subtractMean("sample", { start: 0, stop: 4 }),
      InvalidSelectionError,
      /range 0:4 does not fit the view's 3 elements/,
    ],
    [
      "an empty mean range",
      () => dataset.subtractMean("sample", { start: 3, stop: 3 }),
      InvalidSelectionError,
      /range 3:3 is empty; the mean needs at least one element/,
    ],
    [
      "a mean over an empty axis",
      () => dataset.slice("channel", 0, 0).subtractMean("channel"),
      InvalidSelectionError,
      /range 0:0 is empty/,
    ],
    [
      "a mean over the first axis",
      () => dataset.subtractMean("instance"),
      InvalidSelectionError,
      /works within each element of the first axis 'instance'/,
    ],
    [
      "a reference element that is not on the axis",
      () => dataset.subtractElement("channel", "Oz"),
      InvalidSelectionError,
      /subtractElement: no element with id "Oz" in the view's 'channel'/,
    ],
    [
      "a reference element selected away",
      () => dataset.filter("channel", ["Fz", "Pz"]).subtractElement("channel", "Cz"),
      InvalidSelectionError,
      /no element with id "Cz"/,
    ],
    [
      "a reference element on the first axis",
      () => dataset.subtractElement("instance", "e0"),
      InvalidSelectionError,
      /first axis 'instance'/,
    ],
    [
      "a linear map on the first axis",
      () => dataset.linearMap("instance", [[1]]),
      InvalidSelectionError,
      /linearMap works within each element of the first axis 'instance'/,
    ],
    [
      "a linear map with too few rows",
      () => dataset.linearMap("channel", [[1, 0, 0]]),
      InvalidSelectionError,
      /linearMap: the matrix needs 3 rows of 3 values for the view's 3 elements of 'channel', got 1 rows/,
    ],
    [
      "a linear map that is not square",
      () =>
        dataset.linearMap("channel", [
          [1, 0, 0],
          [0, 1],
          [0, 0, 1],
        ]),
      InvalidSelectionError,
      /linearMap: row 1 of the matrix has 2 values; each row needs 3 \(the matrix is square\)/,
    ],
    [
      "a linear map with a NaN",
      () =>
        dataset.linearMap("channel", [
          [1, 0, 0],
          [0, Number.NaN, 0],
          [0, 0, 1],
        ]),
      ConfigError,
      /'linearMap\.matrix\[1\]\[1\]': must be a finite number, got NaN/,
    ],
    [
      "a linear map's offset of the wrong length",
      () =>
        dataset.linearMap(
          "channel",
          [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ],
          { offset: [1, 2] },
        ),
      InvalidSelectionError,
      /linearMap: offset needs one value per element of 'channel' \(3\), got 2/,
    ],
  ])("%s", (_label, make, type, message) => {
    expect(make).toThrow(type);
    expect(make).toThrow(message);
  });

  it("an element of an axis without ids cannot be named", () => {
    const plain = datasetFromTensor(
      createTensor({ data: new Float64Array(6), shape: [2, 3], axes: ["instance", "feature"] }),
    );
    expect(() => plain.subtractElement("feature", 1)).toThrow(
      /selection on axis 'feature': has no id column/,
    );
  });

  it("JSON that is valid but does not fit the dataset fails as the verb would", () => {
    expect(() =>
      viewFromJSON(dataset, { selectors: [{ op: "divide", axis: "sample", values: [1, 2] }] }),
    ).toThrow(/2 values for the view's 6 elements of 'sample'/);
    expect(() =>
      viewFromJSON(dataset, { selectors: [{ op: "subtract_element", axis: "channel", id: "T7" }] }),
    ).toThrow(/no element with id "T7"/);
    expect(() => viewFromJSON(dataset, { selectors: [{ op: "sqrt", axis: "sample" }] })).toThrow(
      /selectors\[0\]: sqrt takes no fields; unknown field axis/,
    );
  });

  it("values outside a function's domain become NaN (log1p(-1) is -Infinity), as numpy", async () => {
    const data = Float64Array.of(-2, -1, -0.5, 0, 3);
    const line = datasetFromTensor(createTensor({ data, shape: [1, 5], axes: ["i", "x"] }));
    expect(Array.from((await line.log1p().materialize()).data as Float64Array)).toEqual(
      Array.from(data, Math.log1p),
    );
    expect(Array.from((await line.sqrt().materialize()).data as Float64Array)).toEqual([
      Number.NaN,
      Number.NaN,
      Number.NaN,
      0,
      Math.sqrt(3),
    ]);
    // Division by zero is IEEE's, as numpy's: infinities and NaN, no error.
    expect(Array.from((await line.divide(0).materialize()).data as Float64Array)).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]);
  });
});
