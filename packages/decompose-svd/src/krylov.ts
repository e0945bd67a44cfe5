/**
 * Randomized block Krylov SVD (Musco & Musco, NeurIPS 2015), on the row space: the basis spans
 * Ω, AᵀA·Ω, …, (AᵀA)^q·Ω, every block one fused pass over the data (AᵀA·Y), and the Ritz pairs of
 * AᵀA on it give the components. At the same number of passes it is far more accurate than the
 * power iterations of the randomized solver, whose subspace is the last block alone.
 */

import { type MatrixSource, normalGenerator } from "@tt/decompose-core";
import type { KernelMatrix, Kernels } from "@tt/linalg";
import { ConfigError } from "@tt/schema";
import type { SvdConfig } from "./config.js";
import { autoPowerIterations, type Decomposition, normalProduct, project } from "./solve.js";

/** What {@link solveKrylov} needs besides the data. */
export interface KrylovOptions {
  k: number;
  /** Columns of each block beyond k. */
  oversamples: number;
  /** Blocks after the first: q, for a basis of q + 1 blocks read in q + 1 passes (and one more for the scores). */
  powerIterations: number;
  seed: number;
  signal?: AbortSignal;
  onIteration(done: number, total: number): void;
}

/** The vectors the Krylov basis may hold: q + 1 blocks of min(k + oversamples, n, p), at most p. */
function basisCapacity(n: number, p: number, k: number, oversamples: number, q: number): number {
  return Math.min(p, (q + 1) * Math.min(k + oversamples, n, p));
}

/** Whether the Krylov basis of `config` (its power_iterations, "auto" resolved) fits `budget`. */
export function krylovFits(
  n: number,
  p: number,
  k: number,
  config: Pick<SvdConfig, "oversamples" | "power_iterations">,
  budget: number,
): boolean {
  const q =
    config.power_iterations === "auto"
      ? autoPowerIterations("krylov", k, n, p)
      : config.power_iterations;
  return 2 * 8 * p * basisCapacity(n, p, k, config.oversamples, q) <= budget;
}

/**
 * Throws a ConfigError naming `power_iterations` when the Krylov basis and its products (two
 * float64 matrices of up to (q + 1)·(k + oversamples) rows of p) would exceed the memory budget.
 */
export function checkKrylovBasis(
  n: number,
  p: number,
  k: number,
  oversamples: number,
  q: number,
  budget: number,
): void {
  const capacity = basisCapacity(n, p, k, oversamples, q);
  const bytes = 2 * 8 * p * capacity;
  if (bytes > budget)
    throw new ConfigError(
      "power_iterations",
      `${q} gives a Krylov basis of up to ${capacity} vectors of ${p} features, which with their products take ${bytes} bytes, more than memory_budget (${budget}); lower power_iterations or oversamples, raise memory_budget, or use solver "randomized"`,
    );
}

/**
 * The Krylov solver: q + 2 passes over the data, as many as the randomized solver with q power
 * iterations. The basis stops growing when a block adds nothing new or at p vectors: it then
 * holds the whole row space, and the Ritz values are the singular values up to rounding. It lives
 * in kernel memory as float64 rows, so that its projections and the Rayleigh quotient run on the
 * kernels too.
 */
export async function solveKrylov(
  source: MatrixSource,
  kernels: Kernels,
  options: KrylovOptions,
): Promise<Decomposition> {
  const { n, p } = source;
  const { k, powerIterations, seed } = options;
  const l = Math.min(k + options.oversamples, n, p);
  // Ω need not lie in the row space, so only p vectors surely span it.
  const capacity = basisCapacity(n, p, k, options.oversamples, powerIterations);
  const normal = normalGenerator(seed);
  // The first block draws the same numbers as the randomized solver's test matrix.
  const omega = new Float64Array(p * l);
  for (let i = 0; i < omega.length; i++) omega[i] = normal();
  const basis = kernels.allocMatrix(capacity, p, "float64");
  try {
    const products = new Float64Array(capacity * p);
    let size = await appendOrthonormal(kernels, basis, 0, omega, l);
    let done = 0;
    const total = powerIterations + 2;
    let iterations = 0;
    for (let blockIndex = 0; ; blockIndex++) {
      options.signal?.throwIfAborted();
      const width = size - done;
      const Z = await normalProduct(source, kernels, basisColumns(basis, done, size), width);
      for (let c = 0; c < width; c++)
        for (let j = 0; j < p; j++) products[(done + c) * p + j] = Z[j * width + c]!;
      done = size;
      options.onIteration(blockIndex + 1, total);
      if (blockIndex === powerIterations || size >= capacity) break;
      const grown = await appendOrthonormal(kernels, basis, size, Z, width);
      if (grown === size) break;
      size = grown;
      iterations++;
    }
    options.signal?.throwIfAborted();
    const V = await ritzVectors(kernels, basis.withRows(size), products, k);
    // A·V = U·diag(s)·Wᵀ, so A ≈ U·diag(s)·(V·W)ᵀ on the Ritz subspace.
    const decomposition = await project(source, kernels, V, k, k, iterations);
    options.onIteration(total, total);
    return decomposition;
  } finally {
    kernels.freeMatrix(basis);
  }
}

