/** Small dense helpers of the ALS sweeps: R × R Gram products, their pseudo-inverse, scaling. */

import { gram, matmul, symmetricEigen } from "@tt/linalg";

/** `UᵀU` (R × R) of a row-major rows × R factor. */
export function gramOf(U: Float64Array, rank: number): Float64Array {
  return gram(U, U.length / rank, rank);
}

/** The element-wise product of the given R × R matrices (all ones for none). */
export function hadamard(matrices: readonly Float64Array[], rank: number): Float64Array {
  const out = new Float64Array(rank * rank).fill(1);
  for (const m of matrices) for (let x = 0; x < out.length; x++) out[x]! *= m[x]!;
  return out;
}

/** Makes an R × R matrix exactly symmetric (the mean of it and its transpose), in place. */
export function symmetrize(V: Float64Array, rank: number): Float64Array {
  for (let r = 0; r < rank; r++)
    for (let s = r + 1; s < rank; s++) {
      const mean = 0.5 * (V[r * rank + s]! + V[s * rank + r]!);
      V[r * rank + s] = mean;
      V[s * rank + r] = mean;
    }
  return V;
}

/**
 * The pseudo-inverse of a symmetric positive semi-definite R × R matrix by its eigen
 * decomposition; eigenvalues at most R · eps · the largest magnitude count as zero (numpy's
 * default cutoff).
 */
export function pinvSymmetric(V: Float64Array, rank: number): Float64Array {
  const { values, vectors } = symmetricEigen(symmetrize(Float64Array.from(V), rank), rank);
  const largest = Math.max(0, ...Array.from(values, Math.abs));
  const cutoff = rank * Number.EPSILON * largest;
  const out = new Float64Array(rank * rank);
  for (let e = 0; e < rank; e++) {
    const value = values[e]!;
    if (!(Math.abs(value) > cutoff)) continue;
    const inverse = 1 / value;
    for (let r = 0; r < rank; r++) {
      const vr = vectors[r * rank + e]! * inverse;
      for (let s = 0; s < rank; s++) out[r * rank + s]! += vr * vectors[s * rank + e]!;
    }
  }
  return out;
}

/** `M·W` for a row-major rows × R matrix M and an R × R matrix W. */
export function timesSmall(M: Float64Array, W: Float64Array, rank: number): Float64Array {
  return matmul(M, M.length / rank, rank, W, rank);
}

/** Column norms of a row-major rows × R matrix. */
export function columnNorms(U: Float64Array, rank: number): Float64Array {
  const norms = new Float64Array(rank);
  for (let x = 0; x < U.length; x++) norms[x % rank]! += U[x]! * U[x]!;
  return norms.map(Math.sqrt);
}

/** Multiplies column r of a row-major rows × R matrix by `factors[r]`, in place. */
export function scaleColumns(U: Float64Array, factors: Float64Array, rank: number): void {
  for (let x = 0; x < U.length; x++) U[x]! *= factors[x % rank]!;
}

/** Scales the columns to unit norm in place (a zero column stays) and returns the norms. */
export function normalizeColumns(U: Float64Array, rank: number): Float64Array {
  const norms = columnNorms(U, rank);
  scaleColumns(
    U,
    norms.map((x) => (x > 0 ? 1 / x : 1)),
    rank,
  );
  return norms;
}

/** The sum of the element-wise product of two equally long arrays. */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let x = 0; x < a.length; x++) sum += a[x]! * b[x]!;
  return sum;
}

/**
 * One HALS pass (exact coordinate descent on each column in turn) of the non-negative least
 * squares problem min ‖F·V - M‖ over F ≥ 0 given `M` (rows × R) and `V` (R × R), in place on F:
 * `F[:, r] = max(0, F[:, r] + (M[:, r] - F·V[:, r]) / V[r, r])`. A column with V[r, r] = 0 (a
 * component that vanished elsewhere) is left as it is.
 */
export function halsUpdate(F: Float64Array, M: Float64Array, V: Float64Array, rank: number): void {
  const rows = F.length / rank;
  for (let r = 0; r < rank; r++) {
    const diagonal = V[r * rank + r]!;
    if (!(diagonal > 0)) continue;
    for (let i = 0; i < rows; i++) {
      const row = i * rank;
      let fv = 0;
      for (let s = 0; s < rank; s++) fv += F[row + s]! * V[s * rank + r]!;
      const value = F[row + r]! + (M[row + r]! - fv) / diagonal;
      F[row + r] = Math.max(value, 0);
    }
  }
}

/** The columns of a row-major `· × R` matrix in `order`, each times `factor` of its component. */
export function permute(
  matrix: Float64Array,
  order: Int32Array,
  R: number,
  factor?: Float64Array,
): Float64Array {
  const out = new Float64Array(matrix.length);
  for (let x = 0; x < matrix.length; x += R)
    for (let r = 0; r < R; r++) out[x + r] = matrix[x + order[r]!]! * (factor?.[order[r]!] ?? 1);
  return out;
}
