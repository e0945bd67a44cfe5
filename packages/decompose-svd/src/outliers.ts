/**
 * Per-instance outlier statistics of an SVD/PCA fit, as chemometrics PCA tools report them:
 * Hotelling's T² in the model plane, the Q residual (SPE) off it, their control limits at the
 * configured confidence, and `outlier_score`, the larger of each statistic over its limit.
 */

import { chiSquareQuantile, fQuantile, normalQuantile } from "@tt/decompose-core";
import type { JsonObject } from "@tt/schema";

/** What {@link outlierStatistics} needs, every value in the data's units. */
export interface OutlierInput {
  /** n×k scores of the used instances. */
  scores: Float64Array;
  /** The k explained variances s²/(n − 1) (scikit-learn's `explained_variance_`). */
  variance: Float64Array;
  /** Each used instance's reconstruction error (the norm of its residual). */
  reconError: Float64Array;
  /** All min(n, p) eigenvalues s²/(n − 1) when the solver computed the whole spectrum. */
  spectrum: Float64Array | undefined;
  /** The squared Frobenius norm of the preprocessed matrix over n − 1. */
  totalVariance: number;
  /** Instances used, and the rank. */
  n: number;
  k: number;
  confidence: number;
  /** Whether the columns were centered over the instances (PCA), for the diagnostics' wording. */
  centered: boolean;
  solver: string;
}

/** T², Q and the outlier score of each used instance, and how their limits were found. */
export interface OutlierStatistics {
  t2: Float64Array;
  q: Float64Array;
  outlierScore: Float64Array;
  t2Limit: number | null;
  qLimit: number | null;
  diagnostics: JsonObject;
}

/** A Q limit, the rule that gave it and why that rule. */
interface QLimit {
  limit: number | null;
  method: "jackson_mudholkar" | "box" | "moments" | "none";
  reason: string;
  /** θ1, θ2, θ3 of the discarded eigenvalues; null where unknown or beyond float64. */
  theta: [number | null, number | null, number | null];
  h0: number | null;
}

/** A number for the JSON diagnostics, or null when float64 cannot hold it. */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Hotelling's T² of each instance: Σ_c score_c² / variance_c (components of zero variance add 0). */
function hotelling(scores: Float64Array, variance: Float64Array, n: number): Float64Array {
  const k = variance.length;
  const t2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      // (score / sd)², not score² / variance: no overflow or underflow for data far from 1.
      const sd = Math.sqrt(variance[c]!);
      if (sd > 0) sum += (scores[i * k + c]! / sd) ** 2;
    }
    t2[i] = sum;
  }
  return t2;
}

/**
 * The T² limit k(n − 1)/(n − k) · F_c(k, n − k) (Jackson 1991): for the instances the model was
 * fitted to. The (n² − 1)/(n(n − k)) form is for new instances scored on a fitted model; every
 * instance here took part in the fit. Null when n ≤ k.
 */
export function t2Limit(n: number, k: number, confidence: number): number | null {
  if (n - k < 1) return null;
  return ((k * (n - 1)) / (n - k)) * fQuantile(confidence, k, n - k);
}

/** Jackson & Mudholkar (1979), or null where it is undefined (h0 ≤ 0, or a bracket ≤ 0). */
function jacksonMudholkar(theta: [number, number, number], confidence: number): number | null {
  const [t1, t2, t3] = theta;
  const h0 = 1 - (2 * t1 * t3) / (3 * t2 * t2);
  if (!(h0 > 0)) return null;
  const z = normalQuantile(confidence);
  const bracket = (z * Math.sqrt(2 * t2 * h0 * h0)) / t1 + 1 + (t2 * h0 * (h0 - 1)) / (t1 * t1);
  return bracket > 0 ? t1 * bracket ** (1 / h0) : null;
}

