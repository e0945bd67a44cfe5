/**
 * Small dense helpers of HOOI on the projected data (never on the data itself): Kronecker
 * products of the factors, contractions of one mode of a small tensor, mode Gram matrices, and
 * the signed leading eigenvectors of a symmetric matrix.
 */

import { gram, symmetricEigen } from "@tt/linalg";

/**
 * `U₁ ⊗ … ⊗ Uₘ`, (d₁·…·dₘ) × (r₁·…·rₘ) row-major: row (j₁, …, jₘ) and column (s₁, …, sₘ) in C
 * order, as numpy's `np.kron`.
 */
export function kron(
  factors: readonly Float64Array[],
  dims: readonly number[],
  ranks: readonly number[],
): Float64Array {
  let out = Float64Array.of(1);
  let rows = 1;
  let cols = 1;
  factors.forEach((U, k) => {
    const d = dims[k]!;
    const r = ranks[k]!;
    const next = new Float64Array(rows * d * cols * r);
    const width = cols * r;
    for (let a = 0; a < rows; a++)
      for (let j = 0; j < d; j++)
        for (let b = 0; b < cols; b++) {
          const x = out[a * cols + b]!;
          const at = (a * d + j) * width + b * r;
          for (let s = 0; s < r; s++) next[at + s] = x * U[j * r + s]!;
        }
    out = next;
    rows *= d;
    cols *= r;
  });
  return out;
}

/**
 * Contracts axis `axis` of the C-order tensor `t` of `shape` with `U` (shape[axis] × r):
 * `out[pre, s, post] = Σₐ t[pre, a, post] U[a, s]`; returns the tensor and its shape.
 */
export function contract(
  t: Float64Array,
  shape: readonly number[],
  axis: number,
  U: Float64Array,
  r: number,
): { data: Float64Array; shape: number[] } {
  const d = shape[axis]!;
  const post = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const pre = t.length / (d * post);
  const out = new Float64Array(pre * r * post);
  for (let i = 0; i < pre; i++)
    for (let a = 0; a < d; a++) {
      const from = (i * d + a) * post;
      for (let s = 0; s < r; s++) {
        const u = U[a * r + s]!;
        if (u === 0) continue;
        const to = (i * r + s) * post;
        for (let q = 0; q < post; q++) out[to + q]! += u * t[from + q]!;
      }
    }
  const next = [...shape];
  next[axis] = r;
  return { data: out, shape: next };
}

/** `Y_(k) Y_(k)ᵀ` (d × d, d = shape[axis]) of the C-order tensor `t`, exactly symmetric. */
export function modeGram(t: Float64Array, shape: readonly number[], axis: number): Float64Array {
  const d = shape[axis]!;
  const post = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const pre = t.length / (d * post);
  const G = new Float64Array(d * d);
  for (let i = 0; i < pre; i++)
    for (let a = 0; a < d; a++) {
      const x = (i * d + a) * post;
      for (let b = 0; b <= a; b++) {
        const y = (i * d + b) * post;
        let sum = 0;
        for (let q = 0; q < post; q++) sum += t[x + q]! * t[y + q]!;
        G[a * d + b]! += sum;
      }
    }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) G[b * d + a] = G[a * d + b]!;
  return G;
}

/** Multiplies each column of a row-major rows × r matrix by ±1 so that its largest-magnitude entry (the first on ties) is positive; returns the signs. */
export function flipSigns(U: Float64Array, r: number): Float64Array {
  const rows = U.length / r;
  const signs = new Float64Array(r).fill(1);
  for (let s = 0; s < r; s++) {
    let largest = 0;
    for (let a = 1; a < rows; a++)
      if (Math.abs(U[a * r + s]!) > Math.abs(U[largest * r + s]!)) largest = a;
    if (U[largest * r + s]! < 0) {
      signs[s] = -1;
      for (let a = 0; a < rows; a++) U[a * r + s] = -U[a * r + s]!;
    }
  }
  return signs;
}

/**
 * The eigenvectors of the `r` largest eigenvalues of the symmetric d × d `G` (d × r row-major,
 * signed by {@link flipSigns}) and those eigenvalues.
 */
export function leadingEigenvectors(
  G: Float64Array,
  d: number,
  r: number,
): { U: Float64Array; values: Float64Array } {
  const { values, vectors } = symmetricEigen(G, d);
  const U = new Float64Array(d * r);
  for (let a = 0; a < d; a++) for (let s = 0; s < r; s++) U[a * r + s] = vectors[a * d + s]!;
  flipSigns(U, r);
  return { U, values: values.slice(0, r) };
}

/** The sum of squares of an array. */
export function sumSquares(x: Float64Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return sum;
}

/** Makes a d × d matrix exactly symmetric (the mean of it and its transpose), in place. */
export function symmetrize(G: Float64Array, d: number): Float64Array {
  for (let a = 0; a < d; a++)
    for (let b = 0; b < a; b++) {
      const mean = 0.5 * (G[a * d + b]! + G[b * d + a]!);
      G[a * d + b] = mean;
      G[b * d + a] = mean;
    }
  return G;
}

/**
 * The `r` leading left singular vectors (d × r, signed by {@link flipSigns}) of the mode-`axis`
 * unfolding Y of the C-order tensor `t` (d × m, m the product of the other lengths): from the
 * eigenvectors of YYᵀ when d ≤ m, else from those of the smaller YᵀY (U = Y·V·diag(λ^-½); a
 * column of an eigenvalue at most m·eps·λ₁ stays zero).
 */
export function leadingLeftVectors(
  t: Float64Array,
  shape: readonly number[],
  axis: number,
  r: number,
): Float64Array {
  const d = shape[axis]!;
  const m = t.length / d;
  if (d <= m) return leadingEigenvectors(modeGram(t, shape, axis), d, r).U;
  const post = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const pre = m / post;
  // Y (d × m): column (i, q) of row a is t[i, a, q].
  const Y = new Float64Array(d * m);
  for (let i = 0; i < pre; i++)
    for (let a = 0; a < d; a++)
      Y.set(t.subarray((i * d + a) * post, (i * d + a + 1) * post), a * m + i * post);
  const { U: V, values } = leadingEigenvectors(symmetrize(gram(Y, d, m), m), m, r);
  const cutoff = m * Number.EPSILON * Math.max(values[0]!, 0);
  const U = new Float64Array(d * r);
  for (let a = 0; a < d; a++)
    for (let s = 0; s < r; s++) {
      if (!(values[s]! > cutoff)) continue;
      let sum = 0;
      for (let c = 0; c < m; c++) sum += Y[a * m + c]! * V[c * r + s]!;
      U[a * r + s] = sum / Math.sqrt(values[s]!);
    }
  flipSigns(U, r);
  return U;
}
