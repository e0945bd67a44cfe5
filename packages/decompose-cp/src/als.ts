/**
 * The ALS sweeps. A sweep solves for the instance factor U₀, then for each other mode in turn,
 * and reads the data once:
 *
 * - unconstrained, no mask (fused): `U₀ = A·Y` with `Y = khatriRao(U₁…Uₘ)·pinv(V₀)` is never
 *   formed; one fused pass `normalProduct` gives `T = Aᵀ(A·Y) = AᵀU₀`, and `U₀ᵀU₀ = YᵀT`;
 * - non-negative (HALS) or masked (EM): per block, `M₀ = A_b·khatriRao(…)` (first GEMM), the
 *   block's rows of U₀ are solved (least squares or one HALS pass), then `T += A_bᵀU₀_b` (second
 *   GEMM) while the block is in kernel memory.
 *
 * The other modes' MTTKRPs are contracted from T (`mttkrpFromPartial`), so streaming the instance
 * axis accumulates T block by block. The relative error comes from the Gram matrices:
 * `‖X − X̂‖² = ‖X‖² − 2⟨Mₘ, Uₘ⟩ + Σ(G₀ ∘ … ∘ Gₘ)`.
 */

import type { MatrixSource } from "@tt/decompose-core";
import { type Kernels, khatriRao, matmulTransA, mttkrpFromPartial } from "@tt/linalg";
import { imputeMissing } from "./impute.js";
import { type LineSearchState, tryLineSearch } from "./line-search.js";
import {
  dot,
  gramOf,
  hadamard,
  halsUpdate,
  normalizeColumns,
  pinvSymmetric,
  scaleColumns,
  symmetrize,
  timesSmall,
} from "./small.js";

/** What the sweeps need. */
export interface AlsOptions {
  source: MatrixSource;
  kernels: Kernels;
  dims: readonly number[];
  rank: number;
  /** Initial U₁ … Uₘ (unit columns); updated in place. */
  factors: Float64Array[];
  nIterMax: number;
  tol: number;
  nonnegative: boolean;
  lineSearch: boolean;
  /** ‖X‖² of the preprocessed data (missing entries not counted). */
  totalSquares: number;
  signal: AbortSignal | undefined;
  onSweep(done: number, total: number): void;
}

/**
 * The fitted model: `X̂ = Σ_r U₀[:, r] ∘ U₁[:, r] ∘ … ∘ (λ_r Uₘ[:, r])` with `U₀ = A·y` (fused) or
 * `U₀ = u0` (explicit, λ = 1), and how the fit went.
 */
export interface AlsResult {
  factors: Float64Array[];
  lambda: Float64Array;
  y: Float64Array | undefined;
  u0: Float64Array | undefined;
  /** `AᵀU₀` of the model when the last sweep's is still valid (fused, no line search step). */
  partial: Float64Array | undefined;
  history: number[];
  converged: boolean;
  lineSearch: { tried: number; accepted: number } | undefined;
  imputation: { missing_entries: number; last_change: number } | undefined;
}

