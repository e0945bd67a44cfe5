/**
 * Where the ERP image's tiles come from: an opened pyramid of the dataset (the library's
 * `openPyramid`), seen as levels of rows x samples and cached tile reads, one read per chunk of
 * the level in view and channel, never twice.
 */

import type { ErpLevel, ErpTile } from "./erp-plan.js";

/** The reductions a pyramid keeps: the mean and the min/max envelope. */
export type ErpReduction = "mean" | "min" | "max";

/** What the image needs of an opened pyramid (the shape of the library's `Pyramid`). */
export interface PyramidLike {
  readonly levels: readonly {
    readonly shape: readonly number[];
    readonly scale: readonly number[];
    readonly chunkShape: readonly number[];
  }[];
  readonly order: Int32Array | undefined;
  readonly sortBy: { readonly column: string; readonly descending: boolean } | null;
  readTile(
    level: number,
    reduction: ErpReduction,
    instances: { start: number; stop: number },
    samples: { start: number; stop: number },
    channel?: number,
  ): Promise<Float32Array>;
}

/** Rows of a tile of the base (level 0), whose chunks are too tall to read whole for a zoom. */
export const BASE_TILE_ROWS = 64;

/** The tiles of a pyramid for the image: its levels and cached reads. */
export interface TileSource {
  /** The levels, level 0 (the base) first. */
  readonly levels: readonly ErpLevel[];
  /** How many channels (elements of the third axis; 1 for two axes). */
  readonly channels: number;
  /** The base row at each row of the image; undefined when the rows are in stored order. */
  readonly order: Int32Array | undefined;
  /** The column the rows are sorted by, if any. */
  readonly sortBy: { readonly column: string; readonly descending: boolean } | null;
  /** Whether the values of `tile` in `channel` for `reduction` are read already. */
  has(tile: ErpTile, channel: number, reduction: ErpReduction): boolean;
  /** The values of `tile` in one channel for `reduction`, row-major; cached. */
  read(tile: ErpTile, channel: number, reduction: ErpReduction): Promise<Float32Array>;
  /** The most rows a window may show (base rows read one by one), when limited. */
  readonly maxRows?: number;
  /** How many tile reads were made (cache misses). */
  readonly reads: () => number;
}

/**
 * The tile source of an opened pyramid, with a cache of every tile read (a zoom back or a redraw
 * reads nothing again; a failed read is forgotten, so a retry reads again).
 *
 * @example
 * ```ts
 * const source = tileSource(await openPyramid(createHttpStore(datasetUrl)));
 * const tile = { level: 1, rows: [0, 256], samples: [0, 256] } as const;
 * const values = await source.read(tile, 0, "mean");
 * ```
 */
export function tileSource(pyramid: PyramidLike): TileSource {
  const levels = pyramid.levels.map((level, at) => ({
    rows: level.shape[0]!,
    samples: level.shape[1]!,
    rowScale: level.scale[0]!,
    sampleScale: level.scale[1]!,
    // The base's chunks hold hundreds of rows; its rows are read by range, a few at a time.
    tileRows: at === 0 ? Math.min(BASE_TILE_ROWS, level.chunkShape[0]!) : level.chunkShape[0]!,
    tileSamples: level.chunkShape[1]!,
  }));
  const cache = new Map<string, Promise<Float32Array>>();
  const done = new Set<string>();
  const keyOf = (tile: ErpTile, channel: number, reduction: ErpReduction) =>
    `${reduction}/${tile.level}/${tile.rows[0]}/${tile.samples[0]}/${channel}`;
  let reads = 0;
  return {
    levels,
    channels: pyramid.levels[0]!.shape[2] ?? 1,
    order: pyramid.order,
    sortBy: pyramid.sortBy,
    has: (tile, channel, reduction) => done.has(keyOf(tile, channel, reduction)),
    read(tile, channel, reduction) {
      const key = keyOf(tile, channel, reduction);
      let values = cache.get(key);
      if (values === undefined) {
        reads++;
        values = pyramid.readTile(
          tile.level,
          reduction,
          { start: tile.rows[0], stop: tile.rows[1] },
          { start: tile.samples[0], stop: tile.samples[1] },
          channel,
        );
        values.then(
          () => done.add(key),
          () => cache.delete(key),
        );
        cache.set(key, values);
      }
      return values;
    },
    reads: () => reads,
  };
}

/** The most rows in view when rows are read from the base one by one, in an order of our own. */
export const BASE_ROWS_IN_VIEW = 200;

/** Runs of consecutive values in `rows`: [first position in `rows`, first value, length]. */
function runsOf(rows: Int32Array): [number, number, number][] {
  const runs: [number, number, number][] = [];
  for (let i = 0; i < rows.length; i++) {
    const last = runs.at(-1);
    if (last !== undefined && rows[i] === last[1] + last[2]) last[2]++;
    else runs.push([i, rows[i]!, 1]);
  }
  return runs;
}

/**
 * The tile source of the base rows of an unsorted pyramid in an order of our own (`order[p]` is
 * the base row shown at row p): level 0 only, each tile read as runs of consecutive base rows
 * (`readTile(0, ...)`), at most {@link BASE_ROWS_IN_VIEW} rows in view. This serves zoomed-in
 * views sorted by a column that has no sorted pyramid, not an overview of every row.
 *
 * @example
 * ```ts
 * const source = baseRowSource(await openPyramid(datasetUrl), Int32Array.of(7, 3, 4, 5));
 * ```
 */
export function baseRowSource(pyramid: PyramidLike, order: Int32Array): TileSource {
  const base = pyramid.levels[0]!;
  const samples = base.shape[1]!;
  const rows = (tile: ErpTile) => order.subarray(tile.rows[0], tile.rows[1]);
  const readRows = async (tile: ErpTile, channel: number) => {
    const width = tile.samples[1] - tile.samples[0];
    const out = new Float32Array((tile.rows[1] - tile.rows[0]) * width);
    const range = { start: tile.samples[0], stop: tile.samples[1] };
    await Promise.all(
      runsOf(rows(tile)).map(async ([at, first, length]) => {
        const values = await pyramid.readTile(
          0,
          "mean",
          { start: first, stop: first + length },
          range,
          channel,
        );
        out.set(values, at * width);
      }),
    );
    return out;
  };
  const source = tileSource({
    levels: [{ shape: [order.length, samples], scale: [1, 1], chunkShape: [16, samples] }],
    order,
    sortBy: null,
    readTile: (_level, _reduction, instances, sampleRange, channel) =>
      readRows(
        {
          level: 0,
          rows: [instances.start, instances.stop],
          samples: [sampleRange.start, sampleRange.stop],
        },
        channel ?? 0,
      ),
  });
  return { ...source, channels: base.shape[2] ?? 1, maxRows: BASE_ROWS_IN_VIEW };
}
