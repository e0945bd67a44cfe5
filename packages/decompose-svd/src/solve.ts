/**
 * The solvers: exact (QR + Jacobi), Gram (one pass + symmetric eigen) and randomized (Halko);
 * the block Krylov solver, which shares the passes defined here, is in krylov.ts.
 */

import {
  type MatrixSource,
  normalGenerator,
  normalProductPass,
  type PassFunction,
  rowsStayOnWorkers,
  runPass,
} from "@tt/decompose-core";
import { type Kernels, qr, svdFlip, svdSmall } from "@tt/linalg";
import { UnsupportedError } from "@tt/schema";
import { residualsPass } from "./rows.js";

/** A truncated SVD of the source: `k` singular values, components and scores (U·S). */
export interface Decomposition {
  /** Every singular value the solver computed, descending (at least `k`). */
  singularValues: Float64Array;
  /** k×p, orthonormal rows, signs as scikit-learn's `svd_flip`. */
  components: Float64Array;
  /** n×k: U·diag(s), which equals the rows projected on the components. */
  scores: Float64Array;
  k: number;
  /** Power iterations run (randomized), else 0. */
  iterations: number;
  /** Squared norm of each row, when the solver's last pass over the data collected it. */
  rowSquares: Float64Array | undefined;
  /**
   * The squared norm of the matrix, when the rows stayed on the workers of a split fit: `scores`
   * and `rowSquares` are then empty (the workers compute them as they write the instance table).
   */
  totalSquares?: number;
}

/** The largest p for which the Gram solver forms the p×p matrix. */
export const GRAM_MAX_COLUMNS = 8192;

/** The pass of {@link multiply}: `product` (l per row) and, when asked, `rowSquares`. */
const multiplyPass: PassFunction = async (source, kernels, input) => {
  const B = input.B as Float64Array;
  const l = input.l as number;
  const product = new Float64Array(source.n * l);
  const rowSquares = input.rowSquares === 1 ? new Float64Array(source.n) : undefined;
  const noShift = new Float64Array(source.p);
  await source.forEachBlock(async (block, row0) => {
    product.set(await kernels.multiply(block, B, l), row0 * l);
    if (rowSquares !== undefined) {
      const { rowSumSquares } = await kernels.moments(block, noShift);
      rowSquares.set(rowSumSquares.subarray(0, block.rows), row0);
    }
  });
  const rows = { product: { values: product, width: l } };
  return {
    sums: {},
    rows:
      rowSquares === undefined ? rows : { ...rows, rowSquares: { values: rowSquares, width: 1 } },
  };
};

/**
 * The pass that ends a sketching solver when the rows stay on the workers: `G`, the Gram matrix
 * CᵀC of C = A·B (l×l, B p×l), and `total`, the squared norm of A. C itself never leaves them.
 */
const projectGramPass: PassFunction = async (source, kernels, input) => {
  const B = input.B as Float64Array;
  const l = input.l as number;
  const G = new Float64Array(l * l);
  const total = new Float64Array(1);
  const noShift = new Float64Array(source.p);
  await source.forEachBlock(async (block) => {
    const C = await kernels.multiply(block, B, l);
    for (let i = 0; i < block.rows; i++)
      for (let a = 0; a < l; a++) {
        const x = C[i * l + a]!;
        for (let b = 0; b < l; b++) G[a * l + b]! += x * C[i * l + b]!;
      }
    const { rowSumSquares } = await kernels.moments(block, noShift);
    for (let i = 0; i < block.rows; i++) total[0]! += rowSumSquares[i]!;
  });
  return { sums: { G, total }, rows: {} };
};

/** The pass of the Gram solver: `G`, AᵀA (p×p). */
const gramPass: PassFunction = async (source, kernels) => {
  const G = new Float64Array(source.p * source.p);
  await source.forEachBlock(async (block) => {
    await kernels.gram(block, G);
  });
  return { sums: { G }, rows: {} };
};

/** The passes of the SVD solvers, by the names they run under (see `runPass`). */
export const SVD_PASSES: Readonly<Record<string, PassFunction>> = Object.freeze({
  "svd.gram": gramPass,
  "svd.multiply": multiplyPass,
  "svd.projectGram": projectGramPass,
  "svd.residuals": residualsPass,
  // The shared product pass (`T`), under the SVD solvers' own name.
  "svd.normalProduct": normalProductPass,
});

