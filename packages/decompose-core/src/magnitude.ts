/**
 * The magnitude of the data, and the powers of two that bring it where the kernels and solvers
 * can square it. Products, Gram matrices and Jacobi rotations square the data (and square it
 * again), so a matrix with a norm far from 1 overflows or underflows long before float64's range
 * ends: near 1e80 the solvers return NaN or wrong singular values, from 1.3e154 sums of squares
 * are infinite. As LAPACK's dnrm2 and dgesdd do, the fix is to scale, by exact powers of two, so
 * that the rescaled fit equals the fit of the original data times that power.
 *
 * Two scalings, both 0 for ordinary data (which then keeps its bits):
 * - the data as read, when its statistics (sums of squares about a typical value per column)
 *   overflow, or when it is so small that squares would lose precision;
 * - the preprocessed matrix (centered, scaled, weighted), to a Frobenius norm near 1. Scaling the
 *   matrix rather than the data keeps a huge offset that centering removes (a column of 1e300
 *   plus small variations) from crushing the rest of the data into subnormal numbers.
 */

import type { ColumnMoments } from "./statistics.js";

/**
 * The largest (and inverse the smallest) Frobenius norm of the preprocessed matrix, as a power of
 * two, that the kernels handle without overflow or underflow: float64 products go to 2^±200 and
 * their squares stay inside 2^±1022; float32 products sum in float32 over a chunk of rows.
 */
const BAND = { float64: 100, float32: 40 } as const;

/** Data whose largest row norm is below 2^-400 is scaled up before statistics are taken. */
const SMALLEST_LOG2_NORM = -400;

/** Sums of squares below this may have underflowed, so their rows are read entry by entry. */
const TINY_SQUARES = 2 ** -900;

/** One entry of the matrix: a row of the view, a column of the matrix and its value as read. */
export interface Entry {
  row: number;
  column: number;
  value: number;
}

/** `x · 2^exponent`, exact when the result is normal, for exponents beyond ±1023 too. */
export function ldexp(x: number, exponent: number): number {
  let result = x;
  let rest = exponent;
  while (rest > 1023) {
    result *= 2 ** 1023;
    rest -= 1023;
  }
  while (rest < -1022) {
    result *= 2 ** -1022;
    rest += 1022;
  }
  return result * 2 ** rest;
}

/** What the scan learns of the size of the values, row by row. */
export class Magnitude {
  /** log2 of the largest row norm seen (an upper bound for rows read entry by entry). */
  log2Norm = Number.NEGATIVE_INFINITY;
  /** The entry of largest magnitude in the row of the largest norm. */
  largest: Entry | undefined;
  /** The first entry, in row order, whose square float64 cannot hold (|x| ≥ 1.34e154). */
  firstHuge: Entry | undefined;

  /**
   * Reads rows `0..rows-1` of `data` (rows `row0...` of the view) through their sums of squares
   * from the kernels; rows whose sum is not an ordinary finite number are read entry by entry.
   * Returns the rows with a NaN (missing values) and the first infinite entry, if any.
   */
  observe(
    data: Float32Array | Float64Array,
    rows: number,
    p: number,
    rowSumSquares: Float64Array,
    row0: number,
  ): { missing: number[]; infinite: Entry | undefined } {
    const missing: number[] = [];
    let best = this.log2Norm;
    let bestRow = -1;
    let bestColumn = -1;
    for (let i = 0; i < rows; i++) {
      const s = rowSumSquares[i]!;
      if (s >= TINY_SQUARES && s < Number.POSITIVE_INFINITY) {
        const log2Norm = 0.5 * Math.log2(s);
        if (log2Norm > best) {
          best = log2Norm;
          bestRow = i;
          bestColumn = -1;
        }
        continue;
      }
      // Infinite, NaN, or so small that the squares underflowed: look at the values.
      let max = 0;
      let maxColumn = -1;
      let hasNaN = false;
      for (let j = 0; j < p; j++) {
        const x = data[i * p + j]!;
        if (Number.isNaN(x)) {
          hasNaN = true;
          continue;
        }
        const magnitude = Math.abs(x);
        if (magnitude === Number.POSITIVE_INFINITY)
          return { missing, infinite: { row: row0 + i, column: j, value: x } };
        if (magnitude > max) {
          max = magnitude;
          maxColumn = j;
        }
        if (this.firstHuge === undefined && magnitude * magnitude === Number.POSITIVE_INFINITY)
          this.firstHuge = { row: row0 + i, column: j, value: x };
      }
      if (hasNaN) missing.push(i);
      const log2Norm = max > 0 ? Math.log2(max) + 0.5 * Math.log2(p) : Number.NEGATIVE_INFINITY;
      if (log2Norm > best) {
        best = log2Norm;
        bestRow = i;
        bestColumn = maxColumn;
      }
    }
    if (bestRow >= 0) {
      if (bestColumn < 0) bestColumn = largestColumn(data, bestRow * p, p);
      this.log2Norm = best;
      this.largest = {
        row: row0 + bestRow,
        column: bestColumn,
        value: data[bestRow * p + bestColumn]!,
      };
    }
    return { missing, infinite: undefined };
  }
}

