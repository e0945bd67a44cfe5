/** One Infomax block update and the extended rule's kurtosis signs, on the kernels. */

import { type KernelMatrix, type Kernels, matmul } from "@tt/linalg";

/** MNE's constants of the extended rule. */
const EXT_MOMENTUM = 0.5;
const SIGNS_BIAS = 0.02;
const SIGNCOUNT_THRESHOLD = 25;
const SIGNCOUNT_STEP = 2;
const N_SUBGAUSS = 1;
const KURT_SIZE = 6000;

/** The extended rule's state: the signs, the kurtosis with momentum, and how often to re-estimate. */
export class SignState {
  signs: Float64Array;
  oldSigns: Float64Array;
  oldKurt: Float64Array;
  signcount = 0;
  extBlocks = 1;
  blockno = 0;
  readonly kurtSize: number;

  constructor(r: number, rows: number) {
    this.signs = new Float64Array(r).fill(1);
    for (let k = 0; k < Math.min(N_SUBGAUSS, r); k++) this.signs[k] = -1;
    this.oldSigns = new Float64Array(r);
    this.oldKurt = new Float64Array(r);
    this.kurtSize = Math.min(KURT_SIZE, rows);
  }

  /** After a blow-up: signs and their schedule as at the start (the kurtosis memory stays, as MNE). */
  restart(r: number): void {
    this.signs = new Float64Array(r).fill(1);
    for (let k = 0; k < Math.min(N_SUBGAUSS, r); k++) this.signs[k] = -1;
    this.oldSigns = new Float64Array(r);
    this.extBlocks = 1;
    this.blockno = 1;
  }
}

/** The kernel matrices and settings a block update works with. */
export interface BlockContext {
  /** The whitened rows (observations × rank). */
  Z: KernelMatrix;
  kernels: Kernels;
  /** Scratch: the block's rows. */
  rowsMatrix: KernelMatrix;
  /** Scratch: the block's activations. */
  uMatrix: KernelMatrix;
  /** Scratch: the nonlinearity of the block's activations. */
  yMatrix: KernelMatrix;
  extended: boolean;
}

/** Copies rows `rows` of Z into `target` (rows.length × r): a gather, no arithmetic. */
function gather(Z: KernelMatrix, rows: ArrayLike<number>, target: KernelMatrix): void {
  const r = Z.cols;
  const source = Z.data;
  const out = target.data;
  for (let i = 0; i < rows.length; i++) {
    const at = rows[i]! * r;
    out.set(source.subarray(at, at + r), i * r);
  }
}

/**
 * One block: u = z·weights + bias; extended: weights += l·weights·(b·I - uᵀtanh(u)·diag(signs)
 * - uᵀu), bias -= 2l·Σ tanh(u); logistic: y = 1/(1+e^-u), weights += l·weights·(b·I + uᵀ(1 - 2y)),
 * bias += l·Σ(1 - 2y). Updates `weights` and `bias` in place.
 */
export async function blockUpdate(
  ctx: BlockContext,
  rows: ArrayLike<number>,
  lRate: number,
  weights: Float64Array,
  bias: Float64Array,
  signs: Float64Array,
): Promise<void> {
  const { Z, kernels, extended } = ctx;
  const r = Z.cols;
  const b = rows.length;
  gather(Z, rows, ctx.rowsMatrix);
  const u = await kernels.multiply(ctx.rowsMatrix.withRows(b), weights, r);
  for (let i = 0; i < b * r; i++) u[i]! += bias[i % r]!;
  ctx.uMatrix.data.set(u);
  const uMatrix = ctx.uMatrix.withRows(b);
  const yMatrix = ctx.yMatrix.withRows(b);
  // Extended: y = tanh(u); logistic: y = 1 - 2/(1 + e^-u). On the kernels, with the sums of y.
  const { valueSums } = await kernels.mapElements(uMatrix, extended ? "tanh" : "logistic", yMatrix);
  const uy = await kernels.multiplyTransA(uMatrix, yMatrix.data.slice() as Float64Array, r);
  const step = new Float64Array(r * r);
  if (extended) {
    const uu = await kernels.gram(uMatrix);
    for (let a = 0; a < r; a++)
      for (let k = 0; k < r; k++)
        step[a * r + k] = (a === k ? b : 0) - signs[k]! * uy[a * r + k]! - uu[a * r + k]!;
  } else
    for (let a = 0; a < r; a++)
      for (let k = 0; k < r; k++) step[a * r + k] = (a === k ? b : 0) + uy[a * r + k]!;
  const change = matmul(weights, r, r, step, r);
  for (let i = 0; i < r * r; i++) weights[i]! += lRate * change[i]!;
  for (let k = 0; k < r; k++) bias[k]! += (extended ? -2 : 1) * lRate * valueSums[k]!;
}

/** The excess (Fisher, biased) kurtosis of each column of `values` (rows × r). */
export function columnKurtosis(values: Float64Array, r: number): Float64Array {
  const n = values.length / r;
  const mean = new Float64Array(r);
  for (let i = 0; i < values.length; i++) mean[i % r]! += values[i]!;
  for (let k = 0; k < r; k++) mean[k]! /= n;
  const m2 = new Float64Array(r);
  const m4 = new Float64Array(r);
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean[i % r]!;
    m2[i % r]! += d * d;
    m4[i % r]! += d * d * d * d;
  }
  return m4.map((x, k) => x / n / (m2[k]! / n) ** 2 - 3);
}

/**
 * After a block, every `extBlocks` blocks: the kurtosis of the sources of `kurtSize` rows drawn
 * at random (every row when there are no more), with momentum, gives the signs; stable signs for
 * 25 estimates double the interval.
 */
export async function kurtosisSigns(
  state: SignState,
  ctx: BlockContext & { weights: Float64Array; uniform: () => number; scratch: KernelMatrix },
): Promise<void> {
  if (state.extBlocks <= 0 || state.blockno % state.extBlocks !== 0) return;
  const { Z, kernels, weights } = ctx;
  const r = Z.cols;
  let sources: Float64Array;
  if (state.kurtSize < Z.rows) {
    const picks = Int32Array.from({ length: state.kurtSize }, () =>
      Math.floor(ctx.uniform() * (Z.rows - 1)),
    );
    gather(Z, picks, ctx.scratch);
    sources = await kernels.multiply(ctx.scratch.withRows(state.kurtSize), weights, r);
  } else sources = await kernels.multiply(Z, weights, r);
  const kurt = columnKurtosis(sources, r).map(
    (k, i) => EXT_MOMENTUM * state.oldKurt[i]! + (1 - EXT_MOMENTUM) * k,
  );
  state.oldKurt = kurt;
  state.signs = kurt.map((k) => Math.sign(k + SIGNS_BIAS));
  const same = state.signs.every((s, i) => s === state.oldSigns[i]);
  state.signcount = same ? state.signcount + 1 : 0;
  state.oldSigns = state.signs;
  if (state.signcount >= SIGNCOUNT_THRESHOLD) {
    state.extBlocks = Math.trunc(state.extBlocks * SIGNCOUNT_STEP);
    state.signcount = 0;
  }
}
