/** Splitting the matches into colour series, and finding the point under a click. */

import { describe, expect, it } from "vitest";
import { nearestRow, pointCount, splitByGroup } from "../src/scatter-data.js";

const xs = [0, 1, 2, Number.NaN, 4, 5];
const ys = [0, 1, 2, 3, Number.NaN, 5];
const groupOfRow = Uint16Array.from([0, 1, 0, 1, 0, 1]);

describe("splitByGroup", () => {
  it("keeps the matching rows with finite scores, by group, in row order", () => {
    const series = splitByGroup(Int32Array.from([0, 1, 2, 3, 4, 5]), groupOfRow, 2, xs, ys);
    expect(Array.from(series[0]!.rows)).toEqual([0, 2]);
    expect(Array.from(series[1]!.rows)).toEqual([1, 5]);
    expect(Array.from(series[1]!.x)).toEqual([1, 5]);
    expect(pointCount(series)).toBe(4);
  });

  it("leaves groups without matches empty", () => {
    const series = splitByGroup(Int32Array.from([1]), groupOfRow, 2, xs, ys);
    expect(series.map((s) => s.rows.length)).toEqual([0, 1]);
  });
});

describe("nearestRow", () => {
  const series = splitByGroup(Int32Array.from([0, 1, 2, 5]), groupOfRow, 2, xs, ys);
  const click = { pixelsPerX: 10, pixelsPerY: 10, radius: 5 };

  it("finds the point nearest to the click in pixels", () => {
    expect(nearestRow(series, { ...click, x: 1.2, y: 0.9 })).toBe(1);
    expect(nearestRow(series, { ...click, x: 4.8, y: 5.3 })).toBe(5);
  });

  it("finds nothing beyond the radius", () => {
    expect(nearestRow(series, { ...click, x: 3.5, y: 3.5 })).toBeUndefined();
  });

  it("measures in pixels, so a stretched axis counts more", () => {
    const stretched = { pixelsPerX: 100, pixelsPerY: 1, radius: 20 };
    expect(nearestRow(series, { ...stretched, x: 1.05, y: 1.9 })).toBe(1);
  });
});