function largestColumn(data: Float32Array | Float64Array, offset: number, p: number): number {
  let column = 0;
  for (let j = 1; j < p; j++)
    if (Math.abs(data[offset + j]!) > Math.abs(data[offset + column]!)) column = j;
  return column;
}

/**
 * The exponent e by which the data as read is scaled (times 2^-e) before its statistics are
 * taken: its largest row norm when `statisticsOverflow` or when that norm is below 2^-400, else 0.
 */
export function dataExponent(magnitude: Magnitude, statisticsOverflow: boolean): number {
  const { log2Norm } = magnitude;
  if (!Number.isFinite(log2Norm)) return 0;
  if (!statisticsOverflow && log2Norm >= SMALLEST_LOG2_NORM) return 0;
  return Math.max(Math.ceil(log2Norm), -1023);
}

/**
 * The exponent e by which the preprocessed matrix is scaled (times 2^-e) for the solvers: 0 when
 * log2 of its Frobenius norm is inside the band of `dtype`, else that log2 rounded up.
 */
export function matrixExponent(log2Norm: number, dtype: "float32" | "float64"): number {
  if (!Number.isFinite(log2Norm) || Math.abs(log2Norm) < BAND[dtype]) return 0;
  return Math.max(Math.ceil(log2Norm), -1023);
}

/** log2 of Σ (x - c)² over the rows counted in column `j` of `moments`, without overflow. */
export function log2SquaresAbout(moments: ColumnMoments, j: number, c: number): number {
  const count = moments.count[j]!;
  const sum = moments.sum[j]!;
  const squares = moments.sumSquares[j]!;
  // Σ (x - c)² = squares + 2·d·sum + count·d² with d = shift - c, each term divided by g².
  const d = moments.shift[j]! - c;
  if (!Number.isFinite(d)) return Number.POSITIVE_INFINITY;
  const g = Math.max(Math.abs(d), Math.sqrt(squares / Math.max(count, 1)));
  if (!(g > 0)) return Number.NEGATIVE_INFINITY;
  const u = d / g;
  const ratio = squares / g / g + 2 * u * (sum / g) + count * u * u;
  return ratio > 0 ? 2 * Math.log2(g) + Math.log2(ratio) : Number.NEGATIVE_INFINITY;
}

/** log2 of the square root of Σ 2^terms[j] (log2 of a norm from log2 of its squares), without overflow. */
export function log2RootOfSum(terms: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < terms.length; j++) max = Math.max(max, terms[j]!);
  if (!Number.isFinite(max)) return max;
  let total = 0;
  for (let j = 0; j < terms.length; j++) total += 2 ** (terms[j]! - max);
  return 0.5 * (max + Math.log2(total));
}

/** A statistic per cell, as the preprocessing applies it. */
interface CellValues {
  layout: { perRow: boolean; cellOfColumn: Int32Array };
  values: Float64Array;
}

/**
 * log2 of the Frobenius norm of the preprocessed matrix, from the scan alone (so that in-memory
 * and streamed fits choose the same scaling): exact up to rounding when the statistics are per
 * column (or absent); with statistics per instance, a bound from the largest row norm (or, scaled
 * per instance, the norm of rows of unit spread).
 */
export function log2MatrixNorm(input: {
  p: number;
  rows: number;
  columnWeights: Float64Array | null;
  moments: ColumnMoments;
  center: CellValues | undefined;
  scale: CellValues | undefined;
  log2RowNorm: number;
}): number {
  const { p, rows, columnWeights, moments, center, scale } = input;
  const weight = (j: number) => Math.abs(columnWeights?.[j] ?? 1);
  if (center?.layout.perRow || scale?.layout.perRow) {
    let largestWeight = 0;
    for (let j = 0; j < p; j++) largestWeight = Math.max(largestWeight, weight(j));
    const rowNorm = scale?.layout.perRow ? 0.5 * Math.log2(p) : input.log2RowNorm;
    return rowNorm + 0.5 * Math.log2(rows) + Math.log2(largestWeight);
  }
  const cellValue = (stat: CellValues | undefined, j: number, fallback: number) =>
    stat === undefined ? fallback : stat.values[stat.layout.cellOfColumn[j]!]!;
  const terms = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const factor = weight(j) / cellValue(scale, j, 1);
    terms[j] = log2SquaresAbout(moments, j, cellValue(center, j, 0)) + 2 * Math.log2(factor);
  }
  return log2RootOfSum(terms);
}
