/**
 * The streamed reduction of a pyramid: each level keeps the bins of one tile of rows (sums,
 * counts, minima, maxima of the valid elements), takes the rows of the level before it in order
 * (the base's values for level 1, the partial reductions of the level before for the others) and
 * hands each finished tile to a sink, which writes it and passes it on. Memory is a tile of rows
 * per level, whatever the length of the first axis; sums and counts cascade exactly, so every
 * level equals the reduction of the base's bins, partial last bins included.
 */

import { sizeOf } from "@tt/schema";

/** The reductions of a tile of bins, row-major: what a level passes to the next one. */
export interface BinPartials {
  /** The number of rows. */
  readonly rows: number;
  readonly sum: Float64Array;
  readonly count: Uint32Array;
  readonly min: Float32Array;
  readonly max: Float32Array;
}

/**
 * A finished tile of a level: its first row, its mean/min/max (NaN where no valid element). Its
 * arrays are the reducer's own, valid until the sink's promise settles.
 */
export interface LevelTile {
  readonly start: number;
  readonly mean: Float32Array;
  readonly min: Float32Array;
  readonly max: Float32Array;
  readonly partials: BinPartials;
}

/**
 * The bin of the next level of each element of a row (C order over the axes after the first):
 * along reduced axes index `i` goes to `floor(i / factor)`, other axes keep their index.
 */
export function binMap(rowShape: readonly number[], reduced: readonly boolean[], factor: number) {
  const outShape = rowShape.map((n, i) => (reduced[i] ? Math.ceil(n / factor) : n));
  const map = new Int32Array(sizeOf(rowShape));
  const index = new Array(rowShape.length).fill(0);
  for (let flat = 0; flat < map.length; flat++) {
    let out = 0;
    for (let d = 0; d < rowShape.length; d++)
      out = out * outShape[d]! + (reduced[d] ? Math.floor(index[d] / factor) : index[d]);
    map[flat] = out;
    for (let d = rowShape.length - 1; d >= 0; d--) {
      if (++index[d] < rowShape[d]!) break;
      index[d] = 0;
    }
  }
  return { map, outShape };
}

/** The bins of a tile and where a span of input rows goes into them. */
interface Span {
  readonly sum: Float64Array;
  readonly count: Uint32Array;
  readonly min: Float32Array;
  readonly max: Float32Array;
  readonly map: Int32Array;
  /** Input rows `from` to `to` (of the block), whose first row is input row `first`. */
  readonly from: number;
  readonly to: number;
  readonly first: number;
  /** Input rows per bin, and the bins of the tile's first row and of one row. */
  readonly factor: number;
  readonly tileStart: number;
  readonly outSlab: number;
}

