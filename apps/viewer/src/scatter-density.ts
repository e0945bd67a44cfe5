/**
 * The scatter's density mode: above {@link DENSITY_THRESHOLD} points, the points are binned into a
 * 2-D histogram of the plot's pixels (a few pixels a bin) and drawn as one image, each bin the
 * colour of its groups mixed by count with an opacity rising with the log of its count; the rows
 * outside the query are binned too, in grey beneath, so the selection stands out in its context.
 * Binning rather than alpha: 40,000 translucent dots saturate the dense core (every alpha reaches 1
 * after a few dozen overlaps) while a count keeps its scale, and one image costs one draw however
 * many points there are. Pure, so it runs in Node tests.
 */

import type { PointSeries } from "./scatter-data.js";

/** From how many points the scatter draws a density image instead of dots. */
export const DENSITY_THRESHOLD = 4000;

/** The data window binned: the visible x and y ranges. */
export interface DensityWindow {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/** A 2-D histogram: `counts[g][row * width + column]` for group g, row 0 at the top (y max). */
export interface DensityGrid {
  readonly width: number;
  readonly height: number;
  readonly counts: readonly Uint32Array[];
}

/**
 * Bins each series' points falling in `window` into `width` x `height` bins (x left to right, y top
 * to bottom); a point on the upper edge goes to the last bin, points outside are left out.
 *
 * @example
 * ```ts
 * const s = { x: Float64Array.of(0, 1), y: Float64Array.of(0, 1), rows: Int32Array.of(0, 1) };
 * binPoints([s], { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, 2, 2).counts[0]; // [0, 1, 1, 0]
 * ```
 */
export function binPoints(
  series: readonly Pick<PointSeries, "x" | "y">[],
  window: DensityWindow,
  width: number,
  height: number,
): DensityGrid {
  const { xMin, xMax, yMin, yMax } = window;
  const sx = width / (xMax - xMin);
  const sy = height / (yMax - yMin);
  const counts = series.map((s) => {
    const bins = new Uint32Array(width * height);
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      if (!(x >= xMin && x <= xMax && y >= yMin && y <= yMax)) continue;
      const column = Math.min(width - 1, Math.floor((x - xMin) * sx));
      const row = Math.min(height - 1, Math.floor((yMax - y) * sy));
      bins[row * width + column]!++;
    }
    return bins;
  });
  return { width, height, counts };
}

/** An `#rrggbb` or `rgb(r, g, b)` colour as its three channels. */
export function rgbOf(colour: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex) return [1, 2, 3].map((i) => Number.parseInt(hex[i]!, 16)) as [number, number, number];
  const rgb = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(colour);
  if (rgb) return [1, 2, 3].map((i) => Number(rgb[i])) as [number, number, number];
  throw new Error(`not an #rrggbb or rgb() colour: ${colour}`);
}

/** The grey of the rows outside the query. */
const CONTEXT_RGB = [150, 150, 150] as const;

/**
 * The RGBA pixels of a density grid: each bin with points of the selection is the mean of its
 * groups' colours weighted by count, opaque in proportion to log(1 + count) / log(1 + max count);
 * bins with only context points are grey at most half opaque; empty bins are transparent.
 *
 * @example
 * ```ts
 * const grid = { width: 2, height: 1, counts: [Uint32Array.of(3, 0)] };
 * densityPixels(grid, ["#ff0000"]).slice(0, 4); // [255, 0, 0, 255]
 * ```
 */
export function densityPixels(
  grid: DensityGrid,
  colours: readonly string[],
  context?: Uint32Array,
): Uint8ClampedArray<ArrayBuffer> {
  const size = grid.width * grid.height;
  const rgb = colours.map(rgbOf);
  const total = new Uint32Array(size);
  for (const bins of grid.counts) for (let i = 0; i < size; i++) total[i]! += bins[i]!;
  const logMax = Math.log1p(Math.max(1, ...maxOf(total), ...maxOf(context)));
  const pixels = new Uint8ClampedArray(size * 4);
  for (let i = 0; i < size; i++) {
    const count = total[i]!;
    if (count === 0) {
      const around = context?.[i] ?? 0;
      if (around === 0) continue;
      pixels.set(CONTEXT_RGB, i * 4);
      pixels[i * 4 + 3] = 30 + 98 * (Math.log1p(around) / logMax);
      continue;
    }
    let r = 0;
    let g = 0;
    let b = 0;
    grid.counts.forEach((bins, group) => {
      const weight = bins[i]! / count;
      if (weight === 0) return;
      r += rgb[group]![0] * weight;
      g += rgb[group]![1] * weight;
      b += rgb[group]![2] * weight;
    });
    pixels.set([r, g, b, 70 + 185 * (Math.log1p(count) / logMax)], i * 4);
  }
  return pixels;
}

/** The largest value of an array, as a one-element list (empty for none). */
function maxOf(values: Uint32Array | undefined): number[] {
  if (values === undefined) return [];
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return [max];
}
