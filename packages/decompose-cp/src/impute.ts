/**
 * `missing: "mask"` by EM imputation: after every sweep each missing entry of the (in-memory)
 * matrix is replaced by the current model's value, so the next sweep's least squares (or HALS)
 * step sees the observed entries and the model's own values elsewhere. Each such step cannot
 * increase the error on the observed entries, which is the error reported. The missing entries
 * start at 0 (the mean after centering); the values the input holds there are never read.
 */

import { type ImputedSquares, type MatrixSource, replaceMissing } from "@tt/decompose-core";

/** Sets every missing entry to the model's value; returns Σ(old − new)² and Σ new². */
export function imputeMissing(
  source: MatrixSource,
  u0: Float64Array,
  factors: readonly Float64Array[],
  rank: number,
  dims: readonly number[],
): Promise<ImputedSquares> {
  const m = dims.length;
  const index = new Int32Array(m);
  return replaceMissing(source, (i, column) => {
    let j = column;
    for (let l = m - 1; l >= 0; l--) {
      index[l] = j % dims[l]!;
      j = Math.floor(j / dims[l]!);
    }
    let value = 0;
    for (let r = 0; r < rank; r++) {
      let term = u0[i * rank + r]!;
      for (let l = 0; l < m; l++) term *= factors[l]![index[l]! * rank + r]!;
      value += term;
    }
    return value;
  });
}
