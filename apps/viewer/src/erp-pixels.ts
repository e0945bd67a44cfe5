/**
 * The ERP image's pixels: tile values coloured on the diverging scale, the colour limit chosen
 * from the first picture, and the query's share of each screen row. Pure, so it runs in Node tests.
 */

import { DIVERGING_STEPS, divergingIndex, divergingTable } from "./diverging-scale.js";

/** The colour of missing values (NaN: masked elements, rows outside the data). */
const MISSING_RGB = [240, 240, 240] as const;

/** The diverging table as opaque RGBA pixels packed in 32 bits (byte order R, G, B, A), the last entry for NaN. */
const PACKED = (() => {
  const table = divergingTable();
  const packed = new Uint32Array(DIVERGING_STEPS + 1);
  const bytes = new Uint8Array(packed.buffer);
  for (let i = 0; i <= DIVERGING_STEPS; i++) {
    const rgb = i < DIVERGING_STEPS ? table.subarray(i * 3, i * 3 + 3) : MISSING_RGB;
    bytes.set([rgb[0]!, rgb[1]!, rgb[2]!, 255], i * 4);
  }
  return packed;
})();

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
  const packed = new Uint32Array(pixels.buffer);
  for (let i = 0; i < values.length; i++) {
    const entry = divergingIndex(values[i]!, limit);
    packed[i] = PACKED[entry < 0 ? DIVERGING_STEPS : entry]!;
  }
  return pixels;
}

/** How many values at most {@link colourLimit} sorts: an even sample of the picture. */
const LIMIT_SAMPLE = 50_000;

/**
 * The colour limit of an image: the 99th percentile of |value| over the finite values given (so
 * a few spikes do not wash the image out), taken on an even sample of at most 50,000 of them;
 * 1 when there are none or all are 0.
 *
 * @example
 * ```ts
 * colourLimit([Float32Array.of(1, -2, 3)]); // 3
 * ```
 */
export function colourLimit(tiles: readonly Float32Array[]): number {
  const total = tiles.reduce((sum, tile) => sum + tile.length, 0);
  const stride = Math.max(1, Math.ceil(total / LIMIT_SAMPLE));
  const magnitudes: number[] = [];
  // The position of the next sample in the current tile; the stride runs on across tiles.
  let at = 0;
  for (const tile of tiles) {
    for (; at < tile.length; at += stride) {
      const v = tile[at]!;
      if (Number.isFinite(v)) magnitudes.push(Math.abs(v));
    }
    at -= tile.length;
  }
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
