/**
 * The Gram matrices of a tensor's mode unfoldings, `X_(k) X_(k)ᵀ` for every non-instance mode k,
 * accumulated block by block on the kernels: CP's "svd" start and Tucker's HOSVD.
 */

import { KERNEL_CHUNK_ROWS, type KernelDType, type KernelMatrix, type Kernels } from "@tt/linalg";

/** Instances per piece when the mode unfoldings are formed: a multiple of the kernels' chunk. */
const PIECE_INSTANCES = KERNEL_CHUNK_ROWS;

/**
 * Accumulates the mode Gram matrices `X_(k) X_(k)ᵀ` block by block, on the kernels: for each mode
 * k, a piece of instances is rearranged into the rows (instance, other indices) × d_k of the
 * mode-k unfolding's transpose, and `kernels.gram` adds its `AᵀA`. Pieces hold a multiple of the
 * kernels' chunk rows, so the sums do not depend on how the data was blocked (in memory or
 * streamed).
 *
 * @example
 * ```ts
 * import { ModeGrams } from "@tt/decompose-core";
 * import { createKernels } from "@tt/linalg";
 *
 * const kernels = await createKernels();
 * const block = kernels.allocMatrix(2, 6, "float64"); // 2 instances of a 3 × 2 tensor
 * block.data.set([1, 2, 3, 4, 5, 6, 0, 1, 0, 1, 0, 1]);
 * const grams = new ModeGrams(kernels, [3, 2], "float64", 2);
 * await grams.add(block);
 * console.log(grams.sums()[0]); // 3 × 3: X_(1) X_(1)ᵀ summed over the instances
 * grams.free();
 * await kernels.dispose();
 * ```
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
