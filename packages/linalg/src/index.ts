/**
 * Dense linear algebra kernels on row-major `Float64Array` matrices: products, Householder QR,
 * the symmetric eigen decomposition and a one-sided Jacobi SVD for small matrices.
 *
 * @example
 * ```ts
 * import { svdFlip, svdSmall } from "@tt/linalg";
 *
 * const A = Float64Array.from([3, 0, 4, 5]); // 2×2, row-major
 * const { U, s, Vt } = svdSmall(A, 2, 2);
 * svdFlip(U, s, Vt); // sign convention of scikit-learn >= 1.5
 * console.log(s); // Float64Array [ 6.708..., 2.236... ]
 * ```
 *
 * @module
 */
export { gram, matmul, matmulTransA } from "./gemm.js";
export { type QrResult, qr } from "./qr.js";
export { type SvdResult, svdFlip, svdSmall } from "./svd.js";
export { type SymmetricEigenResult, symmetricEigen } from "./symmetric-eigen.js";
