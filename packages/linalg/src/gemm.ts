import { checkMatrix } from "./check.js";

/** Column tile width: a tile of C and of B rows stays in L1/L2 cache while the inner loop runs. */
const COL_BLOCK = 256;
/** Depth tile: the rows of B reused for every row of A before moving on. */
const DEPTH_BLOCK = 128;

/** Returns `A·B` for a row-major `A` (m×k) and `B` (k×n), as a new row-major m×n array. */
export function matmul(
  A: Float64Array,
  m: number,
  k: number,
  B: Float64Array,
  n: number,
): Float64Array {
  checkMatrix("matmul", "A", A, m, k);
  checkMatrix("matmul", "B", B, k, n);
  const C = new Float64Array(m * n);
  for (let j0 = 0; j0 < n; j0 += COL_BLOCK) {
    const j1 = Math.min(n, j0 + COL_BLOCK);
    for (let p0 = 0; p0 < k; p0 += DEPTH_BLOCK) {
      const p1 = Math.min(k, p0 + DEPTH_BLOCK);
      for (let i = 0; i < m; i++) {
        const aRow = i * k;
        const cRow = i * n;
        for (let p = p0; p < p1; p++) {
          const a = A[aRow + p]!;
          const bRow = p * n;
          for (let j = j0; j < j1; j++) C[cRow + j]! += a * B[bRow + j]!;
        }
      }
    }
  }
  return C;
}

/** Returns `Aᵀ·B` for a row-major `A` (m×k) and `B` (m×n), as a new row-major k×n array. */
export function matmulTransA(
  A: Float64Array,
  m: number,
  k: number,
  B: Float64Array,
  n: number,
): Float64Array {
  checkMatrix("matmulTransA", "A", A, m, k);
  checkMatrix("matmulTransA", "B", B, m, n);
  const C = new Float64Array(k * n);
  for (let j0 = 0; j0 < n; j0 += COL_BLOCK) {
    const j1 = Math.min(n, j0 + COL_BLOCK);
    for (let i0 = 0; i0 < k; i0 += DEPTH_BLOCK) {
      const i1 = Math.min(k, i0 + DEPTH_BLOCK);
      for (let r = 0; r < m; r++) {
        const aRow = r * k;
        const bRow = r * n;
        for (let i = i0; i < i1; i++) {
          const a = A[aRow + i]!;
          const cRow = i * n;
          for (let j = j0; j < j1; j++) C[cRow + j]! += a * B[bRow + j]!;
        }
      }
    }
  }
  return C;
}

/** Returns the symmetric Gram matrix `AᵀA` (k×k, row-major) of a row-major `A` (m×k). */
export function gram(A: Float64Array, m: number, k: number): Float64Array {
  checkMatrix("gram", "A", A, m, k);
  const G = new Float64Array(k * k);
  for (let i0 = 0; i0 < k; i0 += DEPTH_BLOCK) {
    const i1 = Math.min(k, i0 + DEPTH_BLOCK);
    for (let r = 0; r < m; r++) {
      const aRow = r * k;
      for (let i = i0; i < i1; i++) {
        const a = A[aRow + i]!;
        const gRow = i * k;
        for (let j = i; j < k; j++) G[gRow + j]! += a * A[aRow + j]!;
      }
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) G[i * k + j] = G[j * k + i]!;
  return G;
}