/**
 * The product of the preprocessed matrix with `B` (p×l), n×l, in one pass; with `rowSquares`
 * (length n), the same pass also collects each row's squared norm.
 */
export async function multiply(
  source: MatrixSource,
  kernels: Kernels,
  B: Float64Array,
  l: number,
  rowSquares?: Float64Array,
): Promise<Float64Array> {
  const input = { B, l, rowSquares: rowSquares === undefined ? 0 : 1 };
  const { rows } = await runPass(source, kernels, "svd.multiply", multiplyPass, input);
  if (rowSquares !== undefined) rowSquares.set(rows.rowSquares!.values);
  return rows.product!.values;
}

/** AᵀA·Y (p×l) of the preprocessed matrix, in one fused pass. */
export async function normalProduct(
  source: MatrixSource,
  kernels: Kernels,
  Y: Float64Array,
  l: number,
): Promise<Float64Array> {
  const { sums } = await runPass(source, kernels, "svd.normalProduct", normalProductPass, { Y, l });
  return sums.T!;
}

/** The n×k scores and the signs: components flipped as `svd_flip`, scores to match. */
export function finish(
  singularValues: Float64Array,
  components: Float64Array,
  scores: Float64Array,
  k: number,
  iterations: number,
  rowSquares?: Float64Array,
): Decomposition {
  svdFlip(scores, singularValues.subarray(0, k), components);
  return { singularValues, components, scores, k, iterations, rowSquares };
}

/** Exact SVD of the in-memory matrix: Householder QR and one-sided Jacobi, LAPACK's accuracy. */
export async function solveExact(source: MatrixSource, k: number): Promise<Decomposition> {
  if (!source.inMemory)
    throw new UnsupportedError(
      "solver exact streaming",
      `config 'solver': "exact" needs the matrix in memory (${source.n} x ${source.p}) but it exceeds memory_budget; use "gram" or "randomized", or raise memory_budget`,
    );
  const { n, p } = source;
  let dense = new Float64Array(0);
  await source.forEachBlock(async (block) => {
    dense = Float64Array.from(block.data.subarray(0, n * p));
  });
  const { U, s, Vt } = svdSmall(dense, n, p);
  const r = s.length;
  const scores = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) scores[i * k + c] = U[i * r + c]! * s[c]!;
  return finish(s, Vt.slice(0, k * p), scores, k, 0);
}

/** Gram solver: AᵀA in one pass, its eigenvectors, then the scores A·V in a second pass. */
export async function solveGram(
  source: MatrixSource,
  kernels: Kernels,
  k: number,
): Promise<Decomposition> {
  const { p } = source;
  if (p > GRAM_MAX_COLUMNS)
    throw new UnsupportedError(
      "solver gram",
      `config 'solver': "gram" forms a ${p} x ${p} matrix, more than ${GRAM_MAX_COLUMNS} columns; use "randomized"`,
    );
  const { G } = (await runPass(source, kernels, "svd.gram", gramPass, {})).sums;
  const { values, vectors } = await kernels.symmetricEigen(G!, p);
  const r = Math.min(p, source.n);
  const singularValues = Float64Array.from(values.subarray(0, r), (v) => Math.sqrt(Math.max(v, 0)));
  const V = new Float64Array(p * k);
  for (let j = 0; j < p; j++) for (let c = 0; c < k; c++) V[j * k + c] = vectors[j * p + c]!;
  const components = new Float64Array(k * p);
  for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) components[c * p + j] = V[j * k + c]!;
  if (rowsStayOnWorkers(source)) {
    let trace = 0;
    for (let j = 0; j < p; j++) trace += G![j * p + j]!;
    return {
      ...finish(singularValues, components, new Float64Array(0), k, 0),
      totalSquares: trace,
    };
  }
  const rowSquares = new Float64Array(source.n);
  const scores = await multiply(source, kernels, V, k, rowSquares);
  return finish(singularValues, components, scores, k, 0, rowSquares);
}

