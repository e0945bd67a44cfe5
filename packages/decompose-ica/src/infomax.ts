/**
 * (Extended) Infomax on whitened rows, as MNE-Python's `infomax`: stochastic natural-gradient
 * updates over shuffled blocks of rows, the learning rate annealed when the direction of the
 * weight change turns by more than 60°, restarted lower when the weights blow up; the extended
 * rule estimates each source's sub- or super-Gaussian sign from its kurtosis. The shuffles come
 * from the fit's seed (argsort of uniform draws, as MNE's random_permutation), so a run replays.
 * The block products run on the kernels; the rows are sampled at random, so they stay in memory.
 */

import { uniformGenerator } from "@tt/decompose-core";
import type { KernelMatrix, Kernels } from "@tt/linalg";
import { type FitContext, MethodError } from "@tt/schema";
import type { IcaRun } from "./fastica.js";
import { type BlockContext, blockUpdate, kurtosisSigns, SignState } from "./infomax-block.js";
import { transpose } from "./small.js";

/** What an Infomax run needs. */
export interface InfomaxOptions {
  /** The whitened rows in kernel memory (observations × rank, float64). */
  Z: KernelMatrix;
  kernels: Kernels;
  extended: boolean;
  maxIter: number;
  /** Stop when the squared change of the weights over a pass is below this (MNE's w_change). */
  wChange: number;
  learningRate: number | null;
  blockSize: number | null;
  seed: number;
  context: Pick<FitContext, "signal" | "onProgress">;
}

/** MNE's constants. */
const ANNEAL_DEG = 60;
const ANNEAL_STEP = 0.9;
const BLOWUP = 1e4;
const BLOWUP_FAC = 0.5;
const N_SMALL_ANGLE = 20;
const MAX_WEIGHT = 1e8;
const RESTART_FAC = 0.9;
const MIN_L_RATE = 1e-10;

/** The permutation of 0..n-1 that sorts n uniform draws (MNE's random_permutation). */
export function randomPermutation(n: number, uniform: () => number): Int32Array {
  const draws = Float64Array.from({ length: n }, () => uniform());
  return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => draws[a]! - draws[b]!);
}

function identity(r: number): Float64Array {
  const I = new Float64Array(r * r);
  for (let k = 0; k < r; k++) I[k * r + k] = 1;
  return I;
}

/** The annealing state of a run (MNE's names). */
interface Schedule {
  lRate: number;
  maxIter: number;
  step: number;
  smallAngles: number;
  oldweights: Float64Array;
  olddelta: Float64Array;
  oldchange: number;
  change: number;
  stop: string;
  /** Passes over the data since the last restart (step before a stop rule overrides it). */
  passes: number;
}

/** After a pass without blow-up: measure the change, anneal, and decide whether to stop. */
function endStep(s: Schedule, weights: Float64Array, wChange: number): void {
  const delta = weights.map((w, i) => w - s.oldweights[i]!);
  s.step++;
  s.passes = s.step;
  let angle = 0;
  s.change = delta.reduce((a, d) => a + d * d, 0);
  if (s.step > 2) {
    const dot = delta.reduce((a, d, i) => a + d * s.olddelta[i]!, 0);
    angle = (Math.acos(dot / Math.sqrt(s.change * s.oldchange)) * 180) / Math.PI;
  }
  s.oldweights = Float64Array.from(weights);
  if (angle > ANNEAL_DEG) {
    s.lRate *= ANNEAL_STEP;
    s.olddelta = delta;
    s.oldchange = s.change;
    s.smallAngles = 0;
  } else {
    if (s.step === 1) {
      s.olddelta = delta;
      s.oldchange = s.change;
    }
    s.smallAngles++;
    if (s.smallAngles > N_SMALL_ANGLE) {
      s.maxIter = s.step;
      s.stop = "n_small_angle";
    }
  }
  if (s.step > 2 && s.change < wChange) {
    s.step = s.maxIter;
    s.stop = "w_change";
  } else if (s.change > BLOWUP) s.lRate *= BLOWUP_FAC;
}

/** One pass over the shuffled rows in blocks; false when the weights blew up. */
async function pass(
  ctx: BlockContext & { uniform: () => number; scratch: KernelMatrix },
  block: number,
  lRate: number,
  model: { weights: Float64Array; bias: Float64Array; signs: SignState },
): Promise<boolean> {
  const { Z } = ctx;
  const permute = randomPermutation(Z.rows, ctx.uniform);
  const nblock = Math.floor(Z.rows / block);
  for (let t = 0; t < nblock * block; t += block) {
    const rows = permute.subarray(t, t + block);
    await blockUpdate(ctx, rows, lRate, model.weights, model.bias, model.signs.signs);
    if (model.weights.some((w) => Math.abs(w) > MAX_WEIGHT)) return false;
    model.signs.blockno++;
    if (ctx.extended) await kurtosisSigns(model.signs, { ...ctx, weights: model.weights });
  }
  return true;
}

/** Runs Infomax; returns W (rank × rank) with sources W z, and how the run ended. */
export async function runInfomax(
  options: InfomaxOptions,
): Promise<IcaRun & { stop: string; restarts: number }> {
  const { Z, kernels } = options;
  const r = Z.cols;
  const block = Math.min(options.blockSize ?? Math.floor(Math.sqrt(Z.rows / 3)), Z.rows);
  const s: Schedule = {
    lRate: options.learningRate ?? 0.01 / Math.log(r * r),
    maxIter: options.maxIter,
    step: 0,
    smallAngles: 0,
    oldweights: identity(r),
    olddelta: new Float64Array(r * r).fill(1),
    oldchange: 0,
    change: Number.POSITIVE_INFINITY,
    stop: "max_iter",
    passes: 0,
  };
  const model = {
    weights: identity(r),
    bias: new Float64Array(r),
    signs: new SignState(r, Z.rows),
  };
  const ctx = {
    Z,
    kernels,
    extended: options.extended,
    uniform: uniformGenerator(options.seed),
    rowsMatrix: kernels.allocMatrix(block, r, "float64"),
    uMatrix: kernels.allocMatrix(block, r, "float64"),
    yMatrix: kernels.allocMatrix(block, r, "float64"),
    scratch: kernels.allocMatrix(model.signs.kurtSize, r, "float64"),
  };
  let restarts = 0;
  try {
    while (s.step < s.maxIter) {
      options.context.signal?.throwIfAborted();
      if (await pass(ctx, block, s.lRate, model)) {
        endStep(s, model.weights, options.wChange);
        options.context.onProgress({ phase: "fit", fraction: Math.min(1, s.step / s.maxIter) });
        continue;
      }
      // The weights blew up: start again from the identity with a lower learning rate (as MNE).
      restarts++;
      s.step = 0;
      s.lRate *= RESTART_FAC;
      model.weights = identity(r);
      model.bias = new Float64Array(r);
      model.signs.restart(r);
      s.oldweights = identity(r);
      s.olddelta = new Float64Array(r * r);
      if (s.lRate <= MIN_L_RATE)
        throw new MethodError(
          "ica",
          "fit",
          `Infomax: the weights blew up at every learning rate down to ${s.lRate}; the data may not be invertible at this rank`,
        );
    }
  } finally {
    for (const m of [ctx.rowsMatrix, ctx.uMatrix, ctx.yMatrix, ctx.scratch]) kernels.freeMatrix(m);
  }
  return {
    W: transpose(model.weights, r, r),
    iterations: [s.passes],
    converged: s.stop !== "max_iter",
    lastChange: [s.change],
    stop: s.stop,
    restarts,
  };
}