/** The Q limit from the discarded eigenvalues: Jackson & Mudholkar, else Box's g·χ²_h. */
function spectrumLimit(discarded: Float64Array, confidence: number): QLimit {
  // θ_m of the eigenvalues over the largest, λ_max^m θ̃_m: λ³ overflows for data near 1e100.
  const top = discarded.reduce((a, b) => Math.max(a, b), 0);
  const scaled: [number, number, number] = [0, 0, 0];
  for (const lambda of discarded) {
    const x = lambda / top;
    scaled[0] += x;
    scaled[1] += x * x;
    scaled[2] += x * x * x;
  }
  const theta = scaled.map((value, m) => finiteOrNull(value * top ** (m + 1))) as QLimit["theta"];
  const h0 = 1 - (2 * scaled[0] * scaled[2]) / (3 * scaled[1] * scaled[1]);
  const jm = jacksonMudholkar(scaled, confidence);
  if (jm !== null)
    return {
      limit: top * jm,
      method: "jackson_mudholkar",
      reason: "the whole spectrum is known: θ1, θ2, θ3 of the discarded eigenvalues",
      theta,
      h0,
    };
  const g = scaled[1] / scaled[0];
  const h = (scaled[0] * scaled[0]) / scaled[1];
  return {
    limit: top * g * chiSquareQuantile(confidence, h),
    method: "box",
    reason: `Jackson & Mudholkar is undefined for h0 = 1 − 2θ1θ3/(3θ2²) = ${h0} ≤ 0 (a few large discarded eigenvalues among many small ones): Box's g·χ²_h with g = θ2/θ1, h = θ1²/θ2`,
    theta,
    h0,
  };
}

/** The mean and variance (ddof 1) of the Q values over `top`, their scale (the largest, or near it). */
export interface QMoments {
  top: number;
  mean: number;
  variance: number;
}

/** The moments of q / max(q): g scales with q, h does not, so no overflow for data near 1e150. */
function qMoments(q: Float64Array): QMoments {
  const n = q.length;
  const top = q.reduce((a, b) => Math.max(a, b), 0);
  const mean = q.reduce((a, b) => a + b / top, 0) / n;
  let squares = 0;
  for (const value of q) squares += (value / top - mean) ** 2;
  return { top, mean, variance: n > 1 ? squares / (n - 1) : 0 };
}

/** Nomikos & MacGregor (1995): g·χ²_h matched to the mean and variance (ddof 1) of the Q values. */
function momentsLimit(
  { top, mean, variance }: QMoments,
  theta1: number,
  confidence: number,
  solver: string,
): QLimit {
  const reason = `the ${solver} solver computed only part of the spectrum, so θ2 and θ3 of the discarded eigenvalues are unknown: g·χ²_h matched to the mean and variance of the Q values, g = var/(2·mean), h = 2·mean²/var`;
  const base = {
    method: "moments" as const,
    theta: [finiteOrNull(theta1), null, null] as QLimit["theta"],
  };
  if (!(mean > 0 && variance > 0))
    return {
      ...base,
      limit: null,
      reason: `${reason}; undefined: the Q values do not vary`,
      h0: null,
    };
  const g = variance / (2 * mean);
  const h = (2 * mean * mean) / variance;
  return { ...base, limit: top * g * chiSquareQuantile(confidence, h), reason, h0: null };
}

/** What the limits need: the input without the per-instance values. */
export type LimitInput = Omit<OutlierInput, "scores" | "reconError">;

/** θ1: the variance the k components leave out (the sum of the discarded eigenvalues). */
function residualVariance(input: LimitInput): number {
  const { spectrum, k, variance, totalVariance } = input;
  const retained = variance.reduce((a, b) => a + b, 0);
  return spectrum === undefined
    ? Math.max(0, totalVariance - retained)
    : spectrum.subarray(k).reduce((a, b) => a + b, 0);
}

/** Whether the Q limit takes the moments of the Q values (the spectrum is partly unknown). */
export function needsQMoments(input: LimitInput): boolean {
  return input.spectrum === undefined && residualVariance(input) > 1e-12 * input.totalVariance;
}

