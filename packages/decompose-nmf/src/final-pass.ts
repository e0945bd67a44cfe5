/** The last pass: each instance's residual norm and the loss of the fitted W and H. */

import type { MatrixSource } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import { blockLoss, lossOf } from "./iterate.js";
import { createScratch, forEachSlice } from "./scratch.js";

/** Per instance ‖x_i − w_i·H‖₂, and scikit-learn's `reconstruction_err_` of the loss. */
export interface Residuals {
  rowErrors: Float64Array;
  loss: number;
  /** ‖X − W·H‖_F. */
  frobenius: number;
}

/** Reads the data once more for the residuals of W·H (products on the kernels). */
export async function residuals(
  source: MatrixSource,
  kernels: Kernels,
  W: Float64Array,
  H: Float64Array,
  k: number,
  kl: boolean,
): Promise<Residuals> {
  const { p } = source;
  const rowErrors = new Float64Array(source.n);
  const scratch = createScratch(kernels, p, k);
  let klSum = 0;
  let squares = 0;
  try {
    await source.forEachBlock(async (block, row0) => {
      await forEachSlice(block.rows, p, async (first, rows) => {
        const WH = await scratch.product(W.subarray((row0 + first) * k), rows, H);
        // Read the data after the product: kernel memory may have grown and detached old views.
        const X = block.data.subarray(first * p, (first + rows) * p);
        for (let i = 0; i < rows; i++) {
          let sum = 0;
          for (let j = i * p; j < (i + 1) * p; j++) sum += (X[j]! - WH[j]!) ** 2;
          rowErrors[row0 + first + i] = Math.sqrt(sum);
          squares += sum;
        }
        if (kl) klSum += blockLoss(X, WH, true);
      });
    });
  } finally {
    scratch.free();
  }
  const frobenius = Math.sqrt(squares);
  return { rowErrors, loss: kl ? lossOf(klSum, true, W, H, k) : frobenius, frobenius };
}
