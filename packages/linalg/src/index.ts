/**
 * Dense linear algebra: pure-TypeScript kernels on row-major `Float64Array` matrices (products,
 * Householder QR, the symmetric eigen decomposition and a one-sided Jacobi SVD for small
 * matrices), and {@link createKernels}, WebAssembly SIMD kernels for large float32/float64
 * matrices (`A·B`, `Aᵀ·T`, the fused `Aᵀ(A·Y)`, `AᵀA`, column scaling and moments, and the CP
 * MTTKRP in two GEMM passes with {@link khatriRao} and {@link mttkrpFromPartial}) with worker
 * threads on Node and a bit-identical JavaScript fallback. The WebAssembly modules and the worker
 * code are inlined in the JavaScript, so the package bundles and runs anywhere without asset
 * files; Node-only code sits behind the `#platform` import, which browser bundlers resolve to a
 * one-thread variant.
 *
 * @example
 * ```ts
 * import { createKernels, svdFlip, svdSmall } from "@tt/linalg";
 *
 * const A = Float64Array.from([3, 0, 4, 5]); // 2×2, row-major
 * const { U, s, Vt } = svdSmall(A, 2, 2);
 * svdFlip(U, s, Vt); // sign convention of scikit-learn >= 1.5
 * console.log(s); // Float64Array [ 6.708..., 2.236... ]
 *
 * const kernels = await createKernels(); // "wasm-simd" on Node 20, one thread per core
 * const X = kernels.allocMatrix(3, 2, "float32"); // lives in kernel memory
 * X.data.set([1, 2, 3, 4, 5, 6]);
 * console.log(await kernels.gram(X)); // Float64Array [ 35, 44, 44, 56 ]
 * await kernels.dispose();
 * ```
 *
 * @module
 */
export { createKernels } from "./create-kernels.js";
export { gram, matmul, matmulTransA } from "./gemm.js";
export { type RowTransform, rowTransformOf } from "./kernel-engine.js";
export { KERNEL_CHUNK_ROWS } from "./kernel-functions.js";
export type { KernelDType, KernelMatrix } from "./kernel-matrix.js";
export type {
  ColumnAffine,
  ColumnMoments,
  ContrastProduct,
  ElementFunction,
  ElementSums,
  KernelBackend,
  KernelMoments,
  KernelOptions,
  Kernels,
} from "./kernel-types.js";
export { khatriRao, mttkrpFromPartial } from "./khatri-rao.js";
export { type QrResult, qr } from "./qr.js";
export {
  type RowKernels,
  type RowMeanLayout,
  type RowOperator,
  type RowStep,
  rowKernels,
} from "./row-kernels.js";
export { type SvdResult, svdFlip, svdSmall } from "./svd.js";
export { type SymmetricEigenResult, symmetricEigen } from "./symmetric-eigen.js";
