/**
 * The ERP image's colours: Moreland's "cool to warm" diverging map (Kenneth Moreland, Diverging
 * Color Maps for Scientific Visualization, 2009; the 33 stops of his published table), blue below
 * zero, a neutral grey at zero, red above. Its lightness rises monotonically from each end to the
 * middle and its two halves match in lightness, so equal amplitudes of either sign look equally
 * strong and the map survives grey printing as |amplitude|.
 */

/** Moreland's cool-warm stops, from -1 to 1 in 32 equal steps, as RGB. */
const COOL_WARM: readonly (readonly [number, number, number])[] = [
  [59, 76, 192],
  [68, 90, 204],
  [77, 104, 215],
  [87, 117, 225],
  [98, 130, 234],
  [108, 142, 241],
  [119, 154, 247],
  [130, 165, 251],
  [141, 176, 254],
  [152, 185, 255],
  [163, 194, 255],
  [174, 201, 253],
  [184, 208, 249],
  [194, 213, 244],
  [204, 217, 238],
  [213, 219, 230],
  [221, 221, 221],
  [229, 216, 209],
  [236, 211, 197],
  [241, 204, 185],
  [245, 196, 173],
  [247, 187, 160],
  [247, 177, 148],
  [247, 166, 135],
  [244, 154, 123],
  [241, 141, 111],
  [236, 127, 99],
  [229, 112, 88],
  [222, 96, 77],
  [213, 80, 66],
  [203, 62, 56],
  [192, 40, 47],
  [180, 4, 38],
];

/** How many entries {@link divergingTable} has. */
export const DIVERGING_STEPS = 256;

/**
 * The diverging map sampled at {@link DIVERGING_STEPS} points from -1 to 1, as RGB triples one
 * after another (entry i at `3 * i`), interpolated linearly between Moreland's stops.
 *
 * @example
 * ```ts
 * const table = divergingTable();
 * Array.from(table.subarray(0, 3)); // [59, 76, 192]: the cold end
 * ```
 */
export function divergingTable(): Uint8Array {
  const table = new Uint8Array(DIVERGING_STEPS * 3);
  for (let i = 0; i < DIVERGING_STEPS; i++) {
    const position = (i / (DIVERGING_STEPS - 1)) * (COOL_WARM.length - 1);
    const low = Math.min(COOL_WARM.length - 2, Math.floor(position));
    const fraction = position - low;
    for (let c = 0; c < 3; c++) {
      const a = COOL_WARM[low]![c]!;
      table[i * 3 + c] = Math.round(a + (COOL_WARM[low + 1]![c]! - a) * fraction);
    }
  }
  return table;
}

/**
 * The entry of {@link divergingTable} for `value` on a scale from `-limit` to `limit` (clamped at
 * the ends); NaN gives -1, for the caller to draw as missing.
 *
 * @example
 * ```ts
 * divergingIndex(0, 2); // 128: the neutral middle
 * divergingIndex(-5, 2); // 0
 * ```
 */
export function divergingIndex(value: number, limit: number): number {
  if (Number.isNaN(value)) return -1;
  const t = (value / limit + 1) / 2;
  return Math.min(DIVERGING_STEPS - 1, Math.max(0, Math.round(t * (DIVERGING_STEPS - 1))));
}
