/**
 * The HOOI iterations (higher-order orthogonal iteration, De Lathauwer et al. 2000) on the
 * instance-unfolded data A (n × p): per iteration ONE fused pass `T = Aᵀ(A·K)`, K the Kronecker
 * product of the non-instance factors; the instance factor's leading left singular vectors come
 * from the small `KᵀT = ZᵀZ` (Z = A·K), the projection `W = AᵀU₀ = T·V·Σ⁻¹` (p × r₀) holds all
 * the data the non-instance updates need, and each of those is the leading eigenvectors of a mode
 * Gram of W projected on the other factors. With missing entries (`missing: "mask"`) the pass is
 * two GEMMs, `Z = A·K` then `T = AᵀZ`, U₀ = Z·Vs is explicit, and the missing entries are imputed
 * after every iteration (EM, see impute.ts).
 */

import type { MatrixSource } from "@tt/decompose-core";
import { normalProduct, uniformGenerator } from "@tt/decompose-core";
import { type Kernels, matmul, matmulTransA, qr } from "@tt/linalg";
import { imputeMissing, maskedProduct } from "./impute.js";

import {
  contract,
  flipSigns,
  kron,
  leadingEigenvectors,
  leadingLeftVectors,
  sumSquares,
  symmetrize,
} from "./small.js";

/** What {@link runHooi} needs. */
export interface HooiOptions {
  source: MatrixSource;
  kernels: Kernels;
  /** The lengths of the non-instance modes, d₁ … dₘ. */
  dims: readonly number[];
  /** The rank of every mode, instance mode first. */
  ranks: readonly number[];
  /** Start values of U₁ … Uₘ (dₖ × rₖ, orthonormal columns). */
  factors: Float64Array[];
  /** ‖A‖² (of the observed entries: the missing ones hold 0 before the first iteration). */
  totalSquares: number;
  nIterMax: number;
  tol: number;
  signal: AbortSignal | undefined;
  onIteration(done: number, total: number): void;
}

/** The state after the last iteration. */
export interface HooiResult {
  /** U₁ … Uₘ after the last iteration. */
  factors: Float64Array[];
  /** The Kronecker product the last iteration's instance factor was computed from. */
  lastK: Float64Array;
  /** q × r₀ with U₀ = A·lastK·Vs: the last iteration's instance factor. */
  Vs: Float64Array;
  /** The core G unfolded on the instance mode (r₀ × r₁·…·rₘ, C order), for U₀ as given by Vs. */
  core: Float64Array;
  /** The relative error of each iteration (over the observed entries with missing entries). */
  history: number[];
  converged: boolean;
  /** With missing entries: the last iteration's instance factor (n × r₀) and the imputation. */
  imputation: Imputation | undefined;
}

/** The EM imputation of a masked fit, carried from one iteration to the next. */
export interface Imputation {
  /** The last iteration's instance factor, n × r₀ (`Z·Vs`). */
  U0: Float64Array;
  /** ‖·‖² of the values the missing entries hold. */
  fillSquares: number;
  /** The last imputation's change, ‖old − new‖ / ‖A‖ over the missing entries. */
  lastChange: number;
}

/** Runs HOOI from the given non-instance factors; see the module comment. */
export async function runHooi(options: HooiOptions): Promise<HooiResult> {
  const { dims, ranks, totalSquares, nIterMax, tol, signal } = options;
  const inner = ranks.slice(1);
  const q = inner.reduce((a, b) => a * b, 1);
  const factors = options.factors.map((U) => U.slice());
  const history: number[] = [];
  let converged = false;
  let step: InstanceStep | undefined;
  const imputation =
    options.source.missing.length > 0
      ? { U0: new Float64Array(0), fillSquares: 0, lastChange: 0 }
      : undefined;
  for (let iteration = 0; iteration < nIterMax; iteration++) {
    signal?.throwIfAborted();
    const K = kron(factors, dims, inner);
    const { T, Z } =
      imputation === undefined
        ? { T: await normalProduct(options.source, options.kernels, K, q), Z: undefined }
        : await maskedProduct(options.source, options.kernels, K, q);
    step = instanceStep(K, T, q, ranks[0]!);
    updateModes(step.W, dims, ranks, factors);
    step.core = coreOf(step.W, dims, ranks, factors);
    const error =
      imputation === undefined
        ? Math.sqrt(Math.abs(totalSquares - sumSquares(step.core))) / Math.sqrt(totalSquares)
        : await imputeStep(options, imputation, { Z: Z!, Vs: step.Vs, core: step.core, factors });
    history.push(error);
    options.onIteration(iteration + 1, nIterMax);
    if (iteration > 0 && Math.abs(history[iteration - 1]! - error) < tol) {
      converged = true;
      break;
    }
  }
  return {
    factors,
    lastK: step!.K,
    Vs: step!.Vs,
    core: step!.core!,
    history,
    converged,
    imputation,
  };
}

/**
 * The E step after an iteration of a masked fit: U₀ = Z·Vs, every missing entry set to the
 * model's value; returns the relative error over the observed entries. With the old fill,
 * `‖A − Â‖² = ‖A‖² − ‖G‖²` (orthonormal factors, G the projection); the missing entries' part of
 * it is exactly the imputation's change, the rest the observed entries' error.
 */
