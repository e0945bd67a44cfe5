/** The iterations of a solver and scikit-learn's stopping rules. */

import type { MatrixSource } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import type { FitContext } from "@tt/schema";
import type { NmfConfig } from "./config.js";
import type { Factors } from "./init.js";
import { iterate } from "./iterate.js";

/** Where the iterations ended. */
export interface Solved extends Factors {
  /** Iterations whose updates were kept (scikit-learn's `n_iter_`). */
  iterations: number;
  /** Whether the stopping rule was met before max_iter. */
  converged: boolean;
  /** Multiplicative updates: the loss at the start and at every 10th iteration checked. */
  lossHistory: number[];
  /** Coordinate descent: each iteration's violation over the first one's. */
  violationHistory: number[];
}

/**
 * Runs the solver from `start`. Multiplicative updates: every 10 iterations the loss is measured
 * and the iterations stop when it fell by less than `tol` times the initial loss since the last
 * check (the measure happens in the next iteration's pass, whose updates are then discarded).
 * Coordinate descent: stops when the violation falls to `tol` times the first iteration's.
 */
export async function solve(
  source: MatrixSource,
  kernels: Kernels,
  config: NmfConfig,
  start: Factors,
  context: Pick<FitContext, "signal" | "onProgress">,
): Promise<Solved> {
  const mu = config.solver === "mu";
  let factors = start;
  let iterations = 0;
  const lossHistory: number[] = [];
  const violationHistory: number[] = [];
  let violationInit = 0;
  for (let it = 1; it <= config.max_iter; it++) {
    context.signal?.throwIfAborted();
    const measure = mu && config.tol > 0 && (it - 1) % 10 === 0;
    const step = await iterate(source, kernels, config, factors, measure);
    if (measure) {
      lossHistory.push(step.loss!);
      if (it > 1 && stalled(lossHistory, config.tol))
        return { ...factors, iterations, converged: true, lossHistory, violationHistory };
    }
    factors = { W: step.W, H: step.H };
    iterations = it;
    context.onProgress({ phase: "fit", fraction: it / config.max_iter });
    if (!mu) {
      if (it === 1) violationInit = step.violation;
      violationHistory.push(violationInit === 0 ? 0 : step.violation / violationInit);
      if (violationInit === 0 || step.violation / violationInit <= config.tol)
        return { ...factors, iterations, converged: true, lossHistory, violationHistory };
    }
  }
  return { ...factors, iterations, converged: false, lossHistory, violationHistory };
}

/** scikit-learn's test: (previous − current) / initial < tol over the measured losses. */
export function stalled(losses: readonly number[], tol: number): boolean {
  const current = losses[losses.length - 1]!;
  const previous = losses[losses.length - 2]!;
  return (previous - current) / losses[0]! < tol;
}
