/**
 * From the unmixing of the whitened data to the model in channel space: unmixing U = W K, mixing
 * A = pinv(U), activations S = X_c Uᵀ (one kernel pass), each component scaled to unit variance,
 * signed so that its largest mixing weight is positive, and sorted by the variance of its
 * back-projection, descending.
 */

import type { Kernels } from "@tt/linalg";
import { matmul } from "@tt/linalg";
import type { ChannelRows } from "./channel-rows.js";
import { columnKurtosis } from "./infomax-block.js";
import { pseudoInverse, transpose } from "./small.js";
import type { Whitening } from "./whiten.js";

/** The fitted model, components in the reported order. */
export interface IcaModel {
  rank: number;
  channels: number;
  /** rank × channels: row k maps centered channels to activation k. */
  unmixing: Float64Array;
  /** channels × rank: column k is the channel pattern of component k. */
  mixing: Float64Array;
  /** observations × rank, row-major: the unit-variance activations. */
  activations: Float64Array;
  /** Per component, the variance of its back-projection summed over channels (‖A_k‖² · var S_k). */
  explainedVariance: Float64Array;
  /** explainedVariance / the total variance of the centered data. */
  explainedVarianceRatio: Float64Array;
  /** Excess kurtosis of each component's activations. */
  kurtosis: Float64Array;
  /** For each reported component, its position (0-based) in the algorithm's output. */
  order: number[];
}

/** Finishes the model from W (rank × rank) and the whitening; reads the data once. */
export async function finishModel(
  W: Float64Array,
  white: Whitening,
  rows: ChannelRows,
  kernels: Kernels,
): Promise<IcaModel> {
  const r = white.rank;
  const C = white.channels;
  const U = matmul(W, r, r, white.K, C);
  const Ut = transpose(U, r, C);
  const S = new Float64Array(rows.rows * r);
  await rows.forEach(async (block, row0) => {
    S.set(await kernels.multiply(block, Ut, r), row0 * r);
  });
  const variance = new Float64Array(r);
  for (let i = 0; i < S.length; i++) variance[i % r]! += S[i]! * S[i]!;
  const scale = variance.map((v) => Math.sqrt(v / rows.rows) || 1);
  const A = pseudoInverse(U, r, C);
  const sign = new Float64Array(r);
  for (let k = 0; k < r; k++) {
    let largest = 0;
    for (let c = 0; c < C; c++)
      if (Math.abs(A[c * r + k]!) > Math.abs(largest)) largest = A[c * r + k]!;
    sign[k] = largest < 0 ? -1 : 1;
  }
  const explained = new Float64Array(r);
  for (let k = 0; k < r; k++) {
    let norm = 0;
    for (let c = 0; c < C; c++) norm += A[c * r + k]! ** 2;
    explained[k] = norm * scale[k]! ** 2;
  }
  const order = Array.from({ length: r }, (_, k) => k).sort(
    (a, b) => explained[b]! - explained[a]!,
  );
  return reorder({ U, A, S, scale, sign, explained, order, white, observations: rows.rows });
}

/** What {@link reorder} puts in the reported order. */
interface Unordered {
  U: Float64Array;
  A: Float64Array;
  S: Float64Array;
  scale: Float64Array;
  sign: Float64Array;
  explained: Float64Array;
  order: number[];
  white: Whitening;
  observations: number;
}

function reorder(m: Unordered): IcaModel {
  const { rank: r, channels: C, totalVariance } = m.white;
  const unmixing = new Float64Array(r * C);
  const mixing = new Float64Array(C * r);
  const activations = new Float64Array(m.observations * r);
  m.order.forEach((k, to) => {
    const s = m.sign[k]!;
    const f = m.scale[k]!;
    for (let c = 0; c < C; c++) {
      unmixing[to * C + c] = (s * m.U[k * C + c]!) / f;
      mixing[c * r + to] = s * m.A[c * r + k]! * f;
    }
    for (let i = 0; i < m.observations; i++) activations[i * r + to] = (s * m.S[i * r + k]!) / f;
  });
  const explainedVariance = Float64Array.from(m.order, (k) => m.explained[k]!);
  return {
    rank: r,
    channels: C,
    unmixing,
    mixing,
    activations,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => v / totalVariance),
    kurtosis: columnKurtosis(activations, r),
    order: m.order,
  };
}
