import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** One matrix of fixtures/golden/linalg.json with numpy's results. */
export interface GoldenCase {
  name: string;
  rows: number;
  cols: number;
  rank: number;
  A: number[];
  gram: number[];
  singular_values: number[];
  vt_flipped: number[];
  gram_eigenvalues: number[];
  qr_r_diag_abs?: number[];
}

/** The golden cases written by scripts/golden/make_linalg_golden.py. */
export const goldenCases: GoldenCase[] = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../../fixtures/golden/linalg.json"), "utf8"),
).cases;

/** A seeded uniform(-1, 1) generator (mulberry32), so random tests are reproducible. */
export function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Naive triple-loop product of row-major A (m×k) and B (k×n), the reference for the kernels. */
export function naiveMatmul(
  A: ArrayLike<number>,
  m: number,
  k: number,
  B: ArrayLike<number>,
  n: number,
): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += A[i * k + p]! * B[p * n + j]!;
      C[i * n + j] = sum;
    }
  return C;
}

/** The transpose of a row-major rows×cols matrix. */
export function transpose(A: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = A[i * cols + j]!;
  return out;
}

/** The largest absolute entry of a - b. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** The largest absolute entry. */
export function maxAbs(a: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]!));
  return worst;
}

/** The largest |XᵀX - I| for a row-major rows×cols X, i.e. how far its columns are from orthonormal. */
export function columnOrthonormalityError(X: Float64Array, rows: number, cols: number): number {
  const XtX = naiveMatmul(transpose(X, rows, cols), cols, rows, X, cols);
  for (let i = 0; i < cols; i++) XtX[i * cols + i]! -= 1;
  return maxAbs(XtX);
}
