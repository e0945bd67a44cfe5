import type { KernelDType, KernelMatrix } from "./kernel-matrix.js";
import type { SymmetricEigenResult } from "./symmetric-eigen.js";

/**
 * Where the kernels run: WebAssembly with relaxed SIMD (fused multiply-add), WebAssembly SIMD128,
 * or plain JavaScript. `"js"` gives the same bits as `"wasm-simd"`; `"wasm-relaxed-simd"` may
 * differ from both in the last bits of the products because its multiply-adds are fused.
 */
export type KernelBackend = "wasm-relaxed-simd" | "wasm-simd" | "js";

/** Options of {@link createKernels}. */
export interface KernelOptions {
  /**
   * "auto" (default): relaxed SIMD when `WebAssembly.validate` accepts the relaxed module (Node 22+,
   * Chromium 114+; Node 20 with --experimental-wasm-relaxed-simd), else SIMD128, else the JS
   * kernels with one warning per process; a module that fails to compile or instantiate also
   * falls back with that warning. An explicit wasm backend that cannot run rejects with an
   * UnsupportedError instead.
   */
  backend?: KernelBackend | "auto";
  /**
   * Threads for large products on Node: the main thread plus `threads - 1` workers; default
   * os.availableParallelism(); 1 = main thread only. Outside Node and for the "js" backend always
   * 1. Results do not depend on it.
   */
  threads?: number;
}

/** The column-wise affine map `A[i, j] = (A[i, j] - shift[j]) * scale[j]` (length p each). */
export interface ColumnAffine {
  shift: Float64Array;
  scale: Float64Array;
}

/** Column sums accumulated by {@link Kernels.moments}. */
export interface ColumnMoments {
  /** Per column j, the sum of `A[i, j] - shift[j]`. */
  columnSums: Float64Array;
  /** Per column j, the sum of `(A[i, j] - shift[j])²`. */
  columnSumSquares: Float64Array;
}

/** What {@link Kernels.moments} returns. */
export interface KernelMoments extends ColumnMoments {
  /** Per row i, the sum of `A[i, j]²` (not shifted). */
  rowSumSquares: Float64Array;
}

/**
 * An element-wise function of {@link Kernels.mapElements} and {@link Kernels.contrastProduct},
 * with the derivative f' whose column sums they also return:
 * - `"tanh"`: f(x) = tanh(x), f' = 1 - f² (FastICA's logcosh contrast, extended Infomax);
 * - `"gauss"`: f(x) = x·exp(-x²/2), f' = (1 - x²)·exp(-x²/2) (FastICA's exp contrast);
 * - `"logistic"`: f(x) = 1 - 2/(1 + exp(-x)) = -tanh(x/2), f' = (f² - 1)/2 (Infomax's logistic rule).
 *
 * The kernels compute exp and tanh themselves, vectorized (f64x2) and identically on every backend:
 * exp by range reduction to |r| <= ln2/2 and a degree-13 polynomial, scaled by 2^k through the
 * exponent bits (0 below x = -746, subnormals rounded once); tanh as e/(e + 2) with e = expm1(2|x|)
 * (the rounding of e + 2 compensated), exactly ±1 from |x| = 20 on, odd and exact at ±0. Measured
 * against Math.exp and Math.tanh (test/kernels-elementwise.test.ts: dense sweeps, a million random
 * arguments, ±10^-300 to 1), exp is within 1 ulp on [-745, 709], tanh within 3 ulp everywhere
 * (relative error under 5e-16, also near 0).
 */
export type ElementFunction = "tanh" | "gauss" | "logistic";

/** Column sums returned by {@link Kernels.mapElements}. */
export interface ElementSums {
  /** Per column j, the sum of f over the rows. */
  valueSums: Float64Array;
  /** Per column j, the sum of f' over the rows. */
  derivativeSums: Float64Array;
}

/** What {@link Kernels.contrastProduct} returns: Aᵀ·f(A·B) and the column sums of f(A·B). */
export interface ContrastProduct extends ElementSums {
  /** Aᵀ·f(A·B), p×l f64. */
  product: Float64Array;
}

/**
 * Dense kernels over matrices in kernel memory (see {@link createKernels}). Every method checks
 * its arguments and rejects with an `ArgumentError` when a size does not match or a matrix was freed.
 * Calls run one after another in the order they were made.
 *
 * Arithmetic: products are formed in A's dtype (B, T, Y are rounded to it) and every output
 * element is a sequential sum over the reduction index in increasing order. float32 products sum
 * in float32 over at most 256 columns (`multiply`) or one chunk of {@link KERNEL_CHUNK_ROWS} rows
 * (the reductions over rows), then in float64; float64 products sum in float64 throughout. The
 * reductions over rows add the chunks' partial sums in float64 in chunk order, so results are
 * bit-identical for any thread count; passing the running total as `into` while streaming blocks
 * whose row counts are multiples of KERNEL_CHUNK_ROWS gives exactly the bits of one call on the
 * whole matrix. `affineColumns` and `moments` compute in float64 and give the same bits on every
 * backend.
 */
