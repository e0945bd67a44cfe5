/**
 * The eigen decomposition of a symmetric tridiagonal matrix by divide and conquer (Cuppen 1981),
 * as LAPACK's dstedc: split by a rank-one tear, solve the halves, deflate (dlaed2), find the roots
 * of the secular equation, recompute z so the vectors come out orthogonal (Gu and Eisenstat 1995,
 * dlaed3), and multiply the halves' vectors into the new ones. The products, which carry the
 * O(n³) work, are done by the caller's `gemm` (the kernels); the rest is O(n²) per merge.
 */
import { implicitQl } from "./symmetric-eigen.js";

/** Row-major `rows×inner` times `inner×cols`, returned as a new row-major `rows×cols`. */
export type Gemm = (
  A: Float64Array,
  rows: number,
  inner: number,
  B: Float64Array,
  cols: number,
) => Float64Array;

/** Eigenvalues ascending and the eigenvectors as the columns of a row-major n×n matrix. */
interface Eigen {
  values: Float64Array;
  vectors: Float64Array;
}

/** Subproblems up to this size are solved by implicit QL. */
const LEAF = 32;
/** Unit roundoff, LAPACK's dlamch("Epsilon"). */
const EPS = 2 ** -53;
const MAX_SECULAR_ITERATIONS = 200;

/** Eigenvalues (ascending) and eigenvectors of the tridiagonal with diagonal `d` (n) and off-diagonal `e` (n - 1). */
export function tridiagonalEigen(d: Float64Array, e: Float64Array, gemm: Gemm): Eigen {
  return solve(Float64Array.from(d), e, 0, d.length, gemm);
}

function solve(d: Float64Array, e: Float64Array, lo: number, size: number, gemm: Gemm): Eigen {
  if (size <= LEAF) return leaf(d, e, lo, size);
  const n1 = size >> 1;
  const m = lo + n1;
  // T = diag(T₁, T₂) + rho·u·uᵀ with u = e_{m-1} + sign·e_m: the tear takes rho off both diagonals.
  const beta = e[m - 1]!;
  const rho = Math.abs(beta);
  d[m - 1]! -= rho;
  d[m]! -= rho;
  const left = solve(d, e, lo, n1, gemm);
  const right = solve(d, e, m, size - n1, gemm);
  return merge(left, right, rho, beta < 0 ? -1 : 1, gemm);
}

/** A small tridiagonal by implicit QL (EISPACK tql2), sorted ascending. */
function leaf(d: Float64Array, e: Float64Array, lo: number, size: number): Eigen {
  const values = d.slice(lo, lo + size);
  const offDiagonal = new Float64Array(size);
  for (let i = 1; i < size; i++) offDiagonal[i] = e[lo + i - 1]!;
  // implicitQl rotates the rows of Z: row j ends as the eigenvector of values[j].
  const Z = new Float64Array(size * size);
  for (let i = 0; i < size; i++) Z[i * size + i] = 1;
  implicitQl(Z, values, offDiagonal, size);
  const order = ascending(values);
  const vectors = new Float64Array(size * size);
  for (let c = 0; c < size; c++) {
    const row = order[c]! * size;
    for (let r = 0; r < size; r++) vectors[r * size + c] = Z[row + r]!;
  }
  return { values: Float64Array.from(order, (j) => values[j]!), vectors };
}

/** Indices sorting `values` ascending, ties by index. */
function ascending(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, i) => i).sort(
    (a, b) => values[a]! - values[b]! || a - b,
  );
}

/** Where each column of the merged problem is nonzero: the top rows, the bottom rows, or both. */
const TOP = 1;
const BOTH = 2;
const BOTTOM = 3;

/**
 * The eigen decomposition of diag(Q₁, Q₂)·(diag(λ₁, λ₂) + rho·z·zᵀ)·diag(Q₁, Q₂)ᵀ, z = (last row
 * of Q₁, sign·first row of Q₂).
 */
