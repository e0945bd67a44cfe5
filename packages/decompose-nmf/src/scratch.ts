/**
 * Kernel memory a pass reuses from slice to slice: rows of W, and the elementwise ratio X / (W·H)
 * of the Kullback-Leibler updates, so that their products run on the kernels. Products W·H are
 * formed a slice of rows at a time ({@link forEachSlice}), never for a whole in-memory matrix.
 */

import { KERNEL_CHUNK_ROWS, type KernelMatrix, type Kernels } from "@tt/linalg";
import { EPSILON } from "./updates.js";

/** About the bytes of the float64 rows × p products of a slice. */
const SLICE_BYTES = 32 * 2 ** 20;

/**
 * Calls `visit(first, rows)` for consecutive slices of `rows` rows of p columns: multiples of
 * KERNEL_CHUNK_ROWS rows of about SLICE_BYTES of float64 (so that running sums over slices have
 * the bits of sums over the blocks that hold them).
 */
export async function forEachSlice(
  rows: number,
  p: number,
  visit: (first: number, rows: number) => Promise<void>,
): Promise<void> {
  const chunks = Math.max(1, Math.floor(SLICE_BYTES / (p * 8 * KERNEL_CHUNK_ROWS)));
  const slice = chunks * KERNEL_CHUNK_ROWS;
  for (let first = 0; first < rows; first += slice)
    await visit(first, Math.min(slice, rows - first));
}

/** The scratch matrices of one pass; `free` releases them. */
export interface Scratch {
  /** W_b·H (rows × p) for `rows` rows of W (`Wb`, rows × k). */
  product(Wb: Float64Array, rows: number, H: Float64Array): Promise<Float64Array>;
  /** X / max(W·H, EPSILON) of some rows in kernel memory (a zero of X gives 0), as scikit-learn's KL updates. */
  ratio(X: Float32Array | Float64Array, WH: Float64Array): KernelMatrix;
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
    ratio(X, WH) {
      const rows = WH.length / p;
      ratio = sized(ratio, rows, p);
      const view = ratio.withRows(rows);
      const out = view.data;
      for (let at = 0; at < rows * p; at++) {
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
