/** Colour scales: categories with a palette, "other" and "null"; numbers in gradient steps. */

import { columnFromCells } from "tensortools/browser";
import { describe, expect, it } from "vitest";
import {
  CATEGORY_PALETTE,
  colourScale,
  GRADIENT_STEPS,
  gradientColour,
  isCategorical,
  MAX_CATEGORIES,
  NULL_COLOUR,
  OTHER_COLOUR,
} from "../src/colour-scale.js";

describe("categorical colour scales", () => {
  it("give each category a palette colour, in natural order, and nulls grey", () => {
    const column = columnFromCells("string", ["b", "a10", null, "a2", "b"]);
    const scale = colourScale(column, 5);
    expect(scale.kind).toBe("categorical");
    expect(scale.groups.map((g) => g.label)).toEqual(["a2", "a10", "b", "null"]);
    expect(scale.groups.map((g) => g.colour)).toEqual([
      CATEGORY_PALETTE[0],
      CATEGORY_PALETTE[1],
      CATEGORY_PALETTE[2],
      NULL_COLOUR,
    ]);
    expect(Array.from(scale.groupOfRow)).toEqual([2, 1, 3, 0, 2]);
  });

  it("keep the most frequent categories and put the rest in 'other'", () => {
    const labels = Array.from({ length: 40 }, (_, i) => `c${i < 20 ? i % 5 : i}`);
    const scale = colourScale(columnFromCells("string", labels), labels.length);
    expect(scale.groups).toHaveLength(MAX_CATEGORIES);
    expect(scale.groups.at(-1)).toEqual({ label: "other", colour: OTHER_COLOUR });
    for (const frequent of ["c0", "c1", "c2", "c3", "c4"])
      expect(scale.groups.map((g) => g.label)).toContain(frequent);
  });

  it("treat booleans and integers with few values as categories, many as numbers", () => {
    expect(isCategorical(columnFromCells("boolean", [true, false]))).toBe(true);
    expect(isCategorical(columnFromCells("int32", [1, 2, 3, 1]))).toBe(true);
    const many = Array.from({ length: 50 }, (_, i) => i);
    expect(isCategorical(columnFromCells("int32", many))).toBe(false);
    expect(isCategorical(columnFromCells("float64", [1, 2]))).toBe(false);
    expect(
      colourScale(columnFromCells("boolean", [true, false]), 2).groups.map((g) => g.label),
    ).toEqual(["false", "true"]);
  });
});

describe("numeric colour scales", () => {
  it("bin the finite range into equal gradient steps; null and NaN are grey", () => {
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 8, Number.NaN, null];
    const scale = colourScale(columnFromCells("float64", values), values.length);
    expect(scale.kind).toBe("numeric");
    expect(scale.range).toEqual([0, 8]);
    expect(scale.groups).toHaveLength(GRADIENT_STEPS + 1);
    expect(scale.groups[0]!.label).toBe("0 – 1");
    expect(scale.groups.at(-1)).toEqual({ label: "null", colour: NULL_COLOUR });
    expect(Array.from(scale.groupOfRow)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 7, 8, 8]);
  });

  it("put a constant column in one step", () => {
    const scale = colourScale(columnFromCells("float64", [2, 2, 2]), 3);
    expect(scale.groups.map((g) => g.label)).toEqual(["2"]);
    expect(Array.from(scale.groupOfRow)).toEqual([0, 0, 0]);
  });

  it("run from the first viridis stop to the last", () => {
    expect(gradientColour(0)).toBe("rgb(68, 1, 84)");
    expect(gradientColour(1)).toBe("rgb(253, 231, 37)");
    expect(gradientColour(2)).toBe("rgb(253, 231, 37)");
    expect(gradientColour(Number.NaN)).toBe("rgb(68, 1, 84)");
  });
});

describe("no colour column", () => {
  it("puts every row in one group", () => {
    const scale = colourScale(undefined, 3);
    expect(scale.kind).toBe("none");
    expect(scale.groups).toHaveLength(1);
    expect(Array.from(scale.groupOfRow)).toEqual([0, 0, 0]);
  });
});
