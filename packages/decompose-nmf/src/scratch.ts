/**
 * Kernel memory a pass reuses from block to block: a block of rows of W, and the elementwise
 * ratio X / (W·H) of the Kullback-Leibler updates, so that their products run on the kernels.
 */

import type { KernelMatrix, Kernels } from "@tt/linalg";
import { EPSILON } from "./updates.js";

/** The scratch matrices of one pass; `free` releases them. */
export interface Scratch {
  /** W_b·H (rows × p) for `rows` rows of W (`Wb`, rows × k). */
  product(Wb: Float64Array, rows: number, H: Float64Array): Promise<Float64Array>;
  /** X_b / max(W_b·H, EPSILON) in kernel memory (a zero of X gives 0), as scikit-learn's KL updates. */
  ratio(block: KernelMatrix, WH: Float64Array): KernelMatrix;
  free(): void;
}

/** Scratch matrices for blocks of p columns and rank k, grown to the largest block seen. */
export function createScratch(kernels: Kernels, p: number, k: number): Scratch {
  let factor: KernelMatrix | undefined;
  let ratio: KernelMatrix | undefined;
  const sized = (matrix: KernelMatrix | undefined, rows: number, cols: number) => {
    if (matrix !== undefined && matrix.rows >= rows) return matrix;
    if (matrix !== undefined) kernels.freeMatrix(matrix);
    return kernels.allocMatrix(rows, cols, "float64");
  };
  return {
    async product(Wb, rows, H) {
      factor = sized(factor, rows, k);
      const view = factor.withRows(rows);
      view.data.set(Wb.subarray(0, rows * k));
      return kernels.multiply(view, H, p);
    },
    ratio(block, WH) {
      ratio = sized(ratio, block.rows, p);
      const view = ratio.withRows(block.rows);
      const out = view.data;
      // Read after allocating: kernel memory may have grown and detached the block's old view.
      const X = block.data;
      for (let at = 0; at < block.rows * p; at++) {
        const x = X[at]!;
        const wh = WH[at]!;
        out[at] = x / Math.max(wh, EPSILON);
      }
      return view;
    },
    free() {
      if (factor !== undefined) kernels.freeMatrix(factor);
      if (ratio !== undefined) kernels.freeMatrix(ratio);
      factor = ratio = undefined;
    },
  };
}
