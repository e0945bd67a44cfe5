/**
 * Initial factors of the non-instance modes. `"svd"`: for each mode k, the eigenvectors of the R
 * largest eigenvalues of the mode-k unfolding's Gram matrix `X_(k) X_(k)ᵀ` (its leading left
 * singular vectors), the largest-magnitude entry of each made positive; columns beyond d_k (rank >
 * d_k) are drawn from the seeded generator. `"random"`: uniform (0, 1) entries from the seeded
 * generator. Columns are scaled to unit norm. The instance factor needs no start: each sweep
 * solves for it first.
 */

import { uniformGenerator } from "@tt/decompose-core";
import { symmetricEigen } from "@tt/linalg";
import { normalizeColumns, symmetrize } from "./small.js";

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
