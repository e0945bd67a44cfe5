/**
 * Initial factors of the non-instance modes. `"svd"`: for each mode k, the eigenvectors of the R
 * largest eigenvalues of the mode-k unfolding's Gram matrix `X_(k) X_(k)ᵀ` (its leading left
 * singular vectors), the largest-magnitude entry of each made positive; columns beyond d_k (rank >
 * d_k) are drawn from the seeded generator. `"random"`: uniform (0, 1) entries from the seeded
 * generator. Columns are scaled to unit norm. The instance factor needs no start: each sweep
 * solves for it first.
 */

import { uniformGenerator } from "@tt/decompose-core";
import {
  KERNEL_CHUNK_ROWS,
  type KernelDType,
  type KernelMatrix,
  type Kernels,
  symmetricEigen,
} from "@tt/linalg";
import { normalizeColumns, symmetrize } from "./small.js";

/** Instances per piece when the mode unfoldings are formed: a multiple of the kernels' chunk. */
const PIECE_INSTANCES = KERNEL_CHUNK_ROWS;

/**
 * Accumulates the mode Gram matrices `X_(k) X_(k)ᵀ` block by block for the `"svd"`
 * initialization, on the kernels: for each mode k, a piece of instances is rearranged into the
 * rows (instance, other indices) × d_k of the mode-k unfolding's transpose, and `kernels.gram`
 * adds its `AᵀA`. Pieces hold a multiple of the kernels' chunk rows, so the sums do not depend on
 * how the data was blocked (in memory or streamed).
 */
export class ModeGrams {
  readonly #dims: readonly number[];
  readonly #grams: Float64Array[];
  readonly #kernels: Kernels;
  readonly #scratch: KernelMatrix[];

  /** `instances`: the most instances a block will have (pieces need no more room). */
  constructor(kernels: Kernels, dims: readonly number[], dtype: KernelDType, instances: number) {
    this.#dims = dims;
    this.#kernels = kernels;
    this.#grams = dims.map((d) => new Float64Array(d * d));
    const p = dims.reduce((a, b) => a * b, 1);
    const piece = Math.max(1, Math.min(PIECE_INSTANCES, instances));
    this.#scratch = dims.map((d) => kernels.allocMatrix((piece * p) / d, d, dtype));
  }

  /** Adds the instances of a block (rows × p, each row a tensor of `dims` in C order). */
  async add(block: KernelMatrix): Promise<void> {
    const dims = this.#dims;
    const p = block.cols;
    for (let first = 0; first < block.rows; first += PIECE_INSTANCES) {
      const rows = Math.min(PIECE_INSTANCES, block.rows - first);
      for (const [k, d] of dims.entries()) {
        const post = dims.slice(k + 1).reduce((a, b) => a * b, 1);
        const pre = p / (d * post);
        const target = this.#scratch[k]!.withRows((rows * p) / d);
        // Read the views after any allocation: kernel memory may have grown.
        const data = block.data;
        const out = target.data;
        let at = 0;
        for (let i = first; i < first + rows; i++)
          for (let q = 0; q < pre; q++) {
            const base = i * p + q * d * post;
            for (let t = 0; t < post; t++) {
              for (let a = 0; a < d; a++) out[at + a] = data[base + a * post + t]!;
              at += d;
            }
          }
        await this.#kernels.gram(target, this.#grams[k]!);
      }
    }
  }

  /** Releases the kernel memory of the pieces. */
  free(): void {
    for (const matrix of this.#scratch) this.#kernels.freeMatrix(matrix);
  }

  /** The Gram matrices accumulated so far, one d_k × d_k per mode. */
  sums(): Float64Array[] {
    return this.#grams;
  }
}

/** The `"svd"` initial factors from the modes' Gram matrices; see the module comment. */
export function gramFactors(
  dims: readonly number[],
  grams: readonly Float64Array[],
  rank: number,
  seed: number,
  nonnegative: boolean,
): { factors: Float64Array[]; detail: string } {
  const random = uniformGenerator(seed);
  let filled = 0;
  const factors = dims.map((d, k) => {
    const G = grams[k]!;
    const { vectors } = symmetricEigen(symmetrize(G, d), d);
    const U = new Float64Array(d * rank);
    for (let r = 0; r < rank; r++) {
      if (r >= d) {
        filled++;
        for (let a = 0; a < d; a++) U[a * rank + r] = random();
        continue;
      }
      let largest = 0;
      for (let a = 1; a < d; a++)
        if (Math.abs(vectors[a * d + r]!) > Math.abs(vectors[largest * d + r]!)) largest = a;
      const sign = vectors[largest * d + r]! < 0 ? -1 : 1;
      for (let a = 0; a < d; a++) U[a * rank + r] = sign * vectors[a * d + r]!;
    }
    if (nonnegative) for (let x = 0; x < U.length; x++) U[x] = Math.abs(U[x]!);
    normalizeColumns(U, rank);
    return U;
  });
  const detail =
    "leading eigenvectors of each mode's unfolding Gram matrix (left singular vectors), largest-magnitude entry positive" +
    (nonnegative ? ", absolute values (nonnegative)" : "") +
    (filled > 0
      ? `; ${filled} column(s) beyond a mode's length drawn uniform (0, 1), seed ${seed}`
      : "");
  return { factors, detail };
}

/** The `"random"` initial factors: uniform (0, 1) entries, unit columns. */
export function randomFactors(
  dims: readonly number[],
  rank: number,
  seed: number,
): { factors: Float64Array[]; detail: string } {
  const random = uniformGenerator(seed);
  const factors = dims.map((d) => {
    const U = Float64Array.from({ length: d * rank }, random);
    normalizeColumns(U, rank);
    return U;
  });
  return { factors, detail: `uniform (0, 1) entries, seed ${seed}, unit columns` };
}