/** The Q limit by the best rule the known spectrum allows; `moments` when it needs them. */
function qLimit(input: LimitInput, moments: () => QMoments): QLimit {
  const { spectrum, k, totalVariance, confidence } = input;
  const theta1 = residualVariance(input);
  // Nothing left out but rounding: the k components span the data and Q is rounding noise.
  if (!(theta1 > 1e-12 * totalVariance))
    return {
      limit: null,
      method: "none",
      reason: "the k components span the data: no residual variance, so no Q limit",
      theta: [theta1, 0, 0],
      h0: null,
    };
  if (spectrum !== undefined) return spectrumLimit(spectrum.subarray(k), confidence);
  return momentsLimit(moments(), theta1, confidence, input.solver);
}

/** max(t2 / t2Limit, q / qLimit) over the limits that exist; NaN when neither does. */
function outlierScores(
  t2: Float64Array,
  q: Float64Array,
  t2Max: number | null,
  qMax: number | null,
): Float64Array {
  const useT2 = t2Max !== null && t2Max > 0;
  const useQ = qMax !== null && qMax > 0;
  return t2.map((value, i) => {
    if (!useT2 && !useQ) return Number.NaN;
    const a = useT2 ? value / t2Max : Number.NEGATIVE_INFINITY;
    const b = useQ ? q[i]! / qMax : Number.NEGATIVE_INFINITY;
    return Math.max(a, b);
  });
}

/** T², Q and the outlier score of each instance, given the limits. */
export function rowOutliers(
  scores: Float64Array,
  variance: Float64Array,
  reconError: Float64Array,
  t2Max: number | null,
  qMax: number | null,
): Pick<OutlierStatistics, "t2" | "q" | "outlierScore"> {
  const t2 = hotelling(scores, variance, reconError.length);
  const q = reconError.map((e) => e * e);
  return { t2, q, outlierScore: outlierScores(t2, q, t2Max, qMax) };
}

/** The T² and Q limits at the input's confidence and their diagnostics. */
export function outlierLimits(
  input: LimitInput,
  moments: () => QMoments,
): { t2Limit: number | null; qLimit: number | null; diagnostics: JsonObject } {
  const t2Max = t2Limit(input.n, input.k, input.confidence);
  const limit = qLimit(input, moments);
  return {
    t2Limit: t2Max,
    qLimit: limit.limit,
    diagnostics: outlierDiagnostics(input, t2Max, limit),
  };
}

/** T², Q, their limits at the input's confidence, the outlier scores, and the diagnostics. */
export function outlierStatistics(input: OutlierInput): OutlierStatistics {
  const q = input.reconError.map((e) => e * e);
  const limits = outlierLimits(input, () => qMoments(q));
  const rows = rowOutliers(
    input.scores,
    input.variance,
    input.reconError,
    limits.t2Limit,
    limits.qLimit,
  );
  return { ...rows, ...limits };
}

/** The diagnostics' `outliers` entry: the limits, the rules used and the definitions. */
function outlierDiagnostics(input: LimitInput, t2Max: number | null, limit: QLimit): JsonObject {
  return {
    confidence: input.confidence,
    t2_limit: t2Max,
    t2_limit_method:
      t2Max === null
        ? "none: needs more instances than components (n_used > k)"
        : "k (n_used - 1) / (n_used - k) * F_confidence(k, n_used - k), for the instances the model was fitted to (the (n^2 - 1) / (n (n - k)) form is for new instances)",
    q_limit: limit.limit,
    q_limit_method: limit.method,
    q_limit_reason: limit.reason,
    theta: limit.theta,
    h0: limit.h0,
    t2_definition: input.centered
      ? "sum over the k components of score^2 / explained_variance (Hotelling's T^2)"
      : "sum over the k components of score^2 / explained_variance; without centering explained_variance = s^2 / (n_used - 1) is the mean square of the scores about 0, not their variance, so T^2 measures the distance from the origin and the limits' Gaussian assumptions hold only loosely",
    q_definition:
      "squared Euclidean norm of the preprocessed row minus its rank-k reconstruction (recon_error^2): the Q residual, SPE",
    outlier_score_definition:
      "max(t2 / t2_limit, q / q_limit) over the limits that exist: above 1 when an instance is outside either limit",
  };
}
