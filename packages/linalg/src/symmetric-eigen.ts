import { DataError } from "@tt/schema";
import { checkMatrix } from "./check.js";

/** The eigen decomposition of a symmetric matrix: `S = vectors · diag(values) · vectorsᵀ`. */
export interface SymmetricEigenResult {
  /** Eigenvalues in descending order. */
  values: Float64Array;
  /** Row-major n×n matrix whose column j is the unit eigenvector of `values[j]`. */
  vectors: Float64Array;
}

/** Relative asymmetry above which the input is rejected rather than silently symmetrized. */
const SYMMETRY_TOLERANCE = 1e-10;

/**
 * Throws an ArgumentError when `S` is not n×n, a DataError when an entry is not finite or S is
 * not symmetric to 1e-10 of its largest entry; `where` names the function in the message.
 */
export function checkSymmetric(where: string, S: Float64Array, n: number): void {
  checkMatrix(where, "S", S, n, n);
  let maxAbs = 0;
  for (let i = 0; i < S.length; i++) {
    const x = S[i]!;
    if (!Number.isFinite(x))
      throw new DataError(where, `S[${Math.floor(i / n)}, ${i % n}] is ${x}`);
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++)
      if (Math.abs(S[i * n + j]! - S[j * n + i]!) > SYMMETRY_TOLERANCE * maxAbs)
        throw new DataError(
          where,
          `S is not symmetric: S[${i}, ${j}] = ${S[i * n + j]} but S[${j}, ${i}] = ${S[j * n + i]}`,
        );
}

/** Returns eigenvalues (descending) and eigenvectors of a symmetric row-major n×n `S`, via Householder tridiagonalization and implicit QL. */
export function symmetricEigen(S: Float64Array, n: number): SymmetricEigenResult {
  checkSymmetric("symmetricEigen", S, n);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  if (n === 0) return { values, vectors };
  const V = Float64Array.from(S);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(V, d, e, n);
  // The QL sweeps rotate pairs of eigenvectors: keep them as rows so each rotation is contiguous.
  const Z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Z[j * n + i] = V[i * n + j]!;
  implicitQl(Z, d, e, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[b]! - d[a]!);
  for (let col = 0; col < n; col++) {
    const src = order[col]!;
    values[col] = d[src]!;
    const row = src * n;
    for (let k = 0; k < n; k++) vectors[k * n + col] = Z[row + k]!;
  }
  return { values, vectors };
}

/** Householder reduction to tridiagonal form (EISPACK tred2), accumulating the transform in V. */
function tridiagonalize(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      e.fill(0, 0, i);
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[j * n + i] = f;
        g = e[j]! + V[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = V[k * n + j]!;
          g += vkj * d[k]!;
          e[k]! += vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[k * n + j]! -= f * e[k]! + g * d[k]!;
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i]!;
    V[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1]! * V[k * n + j]!;
        for (let k = 0; k <= i; k++) V[k * n + j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j]!;
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL on the tridiagonal (d, e) (EISPACK tql2; e[i] couples i - 1 and i, e[0] unused),
 * rotating the rows of Z (eigenvectors as rows); d ends as the eigenvalues, unsorted.
 */
export function implicitQl(Z: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 60)
          throw new DataError("symmetricEigen", `QL iteration did not converge at index ${l}`);
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          const rowA = i * n;
          const rowB = rowA + n;
          for (let k = 0; k < n; k++) {
            const zb = Z[rowB + k]!;
            const za = Z[rowA + k]!;
            Z[rowB + k] = s * za + c * zb;
            Z[rowA + k] = c * za - s * zb;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}
