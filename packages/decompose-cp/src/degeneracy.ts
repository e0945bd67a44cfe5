/**
 * Is a CP model degenerate? Tucker's congruence between every pair of components, taken over all
 * modes (Harshman and Lundy's "triple cosine", Bro's degeneracy check), and a verdict with the
 * reasons: core consistency below 0, a pair of components that cancel each other, no convergence.
 */

import type { JsonObject } from "@tt/schema";

/**
 * Below this congruence two components are taken to cancel each other: a two-factor degeneracy.
 * The rule of thumb of Krijnen (1993), as cited by Bro (1997), "PARAFAC. Tutorial and
 * applications", Chemometrics and Intelligent Laboratory Systems 38, 149-171 (and by tlviz's
 * `degeneracy_score`).
 */
export const CONGRUENCE_THRESHOLD = -0.85;

/**
 * Below this core consistency (percent) a PARAFAC model of this rank is not appropriate: Bro and
 * Kiers (2003) read values near 100 as appropriate, around 50 as problematic, near or below 0 as
 * invalid.
 */
export const CORE_CONSISTENCY_THRESHOLD = 0;

/**
 * Tucker's congruence of every pair of components, multiplied over the modes: `C[r·R + s] =
 * Π_k cos(F_k[:, r], F_k[:, s])` for row-major `d_k × R` factors (a zero column has cosine 0 with
 * the others). Symmetric, ones on the diagonal.
 */
export function congruenceMatrix(factors: readonly Float64Array[], R: number): Float64Array {
  const out = new Float64Array(R * R).fill(1);
  for (const factor of factors) {
    const dots = new Float64Array(R * R);
    for (let x = 0; x < factor.length; x += R)
      for (let r = 0; r < R; r++) {
        const a = factor[x + r]!;
        for (let s = r; s < R; s++) dots[r * R + s]! += a * factor[x + s]!;
      }
    for (let r = 0; r < R; r++)
      for (let s = r + 1; s < R; s++) {
        const norms = Math.sqrt(dots[r * R + r]!) * Math.sqrt(dots[s * R + s]!);
        const cosine = norms > 0 ? dots[r * R + s]! / norms : 0;
        out[r * R + s]! *= cosine;
        out[s * R + r]! *= cosine;
      }
  }
  return out;
}

/** The pair of distinct components (0-based) with the lowest congruence, or undefined (R = 1). */
export function mostNegativePair(
  congruence: Float64Array,
  R: number,
): { r: number; s: number; value: number } | undefined {
  let best: { r: number; s: number; value: number } | undefined;
  for (let r = 0; r < R; r++)
    for (let s = r + 1; s < R; s++) {
      const value = congruence[r * R + s]!;
      if (best === undefined || value < best.value) best = { r, s, value };
    }
  return best;
}

/** What {@link degeneracyOf} judges. */
export interface DegeneracyInput {
  /** The factors of every mode (instances first), row-major `d_k × R`. */
  factors: readonly Float64Array[];
  rank: number;
  coreConsistency: number;
  converged: boolean;
  nIterMax: number;
}

/** The `degeneracy` entry of the diagnostics: congruences, the most negative pair, the verdict. */
export function degeneracyOf(input: DegeneracyInput): JsonObject {
  const R = input.rank;
  const congruence = congruenceMatrix(input.factors, R);
  const pair = mostNegativePair(congruence, R);
  const reasons: string[] = [];
  if (input.coreConsistency < CORE_CONSISTENCY_THRESHOLD)
    reasons.push(
      `core consistency ${input.coreConsistency.toFixed(1)} is below ${CORE_CONSISTENCY_THRESHOLD}: the components do not act as separate trilinear terms at rank ${R}`,
    );
  if (pair !== undefined && pair.value < CONGRUENCE_THRESHOLD)
    reasons.push(
      `components ${pair.r + 1} and ${pair.s + 1} have congruence ${pair.value.toFixed(3)} (below ${CONGRUENCE_THRESHOLD}): they cancel each other`,
    );
  if (!input.converged)
    reasons.push(`did not converge within n_iter_max = ${input.nIterMax} sweeps`);
  return {
    degenerate: reasons.length > 0,
    reasons,
    most_negative:
      pair === undefined ? null : { components: [pair.r + 1, pair.s + 1], congruence: pair.value },
    congruence: Array.from({ length: R }, (_, r) =>
      Array.from(congruence.subarray(r * R, (r + 1) * R)),
    ),
    thresholds: { core_consistency: CORE_CONSISTENCY_THRESHOLD, congruence: CONGRUENCE_THRESHOLD },
    definition:
      "congruence[r][s] = product over all modes (instances included) of the cosine between the factor columns of components r and s: Tucker's congruence coefficient, Harshman and Lundy's triple cosine. Degenerate when the core consistency is below 0 (Bro and Kiers 2003), when two components have congruence below -0.85 (they grow and cancel: Krijnen 1993, as cited by Bro 1997), or when the fit did not converge within n_iter_max sweeps (swamps of degenerate fits converge slowly)",
  };
}
