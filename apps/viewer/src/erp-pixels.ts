/**
 * The ERP image's pixels: tile values coloured on the diverging scale, the colour limit chosen
 * from the first picture, and the query's share of each screen row. Pure, so it runs in Node tests.
 */

import { divergingIndex, divergingTable } from "./diverging-scale.js";

const TABLE = divergingTable();

/** The colour of missing values (NaN: masked elements, rows outside the data). */
const MISSING_RGB = [240, 240, 240] as const;

/**
 * The RGBA pixels of a row-major tile of `values` on the diverging scale from `-limit` to `limit`,
 * NaN light grey.
 *
 * @example
 * ```ts
 * Array.from(tilePixels(Float32Array.of(-1), 1)); // [59, 76, 192, 255]
 * ```
 */
export function tilePixels(values: Float32Array, limit: number): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const entry = divergingIndex(values[i]!, limit);
    if (entry < 0) pixels.set(MISSING_RGB, i * 4);
    else pixels.set(TABLE.subarray(entry * 3, entry * 3 + 3), i * 4);
    pixels[i * 4 + 3] = 255;
  }
  return pixels;
}

/**
 * The colour limit of an image: the 99th percentile of |value| over the finite values given (so
 * a few spikes do not wash the image out), or 1 when there are none or all are 0.
 *
 * @example
 * ```ts
 * colourLimit([Float32Array.of(1, -2, 3)]); // 3
 * ```
 */
export function colourLimit(tiles: readonly Float32Array[]): number {
  const magnitudes: number[] = [];
  for (const tile of tiles)
    for (const v of tile) if (Number.isFinite(v)) magnitudes.push(Math.abs(v));
  if (magnitudes.length === 0) return 1;
  magnitudes.sort((a, b) => a - b);
  const limit = magnitudes[Math.min(magnitudes.length - 1, Math.floor(0.99 * magnitudes.length))]!;
  return limit > 0 ? limit : 1;
}

/**
 * The share of each of `pixels` screen rows that the query selects, for image rows `start` to
 * `end` (base units, fractional): `selected[p]` is 1 when the image row `p` is a selected
 * instance. A screen row covering no whole image row takes the row under its middle.
 *
 * @example
 * ```ts
 * selectionShare(Uint8Array.of(1, 0, 1, 1), 0, 4, 2); // Float32Array [0.5, 1]
 * ```
 */
export function selectionShare(
  selected: Uint8Array,
  start: number,
  end: number,
  pixels: number,
): Float32Array {
  const share = new Float32Array(pixels);
  const perPixel = (end - start) / pixels;
  for (let p = 0; p < pixels; p++) {
    const from = start + p * perPixel;
    const first = Math.floor(from);
    const last = Math.max(first + 1, Math.floor(from + perPixel));
    let count = 0;
    for (let row = first; row < last; row++) count += selected[row] ?? 0;
    share[p] = count / (last - first);
  }
  return share;
}
