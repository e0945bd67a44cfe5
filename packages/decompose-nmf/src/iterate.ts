/**
 * One iteration of a solver as one pass over the data: each block's rows of W are updated given
 * H (their products with the data on the kernels), and the sums the H update needs (XᵀW, WᵀW, or
 * for the Kullback-Leibler loss (X / WH)ᵀW and W's column sums) are accumulated from the new rows;
 * H is updated after the pass. When asked, the pass also measures the loss of the W and H it
 * started from (scikit-learn checks it every 10 iterations).
 */

import type { MatrixSource } from "@tt/decompose-core";
import type { KernelMatrix, Kernels } from "@tt/linalg";
import type { NmfConfig } from "./config.js";
import type { Factors } from "./init.js";
import { createScratch, forEachSlice, type Scratch } from "./scratch.js";
import {
  addGram,
  coordinateDescent,
  EPSILON,
  multiplicativeFrobenius,
  multiplicativeKl,
  transpose,
} from "./updates.js";

/** What one iteration gives: the new factors, the loss of the old ones when measured. */
export interface Step extends Factors {
  /** Coordinate descent: the sum of the absolute projected gradients of W and H. */
  violation: number;
  /** The loss of the factors the iteration started from (see {@link lossOf}), when asked. */
  loss: number | undefined;
}

type Settings = Pick<NmfConfig, "solver" | "beta_loss" | "rank">;

/** H·Hᵀ (k × k) of H (k × p). */
function outerGram(H: Float64Array, k: number, p: number): Float64Array {
  const G = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += H[a * p + j]! * H[b * p + j]!;
      G[a * k + b] = sum;
    }
  return G;
}

/** Row sums of H (k × p): Σ_j H[t, j]. */
function rowSums(H: Float64Array, k: number, p: number): Float64Array {
  return Float64Array.from({ length: k }, (_, t) => {
    let sum = 0;
    for (let j = 0; j < p; j++) sum += H[t * p + j]!;
    return sum;
  });
}

/**
 * Some rows' part of the loss of W·H: Σ (x − wh)² (Frobenius), or Σ over x > EPSILON of
 * x·log(x / max(wh, EPSILON)) − x (Kullback-Leibler, without the Σ W·H term added by the caller).
 */
export function blockLoss(X: Float32Array | Float64Array, WH: Float64Array, kl: boolean): number {
  let sum = 0;
  for (let at = 0; at < WH.length; at++) {
    const x = X[at]!;
    if (!kl) sum += (x - WH[at]!) ** 2;
    else if (x > EPSILON) {
      const wh = WH[at]!;
      sum += x * Math.log(x / Math.max(wh, EPSILON)) - x;
    }
  }
  return sum;
}

/** scikit-learn's `_beta_divergence(..., square_root=True)` from a sum of block losses. */
export function lossOf(
  sum: number,
  kl: boolean,
  W: Float64Array,
  H: Float64Array,
  k: number,
): number {
  if (!kl) return Math.sqrt(sum);
  const p = H.length / k;
  const hSums = rowSums(H, k, p);
  let total = sum;
  for (let at = 0; at < W.length; at++) total += W[at]! * hSums[at % k]!;
  return Math.sqrt(2 * Math.max(total, 0));
}

/** Updates one block's rows of W and accumulates the sums of the H update. */
interface BlockWork {
  kernels: Kernels;
  scratch: Scratch;
  settings: Settings;
  H: Float64Array;
  Ht: Float64Array;
  G: Float64Array;
  hSums: Float64Array;
}

/** The running sums of a pass. */
interface Sums {
  XtW: Float64Array | undefined;
  WtW: Float64Array;
  loss: number;
  violation: number;
}

async function updateBlock(
  work: BlockWork,
  block: KernelMatrix,
  Wb: Float64Array,
  sums: Sums,
  measure: boolean,
): Promise<void> {
  const { kernels, settings, Ht, G } = work;
  const k = settings.rank;
  const rows = block.rows;
  if (settings.beta_loss === "kullback-leibler") return updateKl(work, block, Wb, sums, measure);
  if (measure) await addLoss(work, block, Wb, sums);
  const P = await kernels.multiply(block, Ht, k);
  if (settings.solver === "cd") sums.violation += coordinateDescent(Wb, P, G, rows, k);
  else multiplicativeFrobenius(Wb, P, G, rows, k);
  sums.XtW = await kernels.multiplyTransA(block, Wb.slice(0, rows * k), k, sums.XtW);
  addGram(Wb, rows, k, sums.WtW);
}

