/**
 * The Householder reduction to tridiagonal form of the symmetric eigensolver (src/kernel-eigen.ts),
 * f64 only; its other O(n³) parts run on the product kernels.
 * Vectors run across contiguous columns, so every output element is a sequential sum in the same
 * order as the JavaScript twins (src/eigen-js.ts), which therefore give the same bits as the
 * SIMD128 build. Scalars (norms, dot products) are plain sequential loops on both sides.
 */
import { madd } from "./common";

/** The address of element (r, c) of the row-major n×n f64 matrix at `a`. */
function at(a: usize, n: i32, r: i32, c: i32): usize {
  return a + ((<usize>r * <usize>n + <usize>c) << 3);
}

/** `p[c] += x * row[c]` for c in [0, len). */
function axpy(p: usize, x: f64, row: usize, len: i32): void {
  const xs = f64x2.splat(x);
  let c = 0;
  for (; c + 2 <= len; c += 2) {
    const at = (<usize>c) << 3;
    v128.store(p + at, madd<f64>(xs, v128.load(row + at), v128.load(p + at)));
  }
  for (; c < len; c++) {
    const at = (<usize>c) << 3;
    store<f64>(p + at, x * load<f64>(row + at) + load<f64>(p + at));
  }
}

/** `row[c] = row[c] - v·w[c] - w·v[c]`, i.e. `(-v)·w[c] + row[c]`, then `(-w)·v[c] + that`. */
function rank2Row(row: usize, v: f64, w: f64, wv: usize, vv: usize, len: i32): void {
  const nv = f64x2.splat(-v);
  const nw = f64x2.splat(-w);
  let c = 0;
  for (; c + 2 <= len; c += 2) {
    const at = (<usize>c) << 3;
    const t = madd<f64>(nv, v128.load(wv + at), v128.load(row + at));
    v128.store(row + at, madd<f64>(nw, v128.load(vv + at), t));
  }
  for (; c < len; c++) {
    const at = (<usize>c) << 3;
    const t = -v * load<f64>(wv + at) + load<f64>(row + at);
    store<f64>(row + at, -w * load<f64>(vv + at) + t);
  }
}

/**
 * The Householder vector of `x` (len values at `x`), in place: x becomes v with v[0] = 1, and the
 * function returns tau, with `(I - tau v vᵀ) x = beta e₁`; beta goes to `betaOut`. tau = 0 (and v
 * zero) when x[1:] is already zero. Norms are scaled by the largest |x| against overflow.
 */
function householder(x: usize, len: i32, betaOut: usize): f64 {
  const alpha = load<f64>(x);
  let tail: f64 = 0;
  for (let i = 1; i < len; i++) tail = max(tail, abs(load<f64>(x + ((<usize>i) << 3))));
  if (tail === 0) {
    store<f64>(betaOut, alpha);
    for (let i = 0; i < len; i++) store<f64>(x + ((<usize>i) << 3), 0);
    return 0;
  }
  const scale = max(tail, abs(alpha));
  let sum: f64 = 0;
  for (let i = 0; i < len; i++) {
    const y = load<f64>(x + ((<usize>i) << 3)) / scale;
    sum += y * y;
  }
  let beta = scale * Math.sqrt(sum);
  if (alpha >= 0) beta = -beta;
  const tau = (beta - alpha) / beta;
  const factor = 1 / (alpha - beta);
  store<f64>(x, 1);
  for (let i = 1; i < len; i++) {
    const at = x + ((<usize>i) << 3);
    store<f64>(at, load<f64>(at) * factor);
  }
  store<f64>(betaOut, beta);
  return tau;
}

/**
 * Reduces the symmetric n×n matrix at `a` (row-major, both triangles) to tridiagonal form
 * T = Qᵀ A Q, Q = H₀ H₁ ⋯ H_{n-3}, H_k = I - tau[k] v_k v_kᵀ acting on rows k+1 … n-1. Writes the
 * diagonal to `d` (n), the subdiagonal to `e` (n - 1), tau (n - 1, the last 0), and v_k (with its
 * leading 1) to row k of `a`, columns k+1 … n-1; the rest of `a` is left as scratch. `p` and `w`
 * are scratch of n f64 each. Each step updates the trailing matrix, A₂₂ -= v wᵀ + w vᵀ, and in
 * the same sweep over its rows accumulates the next step's A₂₂·v, row by row.
 *
 * Runs steps [k0, k1) (callers run them in several calls: V8 moves a wasm function to its
 * optimizing tier between calls, never within one); the call that reaches step n - 2 also
 * finishes the last 2×2 block. Between calls the state is in memory: the last step's tau, v (row
 * k - 1 of `a`) and w.
 */
