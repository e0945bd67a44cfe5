/**
 * The starts of W and H, as scikit-learn's `_initialize_nmf`: NNDSVD (Boutsidis and Gallopoulos
 * 2008) from the leading singular triplets, its zeros kept (`nndsvd`), set to the data's mean
 * (`nndsvda`) or to small random values (`nndsvdar`); or seeded random values scaled to the
 * data's mean (`random`).
 */

import { normalGenerator } from "@tt/decompose-core";
import type { NmfInit } from "./config.js";
import type { Triplets } from "./truncated-svd.js";

/** Entries of the NNDSVD start below this become 0 (scikit-learn's `eps`). */
const NNDSVD_EPS = 1e-6;

/** W (n × k) and H (k × p), row-major. */
export interface Factors {
  W: Float64Array;
  H: Float64Array;
}

/** The positive or the negative part of `x`, as magnitudes. */
function part(x: Float64Array, sign: 1 | -1): Float64Array {
  return x.map((v) => Math.max(sign * v, 0));
}

function norm(x: Float64Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return Math.sqrt(sum);
}

/** `x` divided by its norm (a zero vector stays zero). */
function unit(x: Float64Array): Float64Array {
  const length = norm(x);
  return length > 0 ? x.map((a) => a / length) : x;
}

/** Column `c` of a row-major matrix with `k` columns. */
function column(M: Float64Array, rows: number, k: number, c: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, i) => M[i * k + c]!);
}

/**
 * The NNDSVD start of rank k from the triplets of an n × p matrix whose entries sum to `total`;
 * `init` says what becomes of its zeros (`seed` for `nndsvdar`).
 */
export function nndsvd(
  svd: Triplets,
  n: number,
  p: number,
  k: number,
  init: Exclude<NmfInit, "random">,
  total: number,
  seed: number,
): Factors {
  const W = new Float64Array(n * k);
  const H = new Float64Array(k * p);
  for (let c = 0; c < k; c++) {
    const x = column(svd.U, n, k, c);
    const y = column(svd.V, p, k, c);
    let u: Float64Array;
    let v: Float64Array;
    let sigma: number;
    if (c === 0) {
      // The leading singular pair of non-negative data is non-negative up to its sign.
      [u, v, sigma] = [x.map(Math.abs), y.map(Math.abs), 1];
    } else {
      const [xp, yp, xn, yn] = [part(x, 1), part(y, 1), part(x, -1), part(y, -1)];
      const mp = norm(xp) * norm(yp);
      const mn = norm(xn) * norm(yn);
      [u, v, sigma] = mp > mn ? [unit(xp), unit(yp), mp] : [unit(xn), unit(yn), mn];
    }
    const scale = Math.sqrt(svd.s[c]! * sigma);
    for (let i = 0; i < n; i++) W[i * k + c] = scale * u[i]!;
    for (let j = 0; j < p; j++) H[c * p + j] = scale * v[j]!;
  }
  for (const M of [W, H]) for (let a = 0; a < M.length; a++) if (M[a]! < NNDSVD_EPS) M[a] = 0;
  if (init !== "nndsvd") fillZeros([W, H], total / (n * p), init === "nndsvdar" ? seed : undefined);
  return { W, H };
}

/** Zeros become `mean` (nndsvda), or |mean · N(0, 1) / 100| drawn from `seed` (nndsvdar). */
function fillZeros(matrices: Float64Array[], mean: number, seed: number | undefined): void {
  const normal = seed === undefined ? undefined : normalGenerator(seed);
  for (const M of matrices)
    for (let a = 0; a < M.length; a++)
      if (M[a] === 0) M[a] = normal === undefined ? mean : Math.abs((mean * normal()) / 100);
}

/** Seeded random W and H: |N(0, 1)| · sqrt(mean / k), as scikit-learn's `init="random"`. */
export function randomFactors(
  n: number,
  p: number,
  k: number,
  total: number,
  seed: number,
): Factors {
  const normal = normalGenerator(seed);
  const scale = Math.sqrt(total / (n * p) / k);
  const H = Float64Array.from({ length: k * p }, () => Math.abs(scale * normal()));
  const W = Float64Array.from({ length: n * k }, () => Math.abs(scale * normal()));
  return { W, H };
}
