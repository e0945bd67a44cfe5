import { ArgumentError, DataError } from "@tt/schema";
import { checkMatrix } from "./check.js";
import { householderFactor, multiplyByQ } from "./qr.js";

/** A thin SVD `A = U · diag(s) · Vt` of an m×n matrix, with r = min(m, n). */
export interface SvdResult {
  /** Row-major m×r matrix with orthonormal columns. */
  U: Float64Array;
  /** The r singular values, descending. */
  s: Float64Array;
  /** Row-major r×n matrix with orthonormal rows. */
  Vt: Float64Array;
}

const MAX_SWEEPS = 80;

/** Returns the thin SVD of a small dense row-major m×n `A`, by Householder QR and one-sided Jacobi. */
export function svdSmall(A: Float64Array, m: number, n: number): SvdResult {
  checkMatrix("svdSmall", "A", A, m, n);
  for (let i = 0; i < A.length; i++)
    if (!Number.isFinite(A[i]!))
      throw new DataError("svdSmall", `A[${Math.floor(i / n)}, ${i % n}] is ${A[i]}`);
  if (m >= n) {
    // A = Q R, and rows of R are orthogonalized: G R = diag(s) Vt, so A = (Q Gᵀ) diag(s) Vt.
    const factor = householderFactor(A, m, n);
    const { G, s, Vt } = orthogonalizeRows(Float64Array.from(factor.R), n, n);
    const Gt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Gt[j * n + i] = G[i * n + j]!;
    return { U: multiplyByQ(factor, m, n, Gt, n), s, Vt };
  }
  // Wide: orthogonalize the m rows of A directly, A = Gᵀ diag(s) Vt.
  const { G, s, Vt } = orthogonalizeRows(Float64Array.from(A), m, n);
  const U = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) U[i * m + j] = G[j * m + i]!;
  return { U, s, Vt };
}

/**
 * One-sided (Hestenes) Jacobi on the rows of a p×q matrix M (p ≤ q), in place: plane rotations G
 * make the rows mutually orthogonal, so G·M₀ = diag(s)·Vt. Rows are contiguous in row-major
 * order, which is why the rows rather than the columns are rotated.
 */
function orthogonalizeRows(
  M: Float64Array,
  p: number,
  q: number,
): { G: Float64Array; s: Float64Array; Vt: Float64Array } {
  const G = new Float64Array(p * p);
  for (let i = 0; i < p; i++) G[i * p + i] = 1;
  const norms = new Float64Array(p);
  const tol = Number.EPSILON * Math.max(1, Math.sqrt(q));
  for (let sweep = 0; ; sweep++) {
    if (sweep >= MAX_SWEEPS)
      throw new DataError("svdSmall", `one-sided Jacobi did not converge in ${MAX_SWEEPS} sweeps`);
    let largest = 0;
    for (let i = 0; i < p; i++) {
      norms[i] = dotRows(M, i * q, i * q, q);
      largest = Math.max(largest, norms[i]!);
    }
    // Rows at rounding level of the largest are zero for the purpose of convergence: rotating
    // them against each other only stirs rounding noise (LAPACK's Jacobi SVD does the same).
    const negligible = largest * (Number.EPSILON * q) ** 2;
    let rotated = false;
    for (let i = 0; i < p - 1; i++) {
      const iRow = i * q;
      for (let j = i + 1; j < p; j++) {
        const a = norms[i]!;
        const b = norms[j]!;
        if (a <= negligible || b <= negligible) continue;
        const jRow = j * q;
        const g = dotRows(M, iRow, jRow, q);
        if (Math.abs(g) <= tol * Math.sqrt(a * b)) continue;
        rotated = true;
        const zeta = (b - a) / (2 * g);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        rotateRows(M, iRow, jRow, q, c, sn);
        rotateRows(G, i * p, j * p, p, c, sn);
        norms[i] = a - t * g;
        norms[j] = b + t * g;
      }
    }
    if (!rotated) break;
  }
  const s = new Float64Array(p);
  for (let i = 0; i < p; i++) s[i] = Math.sqrt(dotRows(M, i * q, i * q, q));
  // Rows left at rounding level are zero: their Vt rows are completed orthonormally below.
  const largestS = Math.max(0, ...s);
  for (let i = 0; i < p; i++) if (s[i]! <= largestS * Number.EPSILON * q) s[i] = 0;
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => s[y]! - s[x]!);
  const sortedS = new Float64Array(p);
  const sortedG = new Float64Array(p * p);
  const Vt = new Float64Array(p * q);
  for (let r = 0; r < p; r++) {
    const src = order[r]!;
    const sv = s[src]!;
    sortedS[r] = sv;
    sortedG.set(G.subarray(src * p, src * p + p), r * p);
    if (sv > 0) for (let k = 0; k < q; k++) Vt[r * q + k] = M[src * q + k]! / sv;
  }
  completeOrthonormalRows(Vt, sortedS, p, q);
  return { G: sortedG, s: sortedS, Vt };
}

