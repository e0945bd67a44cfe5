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
import { normalProduct } from "@tt/decompose-core";
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
  const state = startSweeps(options);
  for (let sweep = 0; sweep < options.nIterMax; sweep++) {
    options.signal?.throwIfAborted();
    const error = await runSweep(state, sweep);
    if (sweep > 0 && Math.abs(state.history[sweep - 1]! - error) < options.tol) {
      state.converged = true;
      break;
    }
  }
  return resultOf(state);
}

/** The sweeps' settings and the model and record they carry from one sweep to the next. */
interface SweepState {
  readonly options: AlsOptions;
  readonly R: number;
  /** Number of non-instance modes. */
  readonly m: number;
  readonly p: number;
  readonly masked: boolean;
  /** Unconstrained and without a mask: U₀ stays implicit (`A·y`). */
  readonly fused: boolean;
  /** The explicit instance factor, n × R; `undefined` when fused. */
  readonly u0: Float64Array | undefined;
  readonly search: LineSearchState | undefined;
  y: Float64Array | undefined;
  lambda: Float64Array;
  /** ‖·‖² of the values the missing entries hold (masked). */
  fillSquares: number;
  /** The relative change of the last imputation (masked). */
  lastChange: number;
  partial: Float64Array | undefined;
  history: number[];
  converged: boolean;
}

/** The state before the first sweep. */
function startSweeps(options: AlsOptions): SweepState {
  const { source, rank: R, nonnegative } = options;
  const masked = source.missing.length > 0;
  const fused = !nonnegative && !masked;
  return {
    options,
    R,
    m: options.dims.length,
    p: source.p,
    masked,
    fused,
    u0: fused ? undefined : new Float64Array(source.n * R),
    search: options.lineSearch
      ? { power: 2, fails: 0, tried: 0, accepted: 0, previous: undefined }
      : undefined,
    y: undefined,
    lambda: new Float64Array(R).fill(1),
    fillSquares: 0,
    lastChange: 0,
    partial: undefined,
    history: [],
    converged: false,
  };
}

/** One sweep: every factor solved once, the error recorded, the model normalized; its error. */
async function runSweep(state: SweepState, sweep: number): Promise<number> {
  const { options, R } = state;
  const grams = options.factors.map((factor) => gramOf(factor, R));
  const { T, G0 } = await solveInstanceMode(state, sweep, grams);
  const last = solveOtherModes(state, T, G0, grams);
  let error = await sweepError(state, last, G0, grams);
  error = await lineSearchStep(state, sweep, T, error);
  state.history.push(error);
  normalizeModel(state);
  options.onSweep(sweep + 1, options.nIterMax);
  return error;
}

/**
 * Solves the instance factor in one read of the data and returns `T = AᵀU₀` and `G0 = U₀ᵀU₀`:
 * fused, `U₀ = A·y` stays implicit; otherwise U₀'s rows are solved block by block.
 */
async function solveInstanceMode(
  state: SweepState,
  sweep: number,
  grams: readonly Float64Array[],
): Promise<{ T: Float64Array; G0: Float64Array }> {
  const { source, kernels, factors: U } = state.options;
  const { R, p } = state;
  const KR = khatriRao(U, R);
  const V0 = hadamard(grams, R);
  const T = new Float64Array(p * R);
  if (!state.fused) return { T, G0: await solveInstanceRows(state, sweep === 0, KR, V0, T) };
  state.y = timesSmall(KR, pinvSymmetric(V0, R), R);
  const Y = state.y;
  T.set(await normalProduct(source, kernels, Y, R));
  return { T, G0: symmetrize(matmulTransA(Y, p, R, T, R), R) };
}

/**
 * Non-negative or masked: per block, solves the block's rows of U₀ (least squares, or one HALS
 * pass started from the clipped least squares on the first sweep) and adds `A_bᵀU₀_b` into `T`;
 * returns `U₀ᵀU₀`.
 */
