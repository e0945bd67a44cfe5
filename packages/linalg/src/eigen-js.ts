/**
 * The JavaScript twin of the eigensolver's wasm loop (assembly/tridiagonal.ts): the same
 * arguments (byte offsets into the heap), the same arithmetic in the same order, so that the
 * "js" backend gives the bits of the SIMD128 build. Structure follows the wasm code line by line.
 */
import type { KernelHeap } from "./kernel-heap.js";

/** `p[c] = x * row[c] + p[c]` for c in [0, len) (indices into `f`). */
function axpy(f: Float64Array, p: number, x: number, row: number, len: number): void {
  for (let c = 0; c < len; c++) f[p + c] = x * f[row + c]! + f[p + c]!;
}

/** `row[c] = (-w)·vv[c] + ((-v)·wv[c] + row[c])` for c in [0, len). */
function rank2Row(
  f: Float64Array,
  row: number,
  v: number,
  w: number,
  wv: number,
  vv: number,
  len: number,
): void {
  for (let c = 0; c < len; c++) {
    const t = -v * f[wv + c]! + f[row + c]!;
    f[row + c] = -w * f[vv + c]! + t;
  }
}

/** The Householder vector of f[x .. x+len) in place; returns tau and writes beta to f[betaAt]. */
function householder(f: Float64Array, x: number, len: number, betaAt: number): number {
  const alpha = f[x]!;
  let tail = 0;
  for (let i = 1; i < len; i++) tail = Math.max(tail, Math.abs(f[x + i]!));
  if (tail === 0) {
    f[betaAt] = alpha;
    f.fill(0, x, x + len);
    return 0;
  }
  const scale = Math.max(tail, Math.abs(alpha));
  let sum = 0;
  for (let i = 0; i < len; i++) {
    const y = f[x + i]! / scale;
    sum += y * y;
  }
  let beta = scale * Math.sqrt(sum);
  if (alpha >= 0) beta = -beta;
  const tau = (beta - alpha) / beta;
  const factor = 1 / (alpha - beta);
  f[x] = 1;
  for (let i = 1; i < len; i++) f[x + i] = f[x + i]! * factor;
  f[betaAt] = beta;
  return tau;
}

/** `tridiag_f64`: see assembly/tridiagonal.ts `tridiagonalize`. */
export function tridiagKernel(heap: KernelHeap) {
  return (
    a: number,
    n: number,
    d: number,
    e: number,
    tau: number,
    p: number,
    w: number,
    k0: number,
    k1: number,
  ) => {
    if (n === 0) return;
    const f = heap.f64;
    const A = a / 8;
    const at = (r: number, c: number) => A + r * n + c;
    const [D, E, T, P, W] = [d / 8, e / 8, tau / 8, p / 8, w / 8];
    let previousTau = k0 > 0 ? f[T + k0 - 1]! : 0;
    const end = Math.min(k1, n - 2);
    for (let k = k0; k < end; k++) {
      const m = n - k - 1;
      const row = at(k, k + 1);
      if (previousTau !== 0)
        rank2Row(f, at(k, k), f[at(k - 1, k)]!, f[W + k]!, W + k, at(k - 1, k), m + 1);
      f[D + k] = f[at(k, k)]!;
      const t = householder(f, row, m, E + k);
      f[T + k] = t;
      const pk = P + k + 1;
      f.fill(0, pk, pk + m);
      for (let r = k + 1; r < n; r++) {
        if (previousTau !== 0)
          rank2Row(f, at(r, k + 1), f[at(k - 1, r)]!, f[W + r]!, W + k + 1, at(k - 1, k + 1), m);
        if (t !== 0) axpy(f, pk, f[at(k, r)]!, at(r, k + 1), m);
      }
      previousTau = t;
      if (t === 0) continue;
      let pv = 0;
      for (let c = 0; c < m; c++) pv += f[pk + c]! * f[row + c]!;
      const half = -0.5 * t * (t * pv);
      for (let c = 0; c < m; c++) {
        f[pk + c] = t * f[pk + c]!;
        f[W + k + 1 + c] = half * f[row + c]! + f[pk + c]!;
      }
    }
    if (k1 < n - 2) return;
    const last = n - 2;
    if (last >= 0) {
      if (previousTau !== 0 && last >= 1)
        for (let r = last; r < n; r++)
          rank2Row(f, at(r, last), f[at(last - 1, r)]!, f[W + r]!, W + last, at(last - 1, last), 2);
      f[D + last] = f[at(last, last)]!;
      f[E + last] = f[at(last, last + 1)]!;
      f[T + last] = 0;
    }
    f[D + n - 1] = f[at(n - 1, n - 1)]!;
  };
}