function merge(left: Eigen, right: Eigen, rho: number, sign: number, gemm: Gemm): Eigen {
  const n1 = left.values.length;
  const n2 = right.values.length;
  const n = n1 + n2;
  const raw = new Float64Array(n);
  const rawZ = new Float64Array(n);
  raw.set(left.values);
  raw.set(right.values, n1);
  for (let j = 0; j < n1; j++) rawZ[j] = left.vectors[(n1 - 1) * n1 + j]!;
  for (let j = 0; j < n2; j++) rawZ[n1 + j] = sign * right.vectors[j]!;
  // ‖z‖² = 2: normalize it and put the factor into rho (dlaed2).
  const r = 2 * rho;
  const order = ascending(raw);
  const D = Float64Array.from(order, (j) => raw[j]!);
  const z = Float64Array.from(order, (j) => rawZ[j]! / Math.SQRT2);
  const kind = Int8Array.from(order, (j) => (j < n1 ? TOP : BOTTOM));
  // The columns of diag(Q₁, Q₂) in that order, dense (zeros off the blocks).
  const C = new Float64Array(n * n);
  for (const [c, j] of order.entries()) {
    if (j < n1) for (let row = 0; row < n1; row++) C[row * n + c] = left.vectors[row * n1 + j]!;
    else
      for (let row = 0; row < n2; row++) C[(n1 + row) * n + c] = right.vectors[row * n2 + j - n1]!;
  }
  const { kept, deflated } = deflate(D, z, r, C, kind, n);
  const K = kept.length;
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  const secular = solveSecular(
    Float64Array.from(kept, (j) => D[j]!),
    Float64Array.from(kept, (j) => z[j]!),
    r,
  );
  const U = secular.vectors;
  const top = multiplyRows(C, n, 0, n1, kept, kind, BOTTOM, U, K, gemm);
  const bottom = multiplyRows(C, n, n1, n, kept, kind, TOP, U, K, gemm);
  // Every eigenvalue with its column, ascending (ties: the secular roots first, then by index).
  const all = [
    ...Array.from({ length: K }, (_, m) => ({ value: secular.values[m]!, from: 0, index: m })),
    ...deflated.map((j) => ({ value: D[j]!, from: 1, index: j })),
  ].sort((a, b) => a.value - b.value || a.from - b.from || a.index - b.index);
  for (const [c, { value, from, index }] of all.entries()) {
    values[c] = value;
    if (from === 0) {
      for (let row = 0; row < n1; row++) vectors[row * n + c] = top[row * K + index]!;
      for (let row = n1; row < n; row++) vectors[row * n + c] = bottom[(row - n1) * K + index]!;
    } else for (let row = 0; row < n; row++) vectors[row * n + c] = C[row * n + index]!;
  }
  return { values, vectors };
}

/**
 * Deflation (dlaed2): an entry of z at rounding level leaves its eigenpair as it is; two poles
 * closer than rounding are rotated (in D, z and the columns of C) so that one entry of z
 * vanishes. Returns the columns that stay (ascending) and those that deflated.
 */
function deflate(
  D: Float64Array,
  z: Float64Array,
  r: number,
  C: Float64Array,
  kind: Int8Array,
  n: number,
): { kept: number[]; deflated: number[] } {
  let dMax = 0;
  let zMax = 0;
  for (let j = 0; j < n; j++) {
    dMax = Math.max(dMax, Math.abs(D[j]!));
    zMax = Math.max(zMax, Math.abs(z[j]!));
  }
  const tol = 8 * EPS * Math.max(dMax, zMax);
  const kept: number[] = [];
  const deflated: number[] = [];
  if (r * zMax <= tol) return { kept, deflated: Array.from({ length: n }, (_, j) => j) };
  let previous = -1;
  for (let j = 0; j < n; j++) {
    if (r * Math.abs(z[j]!) <= tol) {
      deflated.push(j);
      continue;
    }
    if (previous < 0) {
      previous = j;
      continue;
    }
    const pj = previous;
    const tau = Math.sqrt(z[j]! * z[j]! + z[pj]! * z[pj]!);
    const c = z[j]! / tau;
    const s = -z[pj]! / tau;
    if (Math.abs((D[j]! - D[pj]!) * c * s) <= tol) {
      z[j] = tau;
      z[pj] = 0;
      if (kind[pj] !== kind[j]) {
        kind[pj] = BOTH;
        kind[j] = BOTH;
      }
      for (let row = 0; row < n; row++) {
        const x = C[row * n + pj]!;
        const y = C[row * n + j]!;
        C[row * n + pj] = c * x + s * y;
        C[row * n + j] = c * y - s * x;
      }
      const t = D[pj]! * c * c + D[j]! * s * s;
      D[j] = D[pj]! * s * s + D[j]! * c * c;
      D[pj] = t;
      deflated.push(pj);
    } else kept.push(pj);
    previous = j;
  }
  if (previous >= 0) kept.push(previous);
  return { kept, deflated };
}

/**
 * Rows [from, to) of C[:, kept]·U, the rows of C being zero in the columns of kind `zeroKind`:
 * only the other columns (and the matching rows of U) enter the product.
 */
function multiplyRows(
  C: Float64Array,
  n: number,
  from: number,
  to: number,
  kept: number[],
  kind: Int8Array,
  zeroKind: number,
  U: Float64Array,
  K: number,
  gemm: Gemm,
): Float64Array {
  const rows = to - from;
  const used = Int32Array.from(kept.flatMap((j, t) => (kind[j] === zeroKind ? [] : [t])));
  const inner = used.length;
  if (inner === 0 || K === 0) return new Float64Array(rows * K);
  const columns = Int32Array.from(used, (t) => kept[t]!);
  const G = new Float64Array(rows * inner);
  for (let row = 0; row < rows; row++) {
    const source = (from + row) * n;
    const target = row * inner;
    for (let a = 0; a < inner; a++) G[target + a] = C[source + columns[a]!]!;
  }
  const B = new Float64Array(inner * K);
  for (let a = 0; a < inner; a++) B.set(U.subarray(used[a]! * K, used[a]! * K + K), a * K);
  return gemm(G, rows, inner, B, K);
}