async function solveInstanceRows(
  state: SweepState,
  start: boolean,
  KR: Float64Array,
  V0: Float64Array,
  T: Float64Array,
): Promise<Float64Array> {
  const { source, kernels, nonnegative } = state.options;
  const { R } = state;
  const u0 = state.u0!;
  const P = pinvSymmetric(V0, R);
  await source.forEachBlock(async (block, row0) => {
    const M0 = await kernels.multiply(block, KR, R);
    const rows = u0.subarray(row0 * R, (row0 + block.rows) * R);
    if (!nonnegative || start) rows.set(timesSmall(M0, P, R));
    if (nonnegative) {
      if (start) for (let x = 0; x < rows.length; x++) rows[x] = Math.max(0, rows[x]!);
      halsUpdate(rows, M0, V0, R);
    }
    await kernels.multiplyTransA(block, rows, R, T);
  });
  return gramOf(u0, R);
}

/**
 * Solves U₁ … Uₘ in turn from their MTTKRPs (contracted from `T`), updating `grams`; every
 * factor but the last gets unit columns. Returns the last factor's MTTKRP.
 */
function solveOtherModes(
  state: SweepState,
  T: Float64Array,
  G0: Float64Array,
  grams: Float64Array[],
): Float64Array {
  const { dims, nonnegative, factors: U } = state.options;
  const { R, m } = state;
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
  return last;
}

/**
 * The sweep's relative error from the Gram matrices; masked, the missing entries are imputed
 * from the model first and the error counts the observed entries only.
 */
async function sweepError(
  state: SweepState,
  last: Float64Array,
  G0: Float64Array,
  grams: readonly Float64Array[],
): Promise<number> {
  const { source, dims, factors: U, totalSquares } = state.options;
  const { R, m } = state;
  const fitted = dot(last, U[m - 1]!);
  const modelSquares = hadamard([G0, ...grams], R).reduce((a, b) => a + b, 0);
  let total = totalSquares + state.fillSquares;
  let error2 = total - 2 * fitted + modelSquares;
  if (state.masked) {
    const imputed = await imputeMissing(source, state.u0!, U, R, dims);
    // The full-data error counts the old fill against the model; the observed error does not.
    error2 -= imputed.changeSquares;
    total = totalSquares;
    state.fillSquares = imputed.fillSquares;
    state.lastChange = Math.sqrt(imputed.changeSquares / Math.max(total, Number.MIN_VALUE));
  }
  return Math.sqrt(Math.max(error2, 0) / total);
}

/**
 * With line search (fused only), tries an extrapolated model and keeps it when its error is
 * lower; records whether the sweep's `T` still matches the model. Returns the sweep's error.
 */
async function lineSearchStep(
  state: SweepState,
  sweep: number,
  T: Float64Array,
  error: number,
): Promise<number> {
  const { search, y } = state;
  const { source, kernels, factors: U, totalSquares } = state.options;
  if (search === undefined) {
    state.partial = state.fused ? T : undefined;
    return error;
  }
  if (y === undefined) return error;
  const better = await tryLineSearch(search, {
    source,
    kernels,
    rank: state.R,
    sweep,
    y,
    factors: U,
    error,
    totalSquares,
  });
  state.partial = better === undefined ? T : undefined;
  if (better === undefined) return error;
  state.y = better.y;
  for (let k = 0; k < state.m; k++) U[k] = better.factors[k]!;
  return better.error;
}

/** Moves the last factor's column norms into λ, or into U₀ when it is explicit. */
function normalizeModel(state: SweepState): void {
  const { R, m, u0 } = state;
  state.lambda = normalizeColumns(state.options.factors[m - 1]!, R);
  if (u0 !== undefined) {
    scaleColumns(u0, state.lambda, R);
    state.lambda = new Float64Array(R).fill(1);
  }
}

/** What the sweeps report. */
function resultOf(state: SweepState): AlsResult {
  const { search, options } = state;
  return {
    factors: options.factors,
    lambda: state.lambda,
    y: state.y,
    u0: state.u0,
    partial: state.partial,
    history: state.history,
    converged: state.converged,
    lineSearch:
      search === undefined ? undefined : { tried: search.tried, accepted: search.accepted },
    imputation: state.masked
      ? { missing_entries: options.source.missing.length, last_change: state.lastChange }
      : undefined,
  };
}