/** Adds the span's rows of base values (NaN and masked elements skipped): the hot loop. */
function addValues(span: Span, values: ArrayLike<number>, mask: ArrayLike<number> | undefined) {
  const { sum, count, min, max, map, factor, tileStart, outSlab, first } = span;
  const slab = map.length;
  for (let r = span.from; r < span.to; r++) {
    const at = (Math.floor((first + r) / factor) - tileStart) * outSlab;
    const offset = r * slab;
    for (let j = 0; j < slab; j++) {
      const v = values[offset + j]!;
      if (Number.isNaN(v) || (mask !== undefined && mask[offset + j] === 0)) continue;
      const k = at + map[j]!;
      sum[k]! += v;
      count[k]!++;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
}

/** Adds the span's rows of the bins of the level before. */
function addPartials(span: Span, input: BinPartials) {
  const { sum, count, min, max, map, factor, tileStart, outSlab, first } = span;
  const { sum: inSum, count: inCount, min: inMin, max: inMax } = input;
  const slab = map.length;
  for (let r = span.from; r < span.to; r++) {
    const at = (Math.floor((first + r) / factor) - tileStart) * outSlab;
    const offset = r * slab;
    for (let j = 0; j < slab; j++) {
      const i = offset + j;
      const c = inCount[i]!;
      if (c === 0) continue;
      const k = at + map[j]!;
      sum[k]! += inSum[i]!;
      count[k]! += c;
      const low = inMin[i]!;
      const high = inMax[i]!;
      if (low < min[k]!) min[k] = low;
      if (high > max[k]!) max[k] = high;
    }
  }
}

/** One level's bins for a tile of its rows, fed row by row in order. */
export class LevelReducer {
  private readonly outSlab: number;
  private readonly sum: Float64Array;
  private readonly count: Uint32Array;
  private readonly min: Float32Array;
  private readonly max: Float32Array;
  /** The tile's mean, min and max, handed to the sink (reused: the sink is done before the next). */
  private readonly out: { mean: Float32Array; min: Float32Array; max: Float32Array };
  /** The first row of the tile being filled, and one past the last row touched. */
  private tileStart = 0;
  private touched = 0;

  constructor(
    private readonly map: Int32Array,
    outShape: readonly number[],
    private readonly factor: number,
    private readonly tileRows: number,
    private readonly sink: (tile: LevelTile) => Promise<void>,
  ) {
    this.outSlab = sizeOf(outShape);
    const size = tileRows * this.outSlab;
    this.sum = new Float64Array(size);
    this.count = new Uint32Array(size);
    this.min = new Float32Array(size).fill(Number.POSITIVE_INFINITY);
    this.max = new Float32Array(size).fill(Number.NEGATIVE_INFINITY);
    this.out = {
      mean: new Float32Array(size),
      min: new Float32Array(size),
      max: new Float32Array(size),
    };
  }

  /**
   * Runs `add` over the `rows` input rows from input row `first` on, tile by tile: the rows
   * whose bins are in the tile being filled, then (after flushing it) the next tile's.
   */
  private async spans(first: number, rows: number, add: (span: Span) => void): Promise<void> {
    let from = 0;
    while (from < rows) {
      if (Math.floor((first + from) / this.factor) >= this.tileStart + this.tileRows) {
        await this.flush(this.tileRows);
        this.tileStart += this.tileRows;
      }
      const tileEnd = (this.tileStart + this.tileRows) * this.factor - first;
      const to = Math.min(rows, tileEnd);
      const { sum, count, min, max, map, factor, tileStart, outSlab } = this;
      add({ sum, count, min, max, map, factor, tileStart, outSlab, from, to, first });
      const last = Math.floor((first + to - 1) / factor) - tileStart + 1;
      this.touched = Math.max(this.touched, last);
      from = to;
    }
  }

  /** Adds `rows` rows of base values from input row `first` on; NaN and masked (0) skip. */
  pushValues(
    first: number,
    values: ArrayLike<number>,
    mask: ArrayLike<number> | undefined,
    rows: number,
  ): Promise<void> {
    return this.spans(first, rows, (span) => addValues(span, values, mask));
  }

  /** Adds the bins of the level before, from its row `first` on. */
  pushPartials(first: number, input: BinPartials): Promise<void> {
    return this.spans(first, input.rows, (span) => addPartials(span, input));
  }

  /** Flushes the last, partial tile. */
  async finish(): Promise<void> {
    if (this.touched > 0) await this.flush(this.touched);
  }

  /** Hands the tile's first `rows` rows to the sink, then clears the bins. */
  private async flush(rows: number): Promise<void> {
    const size = rows * this.outSlab;
    const mean = this.out.mean.subarray(0, size);
    const low = this.out.min.subarray(0, size);
    const high = this.out.max.subarray(0, size);
    const { count, sum, min, max } = this;
    for (let k = 0; k < size; k++) {
      const c = count[k]!;
      mean[k] = c === 0 ? Number.NaN : sum[k]! / c;
      low[k] = c === 0 ? Number.NaN : min[k]!;
      high[k] = c === 0 ? Number.NaN : max[k]!;
    }
    const partials: BinPartials = {
      rows,
      sum: this.sum.subarray(0, size),
      count: this.count.subarray(0, size),
      min: this.min.subarray(0, size),
      max: this.max.subarray(0, size),
    };
    await this.sink({ start: this.tileStart, mean, min: low, max: high, partials });
    this.sum.fill(0);
    this.count.fill(0);
    this.min.fill(Number.POSITIVE_INFINITY);
    this.max.fill(Number.NEGATIVE_INFINITY);
    this.touched = 0;
  }
}
