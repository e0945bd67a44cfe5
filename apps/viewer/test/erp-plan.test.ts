/** The ERP image's plan: the level that fits, the tiles in view, zoom and pan, pixels and colours. */

import { describe, expect, it } from "vitest";
import { DIVERGING_STEPS, divergingIndex, divergingTable } from "../src/diverging-scale.js";
import { colourLimit, selectionShare, tilePixels } from "../src/erp-pixels.js";
import {
  type ErpLevel,
  fittingLevel,
  panWindow,
  visibleTiles,
  zoomWindow,
} from "../src/erp-plan.js";

/** Levels of a 42337 x 1793 pyramid with factor 2 and 256 x 256 chunks, as the headline has. */
const HEADLINE: ErpLevel[] = Array.from({ length: 8 }, (_, level) => {
  const scale = 2 ** level;
  return {
    rows: Math.ceil(42337 / scale),
    samples: Math.ceil(1793 / scale),
    rowScale: scale,
    sampleScale: scale,
    tileRows: level === 0 ? 195 : 256,
    tileSamples: level === 0 ? 1793 : 256,
  };
});
const ALL = { rowStart: 0, rowEnd: 42337, sampleStart: 0, sampleEnd: 1793 };

describe("fittingLevel and visibleTiles", () => {
  it("pick the coarsest level with an element per pixel, and only its tiles in view", () => {
    const pixels = 560 * 278;
    const level = fittingLevel(HEADLINE, ALL, pixels);
    expect(level).toBe(4);
    const { rows, samples } = HEADLINE[level]!;
    expect(rows * samples).toBeGreaterThanOrEqual(pixels / 2);
    expect(HEADLINE[level + 1]!.rows * HEADLINE[level + 1]!.samples).toBeLessThan(pixels / 2);
    const tiles = visibleTiles(HEADLINE, level, ALL);
    expect(tiles).toHaveLength(11);
    expect(tiles.at(-1)).toEqual({ level: 4, rows: [2560, 2647], samples: [0, 113] });
  });

  it("go one level finer for a zoom by 2 on both axes, and read only the tiles touched", () => {
    const zoomed = zoomWindow(ALL, 2, 21168, 896, { rows: 42337, samples: 1793 });
    expect(zoomed.rowEnd - zoomed.rowStart).toBeCloseTo(42337 / 2, 6);
    const level = fittingLevel(HEADLINE, zoomed, 560 * 278);
    expect(level).toBe(3);
    const tiles = visibleTiles(HEADLINE, level, zoomed);
    for (const tile of tiles) {
      expect(tile.rows[1] * 8).toBeGreaterThan(zoomed.rowStart);
      expect(tile.rows[0] * 8).toBeLessThan(zoomed.rowEnd);
    }
    expect(tiles.length).toBeLessThanOrEqual(12);
  });

  it("use level 0 when no level has enough elements", () => {
    const window = { rowStart: 100, rowEnd: 110, sampleStart: 0, sampleEnd: 20 };
    expect(fittingLevel(HEADLINE, window, 1000)).toBe(0);
    expect(visibleTiles(HEADLINE, 0, window)).toEqual([
      { level: 0, rows: [0, 195], samples: [0, 1793] },
    ]);
  });
});

describe("zoomWindow and panWindow", () => {
  it("keep the point under the cursor, stay inside the extent and keep a minimum span", () => {
    const extent = { rows: 100, samples: 50 };
    const w = zoomWindow(
      { rowStart: 0, rowEnd: 100, sampleStart: 0, sampleEnd: 50 },
      4,
      40,
      10,
      extent,
    );
    expect(w).toEqual({ rowStart: 30, rowEnd: 55, sampleStart: 7.5, sampleEnd: 20 });
    const tiny = zoomWindow(w, 1000, 40, 10, extent);
    expect(tiny.rowEnd - tiny.rowStart).toBe(4);
    const out = zoomWindow(w, 0.01, 40, 10, extent);
    expect(out).toEqual({ rowStart: 0, rowEnd: 100, sampleStart: 0, sampleEnd: 50 });
    expect(panWindow(w, 100, -100, extent)).toEqual({
      rowStart: 75,
      rowEnd: 100,
      sampleStart: 0,
      sampleEnd: 12.5,
    });
  });
});

describe("the diverging scale and the image pixels", () => {
  /** CIELAB lightness of an sRGB colour (D65), computed here from the sRGB and CIE formulas. */
  const lightness = (r: number, g: number, b: number) => {
    const linear = (c: number) => {
      const v = c / 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    const y = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    return y > (6 / 29) ** 3 ? 116 * Math.cbrt(y) - 16 : (29 / 3) ** 3 * y;
  };

  it("rises in lightness to a neutral middle and falls after it, both halves alike", () => {
    const table = divergingTable();
    const l = Array.from({ length: DIVERGING_STEPS }, (_, i) =>
      lightness(table[i * 3]!, table[i * 3 + 1]!, table[i * 3 + 2]!),
    );
    for (let i = 1; i < 128; i++) expect(l[i]! + 0.6).toBeGreaterThan(l[i - 1]!);
    for (let i = 129; i < 256; i++) expect(l[i]!).toBeLessThan(l[i - 1]! + 0.6);
    for (let i = 0; i < 128; i += 8) expect(Math.abs(l[i]! - l[255 - i]!)).toBeLessThan(6);
    for (const c of table.subarray(128 * 3, 128 * 3 + 3))
      expect(Math.abs(c - 221)).toBeLessThanOrEqual(1);
    expect([
      divergingIndex(0, 2),
      divergingIndex(-5, 2),
      divergingIndex(5, 2),
      divergingIndex(Number.NaN, 1),
    ]).toEqual([128, 0, 255, -1]);
  });

  it("colours tiles, NaN light grey, with a 99th-percentile limit", () => {
    expect(Array.from(tilePixels(Float32Array.of(-1, Number.NaN, 3), 1))).toEqual([
      59, 76, 192, 255, 240, 240, 240, 255, 180, 4, 38, 255,
    ]);
    const values = Float32Array.from({ length: 1000 }, (_, i) => (i === 0 ? 1e6 : (i % 10) - 4.5));
    expect(colourLimit([values, Float32Array.of(Number.NaN)])).toBe(4.5);
    expect(colourLimit([new Float32Array(3)])).toBe(1);
    // Above 50,000 values an even sample: |v| spread evenly over [0, 1000) keeps its percentile.
    const wide = Array.from({ length: 4 }, (_, t) =>
      Float32Array.from(
        { length: 100_000 },
        (_, i) => (((t * 100_000 + i) * 7919) % 400_000) / 400,
      ),
    );
    expect(colourLimit(wide)).toBeCloseTo(990, -1);
  });

  it("give each screen row the share of its image rows the query selects", () => {
    const selected = Uint8Array.of(1, 0, 0, 0, 1, 1, 1, 1);
    expect(Array.from(selectionShare(selected, 0, 8, 4))).toEqual([0.5, 0, 1, 1]);
    expect(Array.from(selectionShare(selected, 4, 6, 4))).toEqual([1, 1, 1, 1]);
  });
});