export function tridiagonalize(
  a: usize,
  n: i32,
  d: usize,
  e: usize,
  tau: usize,
  p: usize,
  w: usize,
  k0: i32,
  k1: i32,
): void {
  if (n === 0) return;
  // The previous step's reflection is applied lazily, row by row, during this step's sweep.
  let previousTau: f64 = k0 > 0 ? load<f64>(tau + ((<usize>(k0 - 1)) << 3)) : 0;
  const end = min(k1, n - 2);
  for (let k = k0; k < end; k++) {
    const m = n - k - 1;
    const row = at(a, n, k, k + 1);
    // Row k is column k of the matrix updated by step k-1: bring it up to date first.
    if (previousTau !== 0) {
      const vk = load<f64>(at(a, n, k - 1, k));
      const wk = load<f64>(w + ((<usize>k) << 3));
      rank2Row(at(a, n, k, k), vk, wk, w + ((<usize>k) << 3), at(a, n, k - 1, k), m + 1);
    }
    store<f64>(d + ((<usize>k) << 3), load<f64>(at(a, n, k, k)));
    const t = householder(row, m, e + ((<usize>k) << 3));
    store<f64>(tau + ((<usize>k) << 3), t);
    // p = A₂₂ v over the rows of the trailing matrix, each brought up to date first.
    const pk = p + ((<usize>(k + 1)) << 3);
    for (let c = 0; c < m; c++) store<f64>(pk + ((<usize>c) << 3), 0);
    for (let r = k + 1; r < n; r++) {
      if (previousTau !== 0) {
        const vr = load<f64>(at(a, n, k - 1, r));
        const wr = load<f64>(w + ((<usize>r) << 3));
        rank2Row(
          at(a, n, r, k + 1),
          vr,
          wr,
          w + ((<usize>(k + 1)) << 3),
          at(a, n, k - 1, k + 1),
          m,
        );
      }
      if (t !== 0) axpy(pk, load<f64>(at(a, n, k, r)), at(a, n, r, k + 1), m);
    }
    previousTau = t;
    if (t === 0) continue;
    // w = tau p - (tau² pᵀv / 2) v, kept over columns [k+1, n) of `w`.
    let pv: f64 = 0;
    for (let c = 0; c < m; c++)
      pv += load<f64>(pk + ((<usize>c) << 3)) * load<f64>(row + ((<usize>c) << 3));
    const half = -0.5 * t * (t * pv);
    for (let c = 0; c < m; c++) {
      const o = (<usize>c) << 3;
      store<f64>(pk + o, t * load<f64>(pk + o));
      store<f64>(w + ((<usize>(k + 1)) << 3) + o, half * load<f64>(row + o) + load<f64>(pk + o));
    }
  }
  if (k1 < n - 2) return;
  // The last 2×2 block, brought up to date by the last reflection.
  const last = n - 2;
  if (last >= 0) {
    if (previousTau !== 0 && last >= 1) {
      for (let r = last; r < n; r++) {
        const vr = load<f64>(at(a, n, last - 1, r));
        const wr = load<f64>(w + ((<usize>r) << 3));
        rank2Row(at(a, n, r, last), vr, wr, w + ((<usize>last) << 3), at(a, n, last - 1, last), 2);
      }
    }
    store<f64>(d + ((<usize>last) << 3), load<f64>(at(a, n, last, last)));
    store<f64>(e + ((<usize>last) << 3), load<f64>(at(a, n, last, last + 1)));
    store<f64>(tau + ((<usize>last) << 3), 0);
  }
  store<f64>(d + ((<usize>(n - 1)) << 3), load<f64>(at(a, n, n - 1, n - 1)));
}