export interface Kernels {
  /** The backend the kernels run on. */
  readonly backend: KernelBackend;
  /** Threads that share large jobs: the main thread plus `threads - 1` workers. */
  readonly threads: number;
  /** Allocates a zero-filled rows × cols matrix in kernel memory. */
  allocMatrix(rows: number, cols: number, dtype: KernelDType): KernelMatrix;
  /** Releases a matrix made by allocMatrix (and the views made from it by withRows). */
  freeMatrix(matrix: KernelMatrix): void;
  /** A·B: A n×p in kernel memory, B p×l row-major f64; returns n×l f64. */
  multiply(A: KernelMatrix, B: Float64Array, l: number): Promise<Float64Array>;
  /**
   * Aᵀ·T: T n×l f64; returns p×l f64. With `into` (p×l), the result continues that running sum
   * (chunk partials are added to it in order) and is written to it and returned.
   */
  multiplyTransA(
    A: KernelMatrix,
    T: Float64Array,
    l: number,
    into?: Float64Array,
  ): Promise<Float64Array>;
  /**
   * Aᵀ·(A·Y) in ONE pass over A (for each small block of rows, form A_b·Y and accumulate
   * A_bᵀ(A_b·Y) while the block is in cache); Y p×l; returns p×l f64. The result equals
   * `multiplyTransA(A, await multiply(A, Y, l), l)` bit for bit. `into` as for multiplyTransA.
   * With `affine`, A first goes through `affineColumns(A, affine.shift, affine.scale)` in the
   * same pass, a few rows at a time while they are in cache: A is left as affineColumns leaves
   * it, and the result has the bits of affineColumns followed by normalProduct, without the
   * separate pass over A (what a streamed fit saves on every block it reads).
   */
  normalProduct(
    A: KernelMatrix,
    Y: Float64Array,
    l: number,
    into?: Float64Array,
    affine?: ColumnAffine,
  ): Promise<Float64Array>;
  /** Aᵀ·A, p×p f64, exactly symmetric (for p up to a few thousand). `into` (p×p) as for multiplyTransA. */
  gram(A: KernelMatrix, into?: Float64Array): Promise<Float64Array>;
  /** In place: A[i,j] = (A[i,j] - shift[j]) * scale[j] (computed in f64, stored in A's dtype). */
  affineColumns(A: KernelMatrix, shift: Float64Array, scale: Float64Array): Promise<void>;
  /**
   * Per column j: sum of (A[i,j]-shift[j]) and sum of (A[i,j]-shift[j])² (f64 results, length p
   * each); per row i: sum of A[i,j]² (length n). NaN propagates, so callers detect NaN from these.
   * With `into`, the column sums continue those running sums and are written to them.
   */
  moments(A: KernelMatrix, shift: Float64Array, into?: ColumnMoments): Promise<KernelMoments>;
  /**
   * Applies an element-wise function: `out[i, j] = f(A[i, j])` (computed in f64, stored in A's
   * dtype; `out` defaults to A itself, else it is a matrix of these kernels with A's shape and dtype
   * that does not overlap A), and returns the column sums of f and f' (length cols), added row after
   * row within each chunk of rows, the chunks in order: the same bits for any thread count and on
   * every backend. With `into`, the sums continue those running sums and are written to them.
   */
  mapElements(
    A: KernelMatrix,
    fn: ElementFunction,
    out?: KernelMatrix,
    into?: ElementSums,
  ): Promise<ElementSums>;
  /**
   * `Aᵀ·f(A·B)` (p×l) and the column sums of f(A·B) and f'(A·B) (length l), in one call that keeps
   * A·B in kernel memory: B p×l f64; the bits of `multiply`, then `mapElements` on its result
   * (rounded to A's dtype), then `multiplyTransA` (FastICA's fixed-point product E{z g(wᵀz)}).
   * With `into`, the product and the sums continue those running sums (as for multiplyTransA).
   */
  contrastProduct(
    A: KernelMatrix,
    B: Float64Array,
    l: number,
    fn: ElementFunction,
    into?: ContrastProduct,
  ): Promise<ContrastProduct>;
  /**
   * The MTTKRP of a tensor stored as A, instances × (d₁·…·dₘ) in C order: mode 0 (the instances)
   * is `A·khatriRao(U₁, …, Uₘ)` (n × R, one GEMM pass), mode k ≥ 1 is contracted from
   * `Aᵀ·U₀` ((d₁·…·dₘ) × R, the second GEMM pass) by `mttkrpFromPartial`. `dims` are
   * d₁ … dₘ; `factors` are U₀ … Uₘ (row-major, R columns; the one of `mode` is not read).
   */
  mttkrp(
    A: KernelMatrix,
    dims: readonly number[],
    factors: readonly Float64Array[],
    mode: number,
    rank: number,
  ): Promise<Float64Array>;
  /**
   * The eigen decomposition of a symmetric row-major n×n `S` (f64): eigenvalues descending and
   * eigenvectors as columns, as {@link symmetricEigen}, but as LAPACK's dsyevd: Householder
   * tridiagonalization, divide and conquer on the tridiagonal, back-transformation, the O(n³)
   * loops in the kernels (on one thread). Agrees with numpy.linalg.eigh to rounding (residual and
   * orthogonality about 1e-15 relative); the same bits on "js" and "wasm-simd", last bits apart
   * on "wasm-relaxed-simd" (fused multiply-adds). Checks as symmetricEigen.
   */
  symmetricEigen(S: Float64Array, n: number): Promise<SymmetricEigenResult>;
  /** Stops workers and releases memory; the kernels and their matrices cannot be used after. */
  dispose(): Promise<void>;
}
