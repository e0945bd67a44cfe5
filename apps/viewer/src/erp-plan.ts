/**
 * Which part of a pyramid the ERP image reads: the level that fits the screen for the window in
 * view, and the tiles (chunks) of that level the window touches. Pure, so it runs in Node tests.
 */

/** One level of a pyramid as the image needs it. */
export interface ErpLevel {
  /** Rows (instances) and samples of the level. */
  readonly rows: number;
  readonly samples: number;
  /** Base rows and base samples per element of the level (1 at level 0). */
  readonly rowScale: number;
  readonly sampleScale: number;
  /** The chunk shape along rows and samples: one tile. */
  readonly tileRows: number;
  readonly tileSamples: number;
}

/** The window in view, in base units: rows and samples, start inclusive, end exclusive. */
export interface ErpWindow {
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly sampleStart: number;
  readonly sampleEnd: number;
}

/** One tile of a level: its level and its element ranges (clipped to the level). */
export interface ErpTile {
  readonly level: number;
  readonly rows: readonly [number, number];
  readonly samples: readonly [number, number];
}

/**
 * The level that fits `pixels` screen pixels for `window`: the coarsest level that still has at
 * least one element per two pixels in the window (rows x samples in view >= pixels / 2: at most
 * a 1.4-fold stretch along each axis), else level 0. The levels shrink both axes together, so the
 * count of elements, not each axis, is what fits.
 *
 * @example
 * ```ts
 * const level = (scale: number) => ({ rows: 1024 / scale, samples: 512 / scale, rowScale: scale,
 *   sampleScale: scale, tileRows: 256, tileSamples: 256 });
 * const window = { rowStart: 0, rowEnd: 1024, sampleStart: 0, sampleEnd: 512 };
 * fittingLevel([level(1), level(2), level(4)], window, 400 * 150); // 2: 256 x 128 elements
 * ```
 */
export function fittingLevel(
  levels: readonly ErpLevel[],
  window: ErpWindow,
  pixels: number,
): number {
  for (let level = levels.length - 1; level > 0; level--) {
    const { rowScale, sampleScale } = levels[level]!;
    const rows = (window.rowEnd - window.rowStart) / rowScale;
    const samples = (window.sampleEnd - window.sampleStart) / sampleScale;
    if (rows * samples >= pixels / 2) return level;
  }
  return 0;
}

/** The element range of a level that covers the base range [start, end), clipped to `length`. */
function levelRange(start: number, end: number, scale: number, length: number): [number, number] {
  const first = Math.max(0, Math.floor(start / scale));
  return [Math.min(first, length), Math.min(length, Math.max(first + 1, Math.ceil(end / scale)))];
}

/**
 * The tiles of level `level` that `window` touches, row-major, each clipped to the level's shape:
 * the only reads the image needs for that window.
 *
 * @example
 * ```ts
 * const level = { rows: 600, samples: 300, rowScale: 1, sampleScale: 1, tileRows: 256, tileSamples: 256 };
 * visibleTiles([level], 0, { rowStart: 250, rowEnd: 300, sampleStart: 0, sampleEnd: 100 }).length; // 2
 * ```
 */
export function visibleTiles(
  levels: readonly ErpLevel[],
  level: number,
  window: ErpWindow,
): ErpTile[] {
  const at = levels[level]!;
  const [r0, r1] = levelRange(window.rowStart, window.rowEnd, at.rowScale, at.rows);
  const [s0, s1] = levelRange(window.sampleStart, window.sampleEnd, at.sampleScale, at.samples);
  const tiles: ErpTile[] = [];
  for (let tr = Math.floor(r0 / at.tileRows); tr * at.tileRows < r1; tr++)
    for (let ts = Math.floor(s0 / at.tileSamples); ts * at.tileSamples < s1; ts++)
      tiles.push({
        level,
        rows: [tr * at.tileRows, Math.min(at.rows, (tr + 1) * at.tileRows)],
        samples: [ts * at.tileSamples, Math.min(at.samples, (ts + 1) * at.tileSamples)],
      });
  return tiles;
}

/**
 * `window` zoomed by `factor` (above 1 zooms in) about the base point (`row`, `sample`), then
 * moved back inside [0, rows) x [0, samples); never smaller than `minimum` rows and samples, nor
 * taller than `extent.maxRows` rows when given.
 *
 * @example
 * ```ts
 * const all = { rowStart: 0, rowEnd: 100, sampleStart: 0, sampleEnd: 50 };
 * zoomWindow(all, 2, 0, 0, { rows: 100, samples: 50 }).rowEnd; // 50
 * ```
 */
export function zoomWindow(
  window: ErpWindow,
  factor: number,
  row: number,
  sample: number,
  extent: { rows: number; samples: number; maxRows?: number },
  minimum = 4,
): ErpWindow {
  const axis = (
    start: number,
    end: number,
    at: number,
    length: number,
    most = length,
  ): [number, number] => {
    const span = Math.min(length, most, Math.max(minimum, (end - start) / factor));
    const fraction = end > start ? (at - start) / (end - start) : 0.5;
    const first = Math.min(length - span, Math.max(0, at - fraction * span));
    return [first, first + span];
  };
  const [rowStart, rowEnd] = axis(window.rowStart, window.rowEnd, row, extent.rows, extent.maxRows);
  const [sampleStart, sampleEnd] = axis(
    window.sampleStart,
    window.sampleEnd,
    sample,
    extent.samples,
  );
  return { rowStart, rowEnd, sampleStart, sampleEnd };
}

/**
 * `window` moved by (`rows`, `samples`) base units, kept inside [0, extent).
 *
 * @example
 * ```ts
 * const w = { rowStart: 0, rowEnd: 10, sampleStart: 0, sampleEnd: 10 };
 * panWindow(w, 5, -3, { rows: 12, samples: 20 }).rowStart; // 2
 * ```
 */
export function panWindow(
  window: ErpWindow,
  rows: number,
  samples: number,
  extent: { rows: number; samples: number },
): ErpWindow {
  const shift = (start: number, end: number, by: number, length: number) =>
    Math.min(length - (end - start), Math.max(0, start + by)) - start;
  const dr = shift(window.rowStart, window.rowEnd, rows, extent.rows);
  const ds = shift(window.sampleStart, window.sampleEnd, samples, extent.samples);
  return {
    rowStart: window.rowStart + dr,
    rowEnd: window.rowEnd + dr,
    sampleStart: window.sampleStart + ds,
    sampleEnd: window.sampleEnd + ds,
  };
}