/**
 * `power_iterations: "auto"`: for randomized, scikit-learn's rule (7 for small ranks, else 4); for
 * krylov, 5 (a basis of 6 blocks, 7 passes): at least the accuracy of scikit-learn's
 * randomized_svd defaults on the headline tensor and on slowly decaying spectra (4 only ties it
 * on fixtures/golden/svd-iterative.json's slow_decay).
 */
export function autoPowerIterations(solver: string, k: number, n: number, p: number): number {
  if (solver === "krylov") return 5;
  return k < 0.1 * Math.min(n, p) ? 7 : 4;
}

/**
 * Randomized SVD (Halko, Martinsson & Tropp), on the row space: Y spans (AᵀA)^(q+1)·Ω, each
 * power iteration is one fused read of A (AᵀA·Y) followed by a QR; a last read forms A·Y, whose
 * small SVD gives the result. The subspace is the one scikit-learn's `randomized_svd` finds with
 * q power iterations, with q + 2 reads of A instead of 2q + 2.
 */
export async function solveRandomized(
  source: MatrixSource,
  kernels: Kernels,
  options: {
    k: number;
    oversamples: number;
    powerIterations: number;
    seed: number;
    signal?: AbortSignal;
    onIteration(done: number, total: number): void;
  },
): Promise<Decomposition> {
  const { n, p } = source;
  const { k, powerIterations, seed } = options;
  const l = Math.min(k + options.oversamples, n, p);
  const normal = normalGenerator(seed);
  let Y: Float64Array = new Float64Array(p * l);
  for (let i = 0; i < Y.length; i++) Y[i] = normal();
  const total = powerIterations + 2;
  for (let iteration = 0; iteration <= powerIterations; iteration++) {
    options.signal?.throwIfAborted();
    Y = orthonormal(await normalProduct(source, kernels, Y, l), p, l);
    options.onIteration(iteration + 1, total);
  }
  options.signal?.throwIfAborted();
  const decomposition = await project(source, kernels, Y, l, k, powerIterations);
  options.onIteration(total, total);
  return decomposition;
}

/**
 * The last step of the sketching solvers: with the p×l orthonormal `B` spanning the subspace,
 * C = A·B = U·diag(s)·Wᵀ gives A ≈ U·diag(s)·(B·W)ᵀ: the first k singular values, components
 * B·W and scores U·diag(s). When the rows stay on the workers, the SVD of C is found from the
 * eigenpairs of CᵀC (summed over the partitions), and the scores are left to the workers.
 */
export async function project(
  source: MatrixSource,
  kernels: Kernels,
  B: Float64Array,
  l: number,
  k: number,
  iterations: number,
): Promise<Decomposition> {
  const { n, p } = source;
  const combine = (W: Float64Array, stride: number, transposed: boolean) => {
    const components = new Float64Array(k * p);
    for (let c = 0; c < k; c++)
      for (let j = 0; j < p; j++) {
        let sum = 0;
        for (let t = 0; t < l; t++)
          sum += B[j * l + t]! * (transposed ? W[c * stride + t]! : W[t * stride + c]!);
        components[c * p + j] = sum;
      }
    return components;
  };
  if (rowsStayOnWorkers(source)) {
    const { sums } = await runPass(source, kernels, "svd.projectGram", projectGramPass, { B, l });
    const { values, vectors } = await kernels.symmetricEigen(sums.G!, l);
    const s = Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 0)));
    const decomposition = finish(s, combine(vectors, l, false), new Float64Array(0), k, iterations);
    return { ...decomposition, totalSquares: sums.total![0]! };
  }
  const rowSquares = new Float64Array(n);
  const C = await multiply(source, kernels, B, l, rowSquares);
  const { U, s, Vt: Wt } = svdSmall(C, n, l);
  const scores = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) scores[i * k + c] = U[i * l + c]! * s[c]!;
  return finish(s, combine(Wt, l, true), scores, k, iterations, rowSquares);
}

/** Orthonormal columns spanning the p×l `Z` (Householder QR; p ≥ l). */
function orthonormal(Z: Float64Array, p: number, l: number): Float64Array {
  for (let i = 0; i < Z.length; i++)
    if (!Number.isFinite(Z[i]!))
      throw new UnsupportedError(
        "non-finite product",
        "the data produced a non-finite product; check for huge values",
      );
  return qr(Z, p, l).Q;
}
