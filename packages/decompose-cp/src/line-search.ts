/**
 * Line search for the fused ALS (tensorly's `linesearch`): every other sweep from the third, the
 * factors are extrapolated along their last change, `F + j·(F − F_previous)` with the jump
 * `j = sweep^(1/power)`, and the step is kept when it lowers the relative error. Four failures in a
 * row raise `power` by one (shorter jumps). The extrapolated error costs one fused pass with 2R
 * columns: `W = AᵀA·[khatriRao(Ũ₁…Ũₘ) | Ỹ]` gives `⟨X, X̂⟩` and `Ũ₀ᵀŨ₀` without forming Ũ₀ = A·Ỹ.
 */

import type { MatrixSource } from "@tt/decompose-core";
import { normalProduct } from "@tt/decompose-core";
import { type Kernels, khatriRao } from "@tt/linalg";

import { gramOf, hadamard } from "./small.js";

/** The line search's bookkeeping across sweeps. */
export interface LineSearchState {
  power: number;
  fails: number;
  tried: number;
  accepted: number;
  previous: { y: Float64Array; factors: Float64Array[] } | undefined;
}

/** The sweep's model (`y` with U₀ = A·y, the factors with Uₘ not yet normalized) and error. */
export interface LineSearchInput {
  source: MatrixSource;
  kernels: Kernels;
  rank: number;
  sweep: number;
  y: Float64Array;
  factors: Float64Array[];
  error: number;
  totalSquares: number;
}

const MAX_FAILS = 4;

function extrapolate(current: Float64Array, previous: Float64Array, jump: number): Float64Array {
  return current.map((x, i) => x + jump * (x - previous[i]!));
}

/** Tries one extrapolation; returns the better model, or undefined to keep the sweep's. */
export async function tryLineSearch(
  state: LineSearchState,
  input: LineSearchInput,
): Promise<{ y: Float64Array; factors: Float64Array[]; error: number } | undefined> {
  const { source, kernels, rank: R, sweep } = input;
  const previous = state.previous;
  state.previous = { y: input.y.slice(), factors: input.factors.map((f) => f.slice()) };
  if (previous === undefined || sweep < 2 || sweep % 2 !== 0) return undefined;
  state.tried++;
  const jump = (sweep + 1) ** (1 / state.power);
  const y = extrapolate(input.y, previous.y, jump);
  const factors = input.factors.map((f, k) => extrapolate(f, previous.factors[k]!, jump));
  const p = source.p;
  const KR = khatriRao(factors, R);
  const both = new Float64Array(p * 2 * R);
  for (let j = 0; j < p; j++) {
    both.set(KR.subarray(j * R, (j + 1) * R), j * 2 * R);
    both.set(y.subarray(j * R, (j + 1) * R), j * 2 * R + R);
  }
  const W = await normalProduct(source, kernels, both, 2 * R);
  let inner = 0;
  const G0 = new Float64Array(R * R);
  for (let j = 0; j < p; j++)
    for (let r = 0; r < R; r++) {
      const yr = y[j * R + r]!;
      inner += yr * W[j * 2 * R + r]!;
      for (let s = 0; s < R; s++) G0[r * R + s]! += yr * W[j * 2 * R + R + s]!;
    }
  const model = hadamard([G0, ...factors.map((f) => gramOf(f, R))], R).reduce((a, b) => a + b, 0);
  const total = input.totalSquares;
  const error = Math.sqrt(Math.max(total - 2 * inner + model, 0) / total);
  if (error < input.error) {
    state.accepted++;
    state.fails = 0;
    return { y, factors, error };
  }
  state.fails++;
  if (state.fails === MAX_FAILS) {
    state.power++;
    state.fails = 0;
  }
  return undefined;
}
