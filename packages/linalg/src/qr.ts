import { ArgumentError } from "@tt/schema";
import { checkMatrix } from "./check.js";

/** A thin QR factorization: `A = Q·R` with `Q` m×n orthonormal columns and `R` n×n upper triangular. */
export interface QrResult {
  /** Row-major m×n matrix with orthonormal columns. */
  Q: Float64Array;
  /** Row-major n×n upper triangular matrix with a non-negative diagonal. */
  R: Float64Array;
}

/** Returns the Householder thin QR of a row-major m×n `A` (m ≥ n), with `R` having a non-negative diagonal. */
export function qr(A: Float64Array, m: number, n: number): QrResult {
  checkMatrix("qr", "A", A, m, n);
  if (m < n)
    throw new ArgumentError("qr", "A", `needs rows >= columns, got ${m} x ${n}; factor Aᵀ instead`);
  const factor = householderFactor(A, m, n);
  const identity = new Float64Array(n * n);
  for (let i = 0; i < n; i++) identity[i * n + i] = 1;
  return { Q: multiplyByQ(factor, m, n, identity, n), R: factor.R };
}

/** Householder reflectors v_j (in `reflectors[j*m + j .. j*m + m)`, H_j = I - v_j v_jᵀ) and R. */
export interface HouseholderFactor {
  reflectors: Float64Array;
  /** ±1 per row: the flips that made diag(R) non-negative, so A = H_0 ⋯ H_{n-1} [diag(signs); 0] R. */
  signs: Float64Array;
  R: Float64Array;
}

/** Returns the Householder factorization of a row-major m×n `A` (m ≥ n, shapes already checked). */
export function householderFactor(A: Float64Array, m: number, n: number): HouseholderFactor {
  const W = Float64Array.from(A);
  const V = new Float64Array(n * m);
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let norm2 = 0;
    for (let i = j; i < m; i++) {
      const x = W[i * n + j]!;
      norm2 += x * x;
    }
    if (norm2 === 0) continue;
    const x0 = W[j * n + j]!;
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    const vBase = j * m;
    // v = x - alpha e1, scaled by sqrt(2)/|v| so that H = I - v vᵀ.
    const v0 = x0 - alpha;
    const vNorm2 = norm2 - x0 * x0 + v0 * v0;
    const scale = Math.sqrt(2 / vNorm2);
    V[vBase + j] = v0 * scale;
    for (let i = j + 1; i < m; i++) V[vBase + i] = W[i * n + j]! * scale;
    W[j * n + j] = alpha;
    for (let i = j + 1; i < m; i++) W[i * n + j] = 0;
    // Apply H to columns j+1..n-1, row by row so the inner loops run over contiguous memory.
    reflect(V, vBase, W, n, j, m, j + 1, n, w);
  }
  const R = new Float64Array(n * n);
  const signs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sign = W[i * n + i]! < 0 ? -1 : 1;
    signs[i] = sign;
    for (let c = i; c < n; c++) R[i * n + c] = sign * W[i * n + c]!;
  }
  return { reflectors: V, signs, R };
}

/** Returns `Q·X` (m×cols) for the thin Q of a factorization and a row-major n×cols `X`, without forming Q. */
export function multiplyByQ(
  factor: HouseholderFactor,
  m: number,
  n: number,
  X: Float64Array,
  cols: number,
): Float64Array {
  const Y = new Float64Array(m * cols);
  for (let i = 0; i < n; i++) {
    const sign = factor.signs[i]!;
    for (let c = 0; c < cols; c++) Y[i * cols + c] = sign * X[i * cols + c]!;
  }
  const w = new Float64Array(cols);
  for (let j = n - 1; j >= 0; j--) reflect(factor.reflectors, j * m, Y, cols, j, m, 0, cols, w);
  return Y;
}

/** Applies H = I - v vᵀ (v at `V[vBase + i]` for rows i in [r0, r1)) to columns [c0, c1) of row-major X. */
function reflect(
  V: Float64Array,
  vBase: number,
  X: Float64Array,
  stride: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  w: Float64Array,
): void {
  w.fill(0, c0, c1);
  for (let i = r0; i < r1; i++) {
    const vi = V[vBase + i]!;
    if (vi === 0) continue;
    const row = i * stride;
    for (let c = c0; c < c1; c++) w[c]! += vi * X[row + c]!;
  }
  for (let i = r0; i < r1; i++) {
    const vi = V[vBase + i]!;
    if (vi === 0) continue;
    const row = i * stride;
    for (let c = c0; c < c1; c++) X[row + c]! -= vi * w[c]!;
  }
}