/** Runs ALS sweeps until the relative error changes by less than `tol` or `nIterMax` sweeps. */
export async function runAls(options: AlsOptions): Promise<AlsResult> {
  const { source, kernels, dims, rank: R, factors: U, nonnegative, signal } = options;
  const m = dims.length;
  const p = source.p;
  const masked = source.missing.length > 0;
  const fused = !nonnegative && !masked;
  const u0 = fused ? undefined : new Float64Array(source.n * R);
  let y: Float64Array | undefined;
  let lambda: Float64Array = new Float64Array(R).fill(1);
  let fillSquares = 0;
  const history: number[] = [];
  let converged = false;
  let lastChange = 0;
  let partial: Float64Array | undefined;
  const search: LineSearchState | undefined = options.lineSearch
    ? { power: 2, fails: 0, tried: 0, accepted: 0, previous: undefined }
    : undefined;

  for (let sweep = 0; sweep < options.nIterMax; sweep++) {
    signal?.throwIfAborted();
    const grams = U.map((factor) => gramOf(factor, R));
    const KR = khatriRao(U, R);
    const V0 = hadamard(grams, R);
    const T = new Float64Array(p * R);
    let G0: Float64Array;
    if (fused) {
      y = timesSmall(KR, pinvSymmetric(V0, R), R);
      const Y = y;
      await source.forEachBlock(async (block) => {
        await kernels.normalProduct(block, Y, R, T);
      });
      G0 = symmetrize(matmulTransA(Y, p, R, T, R), R);
    } else {
      const P = pinvSymmetric(V0, R);
      const start = sweep === 0;
      await source.forEachBlock(async (block, row0) => {
        const M0 = await kernels.multiply(block, KR, R);
        const rows = u0!.subarray(row0 * R, (row0 + block.rows) * R);
        if (!nonnegative || start) rows.set(timesSmall(M0, P, R));
        if (nonnegative) {
          if (start) for (let x = 0; x < rows.length; x++) rows[x] = Math.max(0, rows[x]!);
          halsUpdate(rows, M0, V0, R);
        }
        await kernels.multiplyTransA(block, rows, R, T);
      });
      G0 = gramOf(u0!, R);
    }

    let last: Float64Array = new Float64Array(0);
    for (let k = 0; k < m; k++) {
      const M = mttkrpFromPartial(T, dims, U, k, R);
      const V = hadamard([G0, ...grams.filter((_, l) => l !== k)], R);
      if (nonnegative) halsUpdate(U[k]!, M, V, R);
      else U[k] = timesSmall(M, pinvSymmetric(V, R), R);
      grams[k] = gramOf(U[k]!, R);
      if (k < m - 1) {
        const norms = normalizeColumns(U[k]!, R);
        grams[k] = gramOf(U[k]!, R);
        // HALS continues from the next factor's values: keep the model as it was.
        if (nonnegative)
          scaleColumns(
            U[k + 1]!,
            norms.map((x) => (x > 0 ? x : 1)),
            R,
          );
      }
      last = M;
    }
    const fitted = dot(last, U[m - 1]!);
    const modelSquares = hadamard([G0, ...grams], R).reduce((a, b) => a + b, 0);
    let total = options.totalSquares + fillSquares;
    let error2 = total - 2 * fitted + modelSquares;
    if (masked) {
      const imputed = await imputeMissing(source, u0!, U, R, dims);
      // The full-data error counts the old fill against the model; the observed error does not.
      error2 -= imputed.changeSquares;
      total = options.totalSquares;
      fillSquares = imputed.fillSquares;
      lastChange = Math.sqrt(imputed.changeSquares / Math.max(total, Number.MIN_VALUE));
    }
    let error = Math.sqrt(Math.max(error2, 0) / total);
    if (search !== undefined && y !== undefined) {
      const better = await tryLineSearch(search, {
        source,
        kernels,
        rank: R,
        sweep,
        y,
        factors: U,
        error,
        totalSquares: options.totalSquares,
      });
      partial = better === undefined ? T : undefined;
      if (better !== undefined) {
        y = better.y;
        for (let k = 0; k < m; k++) U[k] = better.factors[k]!;
        error = better.error;
      }
    }
    if (search === undefined) partial = fused ? T : undefined;
    history.push(error);
    lambda = normalizeColumns(U[m - 1]!, R);
    if (u0 !== undefined) {
      scaleColumns(u0, lambda, R);
      lambda = new Float64Array(R).fill(1);
    }
    options.onSweep(sweep + 1, options.nIterMax);
    if (sweep > 0 && Math.abs(history[sweep - 1]! - error) < options.tol) {
      converged = true;
      break;
    }
  }
  return {
    factors: U,
    lambda,
    y,
    u0,
    partial,
    history,
    converged,
    lineSearch:
      search === undefined ? undefined : { tried: search.tried, accepted: search.accepted },
    imputation: masked
      ? { missing_entries: source.missing.length, last_change: lastChange }
      : undefined,
  };
}