/**
 * The roots of the secular equation 1 + r·Σ z_j² / (d_j - λ) = 0 (d ascending, z without zeros,
 * ‖z‖ = 1) and the eigenvectors of diag(d) + r·z·zᵀ, K×K row-major, columns normalized, from
 * Gu and Eisenstat's recomputed z (dlaed3), so that they are orthogonal to rounding.
 */
function solveSecular(
  d: Float64Array,
  z: Float64Array,
  r: number,
): { values: Float64Array; vectors: Float64Array } {
  const K = d.length;
  const values = new Float64Array(K);
  // delta[i * K + m] = d_i - λ_m, computed from the root's nearest pole.
  const delta = new Float64Array(K * K);
  for (let m = 0; m < K; m++) {
    const { origin, tau } = secularRoot(d, z, r, m);
    values[m] = d[origin]! + tau;
    for (let i = 0; i < K; i++) delta[i * K + m] = d[i]! - d[origin]! - tau;
  }
  const w = new Float64Array(K);
  for (let i = 0; i < K; i++) w[i] = delta[i * K + i]!;
  for (let m = 0; m < K; m++)
    for (let i = 0; i < K; i++) if (i !== m) w[i]! *= delta[i * K + m]! / (d[i]! - d[m]!);
  const zHat = Float64Array.from(w, (x, i) => Math.sign(z[i]!) * Math.sqrt(Math.max(0, -x)));
  const vectors = new Float64Array(K * K);
  for (let m = 0; m < K; m++) {
    let sum = 0;
    for (let i = 0; i < K; i++) {
      const u = zHat[i]! / delta[i * K + m]!;
      vectors[i * K + m] = u;
      sum += u * u;
    }
    const norm = Math.sqrt(sum);
    for (let i = 0; i < K; i++) vectors[i * K + m]! /= norm;
  }
  return { values, vectors };
}

/**
 * The m-th root as an offset `tau` from its nearest pole d[origin]: in (d_m, d_{m+1}), or in
 * (d_{K-1}, d_{K-1} + r] for the last. Li's "middle way" rational steps, safeguarded by
 * bisection on a bracket that shrinks every step; stops when |f| is within rounding of its terms
 * (dlaed4's test) or the bracket is as narrow as rounding allows.
 */
function secularRoot(
  d: Float64Array,
  z: Float64Array,
  r: number,
  m: number,
): { origin: number; tau: number } {
  const K = d.length;
  if (K === 1) return { origin: 0, tau: r * z[0]! * z[0]! };
  const last = m === K - 1;
  const ip = last ? K - 2 : m;
  const iq = ip + 1;
  let origin: number;
  let lower: number;
  let upper: number;
  if (last) {
    origin = K - 1;
    lower = 0;
    let zz = 0;
    for (let j = 0; j < K; j++) zz += z[j]! * z[j]!;
    upper = r * zz;
  } else {
    const half = (d[iq]! - d[ip]!) / 2;
    let f = 1 / r;
    for (let j = 0; j < K; j++) f += (z[j]! * z[j]!) / (d[j]! - d[ip]! - half);
    if (f >= 0) {
      origin = ip;
      lower = 0;
      upper = half;
    } else {
      origin = iq;
      lower = -half;
      upper = 0;
    }
  }
  const base = d[origin]!;
  let tau = (lower + upper) / 2;
  for (let iteration = 0; iteration < MAX_SECULAR_ITERATIONS; iteration++) {
    let psi = 0;
    let dpsi = 0;
    let phi = 0;
    let dphi = 0;
    for (let j = 0; j <= ip; j++) {
      const t = z[j]! / (d[j]! - base - tau);
      psi += z[j]! * t;
      dpsi += t * t;
    }
    for (let j = iq; j < K; j++) {
      const t = z[j]! / (d[j]! - base - tau);
      phi += z[j]! * t;
      dphi += t * t;
    }
    const w = 1 / r + psi + phi;
    const bound = 8 * (phi - psi) + 2 / r + 3 * Math.abs(tau) * (dpsi + dphi);
    if (Math.abs(w) <= EPS * bound) break;
    if (w < 0) lower = tau;
    else upper = tau;
    if (upper - lower <= 4 * EPS * Math.max(Math.abs(lower), Math.abs(upper))) break;
    const dp = d[ip]! - base - tau;
    const dq = d[iq]! - base - tau;
    const a = (dp + dq) * w - dp * dq * (dpsi + dphi);
    const b = dp * dq * w;
    const c = w - dp * dpsi - dq * dphi;
    let eta: number;
    if (c === 0) eta = b / a;
    else if (a <= 0) eta = (a - Math.sqrt(Math.abs(a * a - 4 * b * c))) / (2 * c);
    else eta = (2 * b) / (a + Math.sqrt(Math.abs(a * a - 4 * b * c)));
    // A step the wrong way is replaced by Newton's; one leaving the bracket by bisection.
    if (!Number.isFinite(eta) || w * eta >= 0) eta = -w / (dpsi + dphi);
    let next = tau + eta;
    if (!(next > lower && next < upper)) next = (lower + upper) / 2;
    tau = next;
  }
  return { origin, tau };
}
