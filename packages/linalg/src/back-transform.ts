/**
 * The back-transformation of the eigensolver, blocked: Z ← Q·Z for the Q = H₀ H₁ ⋯ H_{n-3} of
 * `tridiag_f64`, applied nb reflectors at a time in the compact WY form H_kb ⋯ H_{ke-1} =
 * I - V·T·Vᵀ (LAPACK's dlarft and dlarfb), so that the work runs in two kernel products per
 * block: Wᵀ = Z₂ᵀ·V (`trans_f64`, Z streamed once) and Z₂ -= V·(T·W) (`multiply_f64`).
 */
import type { KernelFunctions } from "./kernel-functions.js";
import type { KernelHeap } from "./kernel-heap.js";

/** Reflectors per block (even: the f64 kernels take column counts in pairs). */
const BLOCK = 32;

/**
 * Z (n rows of `stride` f64 at byte offset `z`, the first n columns used) ← Q·Z, with v_k in row k
 * of the n×n `a` (columns k+1 …, v_k[0] = 1) and tau at `tau` (n f64).
 */
export function backTransform(
  heap: KernelHeap,
  functions: KernelFunctions,
  z: number,
  n: number,
  stride: number,
  a: number,
  tau: number,
): void {
  const last = n - 3;
  if (last < 0) return;
  const scratch = [n * BLOCK, BLOCK * BLOCK, stride * BLOCK, stride * BLOCK, n * stride];
  const [vAt, pAt, bAt, wAt, outAt] = scratch.map((length) => heap.alloc(8 * Math.max(length, 1)));
  try {
    for (let kb = Math.floor(last / BLOCK) * BLOCK; kb >= 0; kb -= BLOCK) {
      const ke = Math.min(kb + BLOCK, last + 1);
      applyBlock(heap, functions, { z, n, stride, a, tau, kb, ke }, [
        vAt!,
        pAt!,
        bAt!,
        wAt!,
        outAt!,
      ]);
    }
  } finally {
    for (const at of [vAt, pAt, bAt, wAt, outAt]) heap.free(at!);
  }
}

interface Block {
  z: number;
  n: number;
  stride: number;
  a: number;
  tau: number;
  kb: number;
  ke: number;
}

/** Z₂ ← (I - V·T·Vᵀ)·Z₂ for the reflectors [kb, ke), Z₂ the rows kb+1 … n-1 of Z. */
function applyBlock(
  heap: KernelHeap,
  functions: KernelFunctions,
  { z, n, stride, a, tau, kb, ke }: Block,
  [vAt, pAt, bAt, wAt, outAt]: [number, number, number, number, number],
): void {
  const m = n - kb - 1;
  const nb = BLOCK;
  const f = heap.f64;
  // V (m × nb): column j holds v_{kb+j} from row j on (1 there), zeros above; columns past the
  // block are zero.
  const V = new Float64Array(m * nb);
  const taus = new Float64Array(nb);
  for (let j = 0; j < ke - kb; j++) {
    const k = kb + j;
    taus[j] = f[tau / 8 + k]!;
    const row = a / 8 + k * n + k + 1;
    for (let i = j; i < m; i++) V[i * nb + j] = f[row + i - j]!;
  }
  heap.f64.set(V, vAt / 8);
  // VᵀV (nb × nb) for T, on the kernels.
  functions.trans_f64(vAt, m, nb, vAt, nb, wAt);
  const T = triangularFactor(heap.f64.slice(wAt / 8, wAt / 8 + nb * nb), nb, taus);
  const z2 = z + (kb + 1) * stride * 8;
  // P = Z₂ᵀ·V (stride × nb), i.e. Wᵀ for W = Vᵀ·Z₂; then Y = P·Tᵀ (stride × nb) = (T·W)ᵀ.
  functions.trans_f64(z2, m, stride, vAt, nb, wAt);
  const Tt = new Float64Array(nb * nb);
  for (let i = 0; i < nb; i++) for (let l = 0; l < nb; l++) Tt[l * nb + i] = T[i * nb + l]!;
  heap.f64.set(Tt, pAt / 8);
  functions.multiply_f64(wAt, stride, nb, pAt, nb, bAt);
  // B = Yᵀ (nb × stride), then Z₂ -= V·B.
  const Y = heap.f64.slice(bAt / 8, bAt / 8 + stride * nb);
  const B = new Float64Array(nb * stride);
  for (let c = 0; c < stride; c++) for (let i = 0; i < nb; i++) B[i * stride + c] = Y[c * nb + i]!;
  heap.f64.set(B, wAt / 8);
  functions.multiply_f64(vAt, m, nb, wAt, stride, outAt);
  const g = heap.f64;
  const out = outAt / 8;
  const first = z2 / 8;
  for (let i = 0; i < m * stride; i++) g[first + i]! -= g[out + i]!;
}

/**
 * The upper triangular T of the compact WY form (dlarft, forward, columnwise), from the block's
 * VᵀV: T[j][j] = tau_j and T[0:j, j] = -tau_j · T[0:j, 0:j] · (VᵀV)[0:j, j].
 */
function triangularFactor(VtV: Float64Array, nb: number, taus: Float64Array): Float64Array {
  const T = new Float64Array(nb * nb);
  for (let j = 0; j < nb; j++) {
    const tj = taus[j]!;
    T[j * nb + j] = tj;
    if (tj === 0) continue;
    for (let i = 0; i < j; i++) {
      let sum = 0;
      for (let l = i; l < j; l++) sum += T[i * nb + l]! * VtV[l * nb + j]!;
      T[i * nb + j] = -tj * sum;
    }
  }
  return T;
}
