/** The scatter's density grid against numpy's histogram2d, and the pixels made from it. */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { otherPoints } from "../src/scatter-data.js";
import { binPoints, densityPixels, rgbOf } from "../src/scatter-density.js";

interface DensityCase {
  x: number[];
  y: number[];
  width: number;
  height: number;
  window: { xMin: number; xMax: number; yMin: number; yMax: number };
  counts: number[];
}

const golden = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../../fixtures/golden/viewer.json"), "utf8"),
) as { density: DensityCase[] };

describe("binPoints", () => {
  it.each(golden.density.map((c, i) => [i, c] as const))(
    "equals numpy's histogram2d (case %i)",
    (_, c) => {
      const series = { x: Float64Array.from(c.x), y: Float64Array.from(c.y) };
      const grid = binPoints([series], c.window, c.width, c.height);
      expect(Array.from(grid.counts[0]!)).toEqual(c.counts);
      expect(c.counts.reduce((a, b) => a + b, 0)).toBeLessThan(c.x.length);
    },
  );

  it("keeps the upper edges in the last bins and bins each series apart", () => {
    const a = { x: Float64Array.of(0, 1, 1), y: Float64Array.of(1, 0, 1) };
    const b = { x: Float64Array.of(0.2), y: Float64Array.of(0.2) };
    const grid = binPoints([a, b], { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, 2, 2);
    expect(Array.from(grid.counts[0]!)).toEqual([1, 1, 0, 1]);
    expect(Array.from(grid.counts[1]!)).toEqual([0, 0, 1, 0]);
  });
});

describe("densityPixels", () => {
  it("mixes group colours by count, opacity by log count; context grey; empty transparent", () => {
    const grid = {
      width: 4,
      height: 1,
      counts: [Uint32Array.of(3, 1, 0, 0), Uint32Array.of(1, 0, 0, 0)],
    };
    const pixels = densityPixels(grid, ["#ff0000", "rgb(0, 0, 255)"], Uint32Array.of(0, 0, 9, 0));
    expect(Array.from(pixels.slice(0, 3))).toEqual([191, 0, 64]);
    const logMax = Math.log1p(9);
    expect(pixels[3]).toBe(Math.round(70 + (185 * Math.log1p(4)) / logMax));
    expect(Array.from(pixels.slice(4, 8))).toEqual([
      255,
      0,
      0,
      Math.round(70 + (185 * Math.log1p(1)) / logMax),
    ]);
    expect(Array.from(pixels.slice(8, 12))).toEqual([150, 150, 150, 128]);
    expect(Array.from(pixels.slice(12, 16))).toEqual([0, 0, 0, 0]);
  });

  it("reads #rrggbb and rgb() colours and refuses others", () => {
    expect(rgbOf("#4e79a7")).toEqual([78, 121, 167]);
    expect(rgbOf("rgb(68, 1, 84)")).toEqual([68, 1, 84]);
    expect(() => rgbOf("teal")).toThrow(/teal/);
  });
});

describe("otherPoints", () => {
  it("holds the scored rows outside the selection", () => {
    const others = otherPoints(5, Int32Array.of(1, 3), [0, 1, 2, 3, Number.NaN], [0, 1, 2, 3, 4]);
    expect(Array.from(others.rows)).toEqual([0, 2]);
    expect(Array.from(others.x)).toEqual([0, 2]);
  });
});
