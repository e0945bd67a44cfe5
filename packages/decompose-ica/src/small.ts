/** Products and decompositions of the small rank × rank matrices the ICA iterations update. */

import { matmul, svdSmall, symmetricEigen } from "@tt/linalg";

/** Mᵀ of a row-major rows × cols matrix. */
export function transpose(M: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = M[i * cols + j]!;
  return out;
}

/**
 * Symmetric decorrelation W ← (W Wᵀ)^(-1/2) W (r × r), as scikit-learn's FastICA: the eigen
 * decomposition of W Wᵀ, its eigenvalues clipped at the smallest positive float.
 */
export function symmetricDecorrelation(W: Float64Array, r: number): Float64Array {
  const { values, vectors } = symmetricEigen(matmul(W, r, r, transpose(W, r, r), r), r);
  const scaled = new Float64Array(r * r);
  for (let i = 0; i < r; i++)
    for (let k = 0; k < r; k++)
      scaled[i * r + k] = vectors[i * r + k]! / Math.sqrt(Math.max(values[k]!, Number.MIN_VALUE));
  const root = matmul(scaled, r, r, transpose(vectors, r, r), r);
  return matmul(root, r, r, W, r);
}

/** The Moore-Penrose pseudo-inverse of a rows × cols matrix (cols × rows), by the SVD. */
export function pseudoInverse(M: Float64Array, rows: number, cols: number): Float64Array {
  const { U, s, Vt } = svdSmall(M, rows, cols);
  const k = s.length;
  const cutoff = Math.max(rows, cols) * Number.EPSILON * (s[0] ?? 0);
  const out = new Float64Array(cols * rows);
  for (let c = 0; c < cols; c++)
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let j = 0; j < k; j++)
        if (s[j]! > cutoff) sum += (Vt[j * cols + c]! * U[r * k + j]!) / s[j]!;
      out[c * rows + r] = sum;
    }
  return out;
}