/** Fills the rows of Vt whose singular value is exactly zero with unit vectors orthogonal to the others. */
function completeOrthonormalRows(Vt: Float64Array, s: Float64Array, p: number, q: number): void {
  let candidate = 0;
  for (let r = 0; r < p; r++) {
    if (s[r]! > 0) continue;
    for (; candidate < q; candidate++) {
      const row = r * q;
      Vt.fill(0, row, row + q);
      Vt[row + candidate] = 1;
      // Two rounds of Gram-Schmidt against every filled row keep orthogonality at rounding level.
      for (let round = 0; round < 2; round++)
        for (let o = 0; o < p; o++) {
          if (o === r || (s[o]! === 0 && o > r)) continue;
          const proj = dotRows(Vt, row, o * q, q);
          for (let k = 0; k < q; k++) Vt[row + k]! -= proj * Vt[o * q + k]!;
        }
      const norm = Math.sqrt(dotRows(Vt, row, row, q));
      if (norm > 0.5) {
        for (let k = 0; k < q; k++) Vt[row + k]! /= norm;
        candidate++;
        break;
      }
    }
  }
}

function dotRows(X: Float64Array, a: number, b: number, len: number): number {
  let sum = 0;
  for (let k = 0; k < len; k++) sum += X[a + k]! * X[b + k]!;
  return sum;
}

function rotateRows(X: Float64Array, a: number, b: number, len: number, c: number, s: number) {
  for (let k = 0; k < len; k++) {
    const x = X[a + k]!;
    const y = X[b + k]!;
    X[a + k] = c * x - s * y;
    X[b + k] = s * x + c * y;
  }
}

/** Flips signs in place as scikit-learn ≥ 1.5 `svd_flip(u_based_decision=False)`: the largest-|·| entry of each Vt row becomes positive, with U's columns flipped to match. */
export function svdFlip(U: Float64Array, s: Float64Array, Vt: Float64Array): SvdResult {
  const r = s.length;
  if (r === 0) return { U, s, Vt };
  if (Vt.length % r !== 0 || U.length % r !== 0)
    throw new ArgumentError(
      "svdFlip",
      Vt.length % r !== 0 ? "Vt" : "U",
      `U (${U.length} elements) and Vt (${Vt.length} elements) must both have ${r} = s.length columns/rows`,
    );
  const n = Vt.length / r;
  const m = U.length / r;
  for (let i = 0; i < r; i++) {
    const row = i * n;
    let best = 0;
    let bestAbs = -1;
    for (let k = 0; k < n; k++) {
      const x = Math.abs(Vt[row + k]!);
      if (x > bestAbs) {
        bestAbs = x;
        best = k;
      }
    }
    if (Vt[row + best]! >= 0) continue;
    for (let k = 0; k < n; k++) Vt[row + k] = -Vt[row + k]!;
    for (let k = 0; k < m; k++) U[k * r + i] = -U[k * r + i]!;
  }
  return { U, s, Vt };
}