async function imputeStep(
  options: HooiOptions,
  imputation: Imputation,
  model: { Z: Float64Array; Vs: Float64Array; core: Float64Array; factors: Float64Array[] },
): Promise<number> {
  const { source, dims, ranks, totalSquares } = options;
  const inner = ranks.slice(1);
  const r0 = ranks[0]!;
  const q = model.core.length / r0;
  const U0 = matmul(model.Z, source.n, q, model.Vs, r0);
  const K = kron(model.factors, dims, inner);
  const imputed = await imputeMissing(source, { U0, core: model.core, K, r0, q });
  const filled = totalSquares + imputation.fillSquares;
  const error2 = filled - sumSquares(model.core) - imputed.changeSquares;
  imputation.U0 = U0;
  imputation.fillSquares = imputed.fillSquares;
  imputation.lastChange = Math.sqrt(imputed.changeSquares / totalSquares);
  return Math.sqrt(Math.abs(error2)) / Math.sqrt(totalSquares);
}

/** One iteration's instance update: U₀ = Z·Vs implicitly, and W = AᵀU₀ (p × r₀). */
interface InstanceStep {
  K: Float64Array;
  Vs: Float64Array;
  W: Float64Array;
  core?: Float64Array;
}

/**
 * From T = Aᵀ(A·K): ZᵀZ = KᵀT, its leading eigenpairs (V, λ), Vs = V·diag(λ^-½) (a column of an
 * eigenvalue at most q·eps·λ₁ stays zero: the data has fewer directions) and W = T·Vs.
 */
function instanceStep(K: Float64Array, T: Float64Array, q: number, r0: number): InstanceStep {
  const p = T.length / q;
  const ZtZ = symmetrize(matmulTransA(K, p, q, T, q), q);
  const { U: V, values } = leadingEigenvectors(ZtZ, q, r0);
  const cutoff = q * Number.EPSILON * Math.max(values[0]!, 0);
  const Vs = V.slice();
  for (let s = 0; s < r0; s++) {
    const scale = values[s]! > cutoff ? 1 / Math.sqrt(values[s]!) : 0;
    for (let c = 0; c < q; c++) Vs[c * r0 + s]! *= scale;
  }
  return { K, Vs, W: matmul(T, p, q, Vs, r0) };
}

/** Updates U₁ … Uₘ in turn (in place), each from W projected on the others as they are now. */
function updateModes(
  W: Float64Array,
  dims: readonly number[],
  ranks: readonly number[],
  factors: Float64Array[],
): void {
  const m = dims.length;
  for (let k = 0; k < m; k++) {
    let t = { data: W, shape: [...dims, ranks[0]!] };
    for (let l = 0; l < m; l++)
      if (l !== k) t = contract(t.data, t.shape, l, factors[l]!, ranks[l + 1]!);
    factors[k] = leadingLeftVectors(t.data, t.shape, k, ranks[k + 1]!);
  }
}

/** The core unfolded on the instance mode (r₀ × r₁·…·rₘ) from W and the non-instance factors. */
export function coreOf(
  W: Float64Array,
  dims: readonly number[],
  ranks: readonly number[],
  factors: readonly Float64Array[],
): Float64Array {
  let t = { data: W, shape: [...dims, ranks[0]!] };
  for (let l = 0; l < dims.length; l++)
    t = contract(t.data, t.shape, l, factors[l]!, ranks[l + 1]!);
  const r0 = ranks[0]!;
  const q = t.data.length / r0;
  const core = new Float64Array(r0 * q);
  for (let c = 0; c < q; c++) for (let s = 0; s < r0; s++) core[s * q + c] = t.data[c * r0 + s]!;
  return core;
}

/**
 * HOSVD start: the signed leading eigenvectors of each mode's unfolding Gram matrix (the
 * d × d eigen decompositions on the kernels, as LAPACK's dsyevd).
 */
export async function hosvdFactors(
  kernels: Kernels,
  grams: readonly Float64Array[],
  dims: readonly number[],
  ranks: readonly number[],
): Promise<Float64Array[]> {
  const factors: Float64Array[] = [];
  for (const [k, d] of dims.entries()) {
    const r = ranks[k + 1]!;
    const { vectors } = await kernels.symmetricEigen(symmetrize(grams[k]!.slice(), d), d);
    const U = new Float64Array(d * r);
    for (let a = 0; a < d; a++) for (let s = 0; s < r; s++) U[a * r + s] = vectors[a * d + s]!;
    flipSigns(U, r);
    factors.push(U);
  }
  return factors;
}

/** Random start: the orthonormal Q of seeded uniform (0, 1) dₖ × rₖ matrices. */
export function randomFactors(
  dims: readonly number[],
  ranks: readonly number[],
  seed: number,
): Float64Array[] {
  const random = uniformGenerator(seed);
  return dims.map((d, k) => {
    const r = ranks[k + 1]!;
    return qr(Float64Array.from({ length: d * r }, random), d, r).Q;
  });
}