/** The block's Frobenius loss of W·H, slice by slice. */
async function addLoss(work: BlockWork, block: KernelMatrix, Wb: Float64Array, sums: Sums) {
  const k = work.settings.rank;
  const p = block.cols;
  await forEachSlice(block.rows, p, async (first, rows) => {
    const WH = await work.scratch.product(Wb.subarray(first * k), rows, work.H);
    // Read the data after the product: kernel memory may have grown and detached old views.
    sums.loss += blockLoss(block.data.subarray(first * p, (first + rows) * p), WH, false);
  });
}

/**
 * The Kullback-Leibler update of a block's rows of W, slice by slice: W·H and the ratio
 * X / (W·H) for the W update, again with the new rows for the H update's (X / (W·H))ᵀ·W.
 */
async function updateKl(
  work: BlockWork,
  block: KernelMatrix,
  Wb: Float64Array,
  sums: Sums,
  measure: boolean,
): Promise<void> {
  const { kernels, scratch, H, Ht } = work;
  const k = work.settings.rank;
  const p = block.cols;
  const X = () => block.data;
  await forEachSlice(block.rows, p, async (first, rows) => {
    const W = Wb.subarray(first * k, (first + rows) * k);
    const at = (data: Float32Array | Float64Array) => data.subarray(first * p, (first + rows) * p);
    const WH = await scratch.product(W, rows, H);
    if (measure) sums.loss += blockLoss(at(X()), WH, true);
    const P = await kernels.multiply(scratch.ratio(at(X()), WH), Ht, k);
    multiplicativeKl(W, P, work.hSums, rows, k);
    const ratio = scratch.ratio(at(X()), await scratch.product(W, rows, H));
    sums.XtW = await kernels.multiplyTransA(ratio, W.slice(), k, sums.XtW);
    for (let a = 0; a < rows * k; a++) sums.WtW[a % k]! += W[a]!;
  });
}

/** One iteration from `factors` (left unchanged); `measure` asks for the loss of `factors`. */
export async function iterate(
  source: MatrixSource,
  kernels: Kernels,
  settings: Settings,
  factors: Factors,
  measure: boolean,
): Promise<Step> {
  const k = settings.rank;
  const { p } = source;
  const { H } = factors;
  const W = factors.W.slice();
  const scratch = createScratch(kernels, p, k);
  const work = {
    kernels,
    scratch,
    settings,
    H,
    Ht: transpose(H, k, p),
    G: outerGram(H, k, p),
    hSums: rowSums(H, k, p),
  };
  const kl = settings.beta_loss === "kullback-leibler";
  const sums: Sums = { XtW: undefined, WtW: new Float64Array(k * k), loss: 0, violation: 0 };
  try {
    await source.forEachBlock(async (block, row0) => {
      const Wb = W.subarray(row0 * k, (row0 + block.rows) * k);
      await updateBlock(work, block, Wb, sums, measure);
    });
  } finally {
    scratch.free();
  }
  const loss = measure ? lossOf(sums.loss, kl, factors.W, H, k) : undefined;
  const next = updateH(settings, H, p, sums);
  return { W, H: next.H, violation: sums.violation + next.violation, loss };
}

/** The H update from the pass's sums (XtW is p × k: column t of row j is (WᵀX)[t, j]). */
function updateH(
  settings: Settings,
  H: Float64Array,
  p: number,
  sums: Sums,
): { H: Float64Array; violation: number } {
  const k = settings.rank;
  const XtW = sums.XtW!;
  if (settings.solver === "cd") {
    const Ht = transpose(H, k, p);
    const violation = coordinateDescent(Ht, XtW, sums.WtW, p, k);
    return { H: transpose(Ht, p, k), violation };
  }
  const Ht = transpose(H, k, p);
  if (settings.beta_loss === "kullback-leibler") {
    // WtW holds W's column sums here; a zero sum is 1, as scikit-learn.
    const d = sums.WtW.subarray(0, k).map((x) => (x === 0 ? 1 : x));
    multiplicativeKl(Ht, XtW, d, p, k);
    for (let at = 0; at < Ht.length; at++) if (Ht[at]! < Number.EPSILON) Ht[at] = 0;
  } else multiplicativeFrobenius(Ht, XtW, sums.WtW, p, k);
  return { H: transpose(Ht, p, k), violation: 0 };
}
