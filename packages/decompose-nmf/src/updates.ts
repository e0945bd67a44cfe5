/**
 * The updates of scikit-learn's NMF solvers on rows that do not depend on each other: a block of
 * rows of W given H, or all rows of Hᵀ given the sums WᵀX and WᵀW. Small arrays only (rows × k);
 * the products with the data run on the kernels.
 */

/** scikit-learn's EPSILON: float32 machine epsilon. */
export const EPSILON = 2 ** -23;

/**
 * Multiplicative update of `rows` rows of F (rows × k) for the Frobenius loss, in place:
 * F ← F ∘ P / (F·G), P = X·Hᵀ of those rows, G = H·Hᵀ (k × k); a zero denominator is EPSILON.
 */
export function multiplicativeFrobenius(
  F: Float64Array,
  P: Float64Array,
  G: Float64Array,
  rows: number,
  k: number,
): void {
  const denominator = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    const at = i * k;
    for (let t = 0; t < k; t++) {
      let sum = 0;
      for (let r = 0; r < k; r++) sum += F[at + r]! * G[r * k + t]!;
      denominator[t] = sum === 0 ? EPSILON : sum;
    }
    for (let t = 0; t < k; t++) F[at + t]! *= P[at + t]! / denominator[t]!;
  }
}

/**
 * Multiplicative update of `rows` rows of F for the Kullback-Leibler loss, in place:
 * F ← F ∘ P / d, P = (X / (W·H))·Hᵀ of those rows, d the row sums of H (a zero is EPSILON).
 */
export function multiplicativeKl(
  F: Float64Array,
  P: Float64Array,
  d: Float64Array,
  rows: number,
  k: number,
): void {
  for (let i = 0; i < rows * k; i++) {
    const denominator = d[i % k]!;
    F[i]! *= P[i]! / (denominator === 0 ? EPSILON : denominator);
  }
}

/**
 * One coordinate-descent sweep over the k columns of `rows` rows of F, in place, as
 * scikit-learn's `_update_cdnmf_fast`: the gradient of row i in column t is (F·G − P)[i, t], the
 * Newton step is projected on F ≥ 0. Returns the sum of the absolute projected gradients.
 */
export function coordinateDescent(
  F: Float64Array,
  P: Float64Array,
  G: Float64Array,
  rows: number,
  k: number,
): number {
  let violation = 0;
  for (let i = 0; i < rows; i++) {
    const at = i * k;
    for (let t = 0; t < k; t++) {
      let gradient = -P[at + t]!;
      for (let r = 0; r < k; r++) gradient += G[t * k + r]! * F[at + r]!;
      const projected = F[at + t] === 0 ? Math.min(0, gradient) : gradient;
      violation += Math.abs(projected);
      const hessian = G[t * k + t]!;
      if (hessian !== 0) F[at + t] = Math.max(F[at + t]! - gradient / hessian, 0);
    }
  }
  return violation;
}

/** Fᵀ·F of `rows` rows of F (rows × k), added to `into` (k × k). */
export function addGram(F: Float64Array, rows: number, k: number, into: Float64Array): void {
  for (let i = 0; i < rows; i++)
    for (let a = 0; a < k; a++) {
      const x = F[i * k + a]!;
      if (x === 0) continue;
      for (let b = 0; b < k; b++) into[a * k + b]! += x * F[i * k + b]!;
    }
}

/** The transpose of a rows × cols row-major matrix. */
export function transpose(M: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = M[i * cols + j]!;
  return out;
}
