/**
 * The symmetric eigen decomposition on the kernels (Kernels.symmetricEigen), as LAPACK's dsyevd:
 * Householder tridiagonalization (`tridiag_f64`), divide and conquer on the tridiagonal
 * (tridiagonal-dc.ts, its products on `multiply_f64`) and the blocked back-transformation of the
 * vectors (back-transform.ts, on `trans_f64` and `multiply_f64`). The three O(n³) parts run in
 * the kernel functions, on the main thread; the "js" backend runs their JavaScript twins, which
 * give the bits of the SIMD128 build.
 */

import { backTransform } from "./back-transform.js";
import type { KernelFunctions } from "./kernel-functions.js";
import type { KernelHeap } from "./kernel-heap.js";
import { checkSymmetric, type SymmetricEigenResult } from "./symmetric-eigen.js";
import { type Gemm, tridiagonalEigen } from "./tridiagonal-dc.js";

/** Reduction steps per call of tridiag_f64. */
const STEPS_PER_CALL = 16;

/** Allocates f64 arrays on the heap for the duration of `run`, then frees them. */
function withHeap<T>(heap: KernelHeap, lengths: number[], run: (offsets: number[]) => T): T {
  const offsets: number[] = [];
  try {
    for (const length of lengths) offsets.push(heap.alloc(Math.max(8, length * 8)));
    return run(offsets);
  } finally {
    for (const offset of offsets) heap.free(offset);
  }
}

/** The heap-backed product of the divide and conquer: `multiply_f64` on copies of A and B. */
function heapGemm(heap: KernelHeap, functions: KernelFunctions): Gemm {
  return (A, rows, inner, B, cols) => {
    const lp = cols + (cols & 1);
    return withHeap(heap, [rows * inner, inner * lp, rows * lp], ([a, b, out]) => {
      heap.f64.set(A, a! / 8);
      heap.writeRows(b!, B, inner, cols, lp, false);
      functions.multiply_f64(a!, rows, inner, b!, lp, out!);
      return heap.readRows(out!, rows, lp, cols);
    });
  };
}

/**
 * Eigenvalues (descending) and eigenvectors (columns) of the symmetric row-major n×n `S`, with the
 * heavy loops in `functions` over `heap`. The checks and errors are those of symmetricEigen.
 */
export function heapSymmetricEigen(
  heap: KernelHeap,
  functions: KernelFunctions,
  S: Float64Array,
  n: number,
): SymmetricEigenResult {
  checkSymmetric("symmetricEigen", S, n);
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  return withHeap(heap, [n * n, n, n, n, n, n], ([a, d, e, tau, p, w]) => {
    heap.f64.set(S, a! / 8);
    // In several calls: V8 tiers a wasm function up between calls, never within one.
    for (let k = 0; k < Math.max(n - 2, 1); k += STEPS_PER_CALL)
      functions.tridiag_f64(a!, n, d!, e!, tau!, p!, w!, k, k + STEPS_PER_CALL);
    const f64 = heap.f64;
    const diagonal = f64.slice(d! / 8, d! / 8 + n);
    const offDiagonal = f64.slice(e! / 8, e! / 8 + n - 1);
    const tridiagonal = tridiagonalEigen(diagonal, offDiagonal, heapGemm(heap, functions));
    // Descending: the columns of the tridiagonal's vectors reversed (Q·Z·P = (Q·Z)·P).
    const values = tridiagonal.values.reverse();
    // Z's rows padded to an even length: the f64 kernels take column counts in pairs.
    const stride = n + (n & 1);
    return withHeap(heap, [n * stride], ([z]) => {
      const Z = heap.f64;
      const z0 = z! / 8;
      Z.fill(0, z0, z0 + n * stride);
      for (let row = 0; row < n; row++)
        for (let c = 0; c < n; c++)
          Z[z0 + row * stride + c] = tridiagonal.vectors[row * n + n - 1 - c]!;
      backTransform(heap, functions, z!, n, stride, a!, tau!);
      return { values, vectors: heap.readRows(z!, n, stride, n) };
    });
  });
}
