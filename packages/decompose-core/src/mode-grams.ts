/**
 * The Gram matrices of a tensor's mode unfoldings, `X_(k) X_(k)ᵀ` for every non-instance mode k,
 * accumulated block by block on the kernels: CP's "svd" start and Tucker's HOSVD.
 */

import { KERNEL_CHUNK_ROWS, type KernelDType, type KernelMatrix, type Kernels } from "@tt/linalg";
import { turnTaker } from "./turns.js";

/** The most instances per piece when the mode unfoldings are formed: the kernels' chunk. */
const PIECE_INSTANCES = KERNEL_CHUNK_ROWS;

/**
 * The floating-point operations one piece's Gram products may take (all modes): about a tenth
 * of a second on one core, so that the event loop gets its turns between them.
 */
const PIECE_FLOPS = 2e9;

/**
 * Instances per piece: the largest power of two (dividing the kernels' chunk) whose Gram products,
 * 2·p·d_k per instance and mode, stay within `PIECE_FLOPS`.
 */
function pieceInstances(dims: readonly number[]): number {
  const p = dims.reduce((a, b) => a * b, 1);
  const flops = 2 * p * dims.reduce((a, b) => a + b, 0);
  let piece = PIECE_INSTANCES;
  while (piece > 1 && piece * flops > PIECE_FLOPS) piece /= 2;
  return piece;
}

/**
 * Accumulates the mode Gram matrices `X_(k) X_(k)ᵀ` block by block, on the kernels: for each mode
 * k, a piece of instances is rearranged into the rows (instance, other indices) × d_k of the
 * mode-k unfolding's transpose, and `kernels.gram` adds its `AᵀA`. Pieces hold a power of two of
 * instances that divides the kernels' chunk rows (blocks start at multiples of it), so the sums do
 * not depend on how the data was blocked (in memory or streamed); they are small enough that the
 * event loop gets a turn between them (a split fit's worker keeps its job's lock).
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
  readonly #piece: number;
  readonly #turn = turnTaker();

  /** `instances`: the most instances a block will have (pieces need no more room). */
  constructor(kernels: Kernels, dims: readonly number[], dtype: KernelDType, instances: number) {
    this.#dims = dims;
    this.#kernels = kernels;
    this.#grams = dims.map((d) => new Float64Array(d * d));
    const p = dims.reduce((a, b) => a * b, 1);
    this.#piece = pieceInstances(dims);
    const piece = Math.max(1, Math.min(this.#piece, instances));
    this.#scratch = dims.map((d) => kernels.allocMatrix((piece * p) / d, d, dtype));
  }

  /** Adds the instances of a block (rows × p, each row a tensor of `dims` in C order). */
  async add(block: KernelMatrix): Promise<void> {
    const dims = this.#dims;
    const p = block.cols;
    for (let first = 0; first < block.rows; first += this.#piece) {
      const rows = Math.min(this.#piece, block.rows - first);
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
      await this.#turn();
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
