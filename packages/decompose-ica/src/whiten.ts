/**
 * PCA whitening on the channel covariance: one Gram pass over the observation rows, its eigen
 * decomposition, and the whitened data Z = X_c Kᵀ (observations × rank, unit covariance), held in
 * kernel memory when it fits the budget and recomputed block by block otherwise.
 */

import type { KernelMatrix, Kernels } from "@tt/linalg";
import { DataError } from "@tt/schema";
import type { ChannelRows, RowVisitor } from "./channel-rows.js";

/** The whitening of the channels: K (rank × channels) with K Σ Kᵀ = I. */
export interface Whitening {
  /** rank × channels, row-major: row k is eigenvector k of the covariance over sqrt(eigenvalue k). */
  K: Float64Array;
  /** Every eigenvalue of the channel covariance (divided by the observations), descending. */
  eigenvalues: Float64Array;
  /** Eigenvectors as columns (channels × channels), each with its largest entry positive. */
  eigenvectors: Float64Array;
  rank: number;
  channels: number;
  /** The sum of the channel variances (the trace of the covariance). */
  totalVariance: number;
}

/** The channel covariance of the centered rows (Gram over the observations / observations). */
export async function channelCovariance(
  rows: ChannelRows,
  kernels: Kernels,
): Promise<Float64Array> {
  const C = rows.channels;
  const sums = new Float64Array(C * C);
  await rows.forEach(async (block) => {
    await kernels.gram(block, sums);
  });
  return sums.map((x) => x / rows.rows);
}

/**
 * The whitening of rank `rank` from the covariance `cov` (channels × channels). Eigenvectors get
 * the sign that makes their largest entry positive, so the whitening (and with it where FastICA
 * starts) does not depend on the eigen solver's signs. A kept eigenvalue that is not positive
 * against the largest (relative 1e-12) is a DataError suggesting a lower rank.
 */
export async function whitening(
  cov: Float64Array,
  channels: number,
  rank: number,
  kernels: Kernels,
): Promise<Whitening> {
  const { values, vectors } = await kernels.symmetricEigen(cov, channels);
  const C = channels;
  for (let j = 0; j < C; j++) {
    let largest = 0;
    for (let i = 0; i < C; i++)
      if (Math.abs(vectors[i * C + j]!) > Math.abs(largest)) largest = vectors[i * C + j]!;
    if (largest < 0) for (let i = 0; i < C; i++) vectors[i * C + j] = -vectors[i * C + j]!;
  }
  const top = values[0]!;
  const smallest = values[rank - 1]!;
  if (!(top > 0) || !(smallest > top * 1e-12))
    throw new DataError(
      "rank",
      `the channel covariance has only ${values.filter((v) => v > top * 1e-12).length} eigenvalues above 1e-12 of the largest (${top}); the data has lower rank than the ${rank} components asked: set rank to at most that`,
    );
  const K = new Float64Array(rank * C);
  for (let k = 0; k < rank; k++) {
    const s = 1 / Math.sqrt(values[k]!);
    for (let c = 0; c < C; c++) K[k * C + c] = vectors[c * C + k]! * s;
  }
  const totalVariance = values.reduce((a, b) => a + Math.max(b, 0), 0);
  return { K, eigenvalues: values, eigenvectors: vectors, rank, channels: C, totalVariance };
}

/** Kᵀ (channels × rank), the right operand of X_c Kᵀ. */
export function transposed(M: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = M[i * cols + j]!;
  return out;
}

/** The whitened data, visited in blocks of observations (float64, rank columns). */
export interface WhitenedRows {
  readonly rows: number;
  readonly rank: number;
  /** The whole matrix in kernel memory, when it fits the budget. */
  readonly matrix: KernelMatrix | undefined;
  forEach(visit: RowVisitor): Promise<void>;
}

/**
 * The whitened rows: computed once into kernel memory when rows × rank float64 values take at
 * most half of `budget`, else recomputed from the data on every pass (a product per block).
 */
export async function whitenedRows(
  rows: ChannelRows,
  white: Whitening,
  kernels: Kernels,
  budget: number,
): Promise<WhitenedRows> {
  const r = white.rank;
  const Kt = transposed(white.K, r, white.channels);
  const project = async (block: KernelMatrix, into: KernelMatrix) => {
    const Z = await kernels.multiply(block, Kt, r);
    into.data.set(Z);
  };
  if (rows.rows * r * 8 <= budget / 2) {
    const matrix = kernels.allocMatrix(rows.rows, r, "float64");
    await rows.forEach(async (block, row0) => project(block, matrix.withRows(block.rows, row0)));
    return { rows: rows.rows, rank: r, matrix, forEach: (visit) => visit(matrix, 0) };
  }
  let scratch: KernelMatrix | undefined;
  return {
    rows: rows.rows,
    rank: r,
    matrix: undefined,
    forEach: (visit) =>
      rows.forEach(async (block, row0) => {
        if (scratch === undefined || scratch.rows < block.rows) {
          if (scratch !== undefined) kernels.freeMatrix(scratch);
          scratch = kernels.allocMatrix(block.rows, r, "float64");
        }
        const target = scratch.withRows(block.rows);
        await project(block, target);
        await visit(target, row0);
      }),
  };
}
