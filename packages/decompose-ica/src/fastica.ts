/**
 * FastICA on whitened rows (scikit-learn's algorithm): fixed-point updates
 * W ← E{g(W z) zᵀ} - diag(E{g'(W z)}) W with symmetric decorrelation (parallel), or one unit at a
 * time with Gram-Schmidt against the units found (deflation). Each update is one pass over the
 * rows, one kernel call per block (`contrastProduct`): Z Wᵀ, the contrast g and the sums of g'
 * (vectorized on the kernel threads), and Zᵀ g, without leaving kernel memory.
 */

import { normalGenerator } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import type { FitContext } from "@tt/schema";
import type { FastIcaMode, IcaContrast } from "./config.js";
import { CONTRAST_FUNCTIONS } from "./contrast.js";
import { symmetricDecorrelation, transpose } from "./small.js";
import type { WhitenedRows } from "./whiten.js";

/** What a FastICA run needs. */
export interface FastIcaOptions {
  rows: WhitenedRows;
  kernels: Kernels;
  fun: IcaContrast;
  mode: FastIcaMode;
  maxIter: number;
  tol: number;
  /** The start (rank × rank, row-major); rows are the units. */
  wInit: Float64Array;
  context: Pick<FitContext, "signal" | "onProgress">;
}

/** The unmixing of the whitened rows, W (rank × rank), and how the iterations ended. */
export interface IcaRun {
  W: Float64Array;
  /** Iterations: of the whole matrix (parallel), or per unit (deflation). */
  iterations: number[];
  converged: boolean;
  /** The last change measured (per unit for deflation). */
  lastChange: number[];
}

/** The start of FastICA for `seed`: rank × rank standard normal values, row by row. */
export function fastIcaStart(rank: number, seed: number): Float64Array {
  const normal = normalGenerator(seed);
  return Float64Array.from({ length: rank * rank }, () => normal());
}

/**
 * One pass: E{g(Z Bᵀ) ...}: for B (units × rank) returns T = Zᵀ g(Z Bᵀ) / rows (rank × units)
 * and the means of g' per unit.
 */
async function contrastPass(
  options: FastIcaOptions,
  B: Float64Array,
  units: number,
): Promise<{ T: Float64Array; meanDerivative: Float64Array }> {
  const { rows, kernels, fun } = options;
  const r = rows.rank;
  const Bt = transpose(B, units, r);
  const into = {
    product: new Float64Array(r * units),
    valueSums: new Float64Array(units),
    derivativeSums: new Float64Array(units),
  };
  const fn = CONTRAST_FUNCTIONS[fun];
  await rows.forEach(async (block) => {
    await kernels.contrastProduct(block, Bt, units, fn, into);
  });
  const n = rows.rows;
  return {
    T: into.product.map((x) => x / n),
    meanDerivative: into.derivativeSums.map((x) => x / n),
  };
}

/** Parallel FastICA: every unit updated at once, then symmetrically decorrelated. */
async function parallel(options: FastIcaOptions): Promise<IcaRun> {
  const r = options.rows.rank;
  let W = symmetricDecorrelation(options.wInit, r);
  let lim = Number.POSITIVE_INFINITY;
  let it = 0;
  while (it < options.maxIter) {
    options.context.signal?.throwIfAborted();
    const { T, meanDerivative } = await contrastPass(options, W, r);
    const next = new Float64Array(r * r);
    for (let k = 0; k < r; k++)
      for (let a = 0; a < r; a++)
        next[k * r + a] = T[a * r + k]! - meanDerivative[k]! * W[k * r + a]!;
    const W1 = symmetricDecorrelation(next, r);
    lim = 0;
    for (let k = 0; k < r; k++) {
      let dot = 0;
      for (let a = 0; a < r; a++) dot += W1[k * r + a]! * W[k * r + a]!;
      lim = Math.max(lim, Math.abs(Math.abs(dot) - 1));
    }
    W = W1;
    it++;
    options.context.onProgress({ phase: "fit", fraction: it / options.maxIter });
    if (lim < options.tol) break;
  }
  return { W, iterations: [it], converged: lim < options.tol, lastChange: [lim] };
}

/** w minus its projections on the first `j` units of W (rows), then returned. */
function gramSchmidt(w: Float64Array, W: Float64Array, j: number, r: number): Float64Array {
  const out = Float64Array.from(w);
  for (let u = 0; u < j; u++) {
    let dot = 0;
    for (let a = 0; a < r; a++) dot += w[a]! * W[u * r + a]!;
    for (let a = 0; a < r; a++) out[a]! -= dot * W[u * r + a]!;
  }
  return out;
}

function normalized(w: Float64Array): Float64Array {
  const norm = Math.sqrt(w.reduce((a, x) => a + x * x, 0));
  return w.map((x) => x / norm);
}

/** Deflation FastICA: units one by one, each kept orthogonal to those before it. */
async function deflation(options: FastIcaOptions): Promise<IcaRun> {
  const r = options.rows.rank;
  const W = new Float64Array(r * r);
  const iterations: number[] = [];
  const lastChange: number[] = [];
  for (let j = 0; j < r; j++) {
    let w = normalized(options.wInit.slice(j * r, (j + 1) * r));
    let lim = Number.POSITIVE_INFINITY;
    let it = 0;
    while (it < options.maxIter) {
      options.context.signal?.throwIfAborted();
      const { T, meanDerivative } = await contrastPass(options, w, 1);
      const next = T.map((x, a) => x - meanDerivative[0]! * w[a]!);
      const w1 = normalized(gramSchmidt(next, W, j, r));
      lim = Math.abs(Math.abs(w1.reduce((a, x, i) => a + x * w[i]!, 0)) - 1);
      w = w1;
      it++;
      if (lim < options.tol) break;
    }
    W.set(w, j * r);
    iterations.push(it);
    lastChange.push(lim);
    options.context.onProgress({ phase: "fit", fraction: (j + 1) / r });
  }
  return { W, iterations, converged: lastChange.every((x) => x < options.tol), lastChange };
}

/** Runs FastICA in the configured mode. */
export function runFastIca(options: FastIcaOptions): Promise<IcaRun> {
  return options.mode === "parallel" ? parallel(options) : deflation(options);
}