/**
 * The p×k Ritz vectors of AᵀA on the basis (m rows of p): the leading eigenvectors of
 * H = B·(AᵀA·Bᵀ), whose products are all known (`products`, m rows of p), mapped back through B.
 * H is symmetrized: the products round B to the data's precision, which leaves H symmetric only
 * to that precision.
 */
async function ritzVectors(
  kernels: Kernels,
  basis: KernelMatrix,
  products: Float64Array,
  k: number,
): Promise<Float64Array> {
  const { rows: m, cols: p } = basis;
  const productColumns = new Float64Array(p * m);
  for (let t = 0; t < m; t++)
    for (let j = 0; j < p; j++) productColumns[j * m + t] = products[t * p + j]!;
  const H = await kernels.multiply(basis, productColumns, m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < i; j++) {
      const value = (H[i * m + j]! + H[j * m + i]!) / 2;
      H[i * m + j] = value;
      H[j * m + i] = value;
    }
  const { vectors } = await kernels.symmetricEigen(H, m);
  const leading = new Float64Array(m * k);
  for (let t = 0; t < m; t++) for (let c = 0; c < k; c++) leading[t * k + c] = vectors[t * m + c]!;
  return kernels.multiplyTransA(basis, leading, k);
}

/**
 * Appends to the orthonormal rows [0, size) of `basis` the parts of the w columns of the p×w `W`
 * orthogonal to them, and returns the new row count. Block classical Gram-Schmidt on the kernels,
 * repeated while a round cancels more than half the norm of a column (Kahan and Parlett's "twice
 * is enough"), at most three rounds; then the same, column by column, within the block. A column
 * left at rounding level of its norm lies in the span and is skipped; rows stop at capacity.
 */
async function appendOrthonormal(
  kernels: Kernels,
  basis: KernelMatrix,
  size: number,
  W: Float64Array,
  w: number,
): Promise<number> {
  const p = basis.cols;
  const original = columnNorms(W, p, w);
  const kept = original.map((norm) => (norm > 0 ? 1 : 0));
  let before = original;
  for (let round = 0; round < 3 && size > 0; round++) {
    const old = basis.withRows(size);
    const coefficients = await kernels.multiply(old, W, w);
    const projection = await kernels.multiplyTransA(old, coefficients, w);
    for (let i = 0; i < W.length; i++) W[i]! -= projection[i]!;
    const after = columnNorms(W, p, w);
    let again = false;
    for (let c = 0; c < w; c++) {
      if (!kept[c]) continue;
      const cancelled = after[c]! < 0.5 * before[c]!;
      // Still cancelling after the third round, or at rounding level: in the span.
      if (after[c]! <= 1e-12 * original[c]! || (cancelled && round === 2)) kept[c] = 0;
      else if (cancelled) again = true;
    }
    before = after;
    if (!again) break;
  }
  const accepted: Float64Array[] = [];
  for (let c = 0; c < w; c++) {
    if (!kept[c] || size + accepted.length >= basis.rows) continue;
    const v = new Float64Array(p);
    for (let j = 0; j < p; j++) v[j] = W[j * w + c]!;
    const unit = orthogonalizeAgainst(v, accepted, original[c]!);
    if (unit !== undefined) accepted.push(unit);
  }
  const data = basis.data;
  for (const [t, v] of accepted.entries()) data.set(v, (size + t) * p);
  return size + accepted.length;
}

/** `v` made orthogonal to the orthonormal `others` and normalized, or undefined when it is in their span. */
function orthogonalizeAgainst(
  v: Float64Array,
  others: Float64Array[],
  original: number,
): Float64Array | undefined {
  let before = Math.sqrt(dot(v, v));
  for (let round = 0; round < 3; round++) {
    if (before <= 1e-12 * original) return undefined;
    if (others.length === 0) break;
    const coefficients = others.map((u) => dot(u, v));
    for (const [t, u] of others.entries()) {
      const c = coefficients[t]!;
      for (let j = 0; j < v.length; j++) v[j]! -= c * u[j]!;
    }
    const after = Math.sqrt(dot(v, v));
    const settled = after >= 0.5 * before;
    before = after;
    if (settled) break;
    if (round === 2) return undefined;
  }
  if (before <= 1e-12 * original) return undefined;
  for (let j = 0; j < v.length; j++) v[j]! /= before;
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j]! * b[j]!;
  return sum;
}

/** The Euclidean norm of each column of a row-major p×w matrix. */
function columnNorms(M: Float64Array, p: number, w: number): Float64Array {
  const squares = new Float64Array(w);
  for (let j = 0; j < p; j++)
    for (let c = 0; c < w; c++) squares[c]! += M[j * w + c]! * M[j * w + c]!;
  return squares.map(Math.sqrt);
}

/** Rows [from, to) of the basis as the columns of a row-major p×(to − from) matrix. */
function basisColumns(basis: KernelMatrix, from: number, to: number): Float64Array {
  const p = basis.cols;
  const w = to - from;
  const data = basis.data;
  const Y = new Float64Array(p * w);
  for (let c = 0; c < w; c++) for (let j = 0; j < p; j++) Y[j * w + c] = data[(from + c) * p + j]!;
  return Y;
}
