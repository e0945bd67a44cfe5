/** The configuration of the NMF method, its defaults and its validation. */

import {
  type MissingPolicy,
  rejectField,
  rejectSeedKey,
  type SampleMaskConfig,
  type ScaleConfig,
  showValue,
  validateInteger,
  validateMemoryBudget,
  validateOneOf,
  validatePreprocessConfig,
  validateThreads,
} from "@tt/decompose-core";
import { isPlainObject } from "@tt/schema";

/** scikit-learn's NMF solvers: multiplicative updates or coordinate descent. */
export type NmfSolver = "mu" | "cd";

/** The loss minimized: the Frobenius norm, or the generalized Kullback-Leibler divergence (`"mu"` only). */
export type NmfBetaLoss = "frobenius" | "kullback-leibler";

/** How W and H start: NNDSVD (zeros kept, filled with the mean, or with small random values) or seeded random. */
export type NmfInit = "nndsvd" | "nndsvda" | "nndsvdar" | "random";

/** The complete configuration of `nmf`; keys are snake_case as stored with results. */
export interface NmfConfig {
  /** Components: the columns of W and the rows of H. */
  rank: number;
  /** `"cd"` (default, as scikit-learn) or `"mu"`. */
  solver: NmfSolver;
  /** `"frobenius"` (default) or `"kullback-leibler"` (with `solver: "mu"` only). */
  beta_loss: NmfBetaLoss;
  /** The start: `"nndsvda"` (default) needs rank <= min(instances, features); `"random"` does not. */
  init: NmfInit;
  /** Most iterations. */
  max_iter: number;
  /** scikit-learn's stopping tolerance (see the README for each solver's criterion); 0 runs max_iter. */
  tol: number;
  /** Always `"none"`: centering makes data negative, which NMF cannot factor. */
  center: "none";
  scale: ScaleConfig;
  /** `"error"` or `"drop"`; NMF has no masked fit. */
  missing: Exclude<MissingPolicy, "mask">;
  weights: Record<string, number[]>;
  sample_mask: SampleMaskConfig | null;
  /** Bytes the data may take in memory; larger inputs are streamed block by block. */
  memory_budget: number | "auto";
  /** Worker threads for the products; `"auto"` uses every core. Results do not depend on it. */
  threads: number | "auto";
}

/** Defaults of `nmf`: scikit-learn's (coordinate descent, Frobenius, NNDSVDa, 200 iterations, tol 1e-4), rank 3. */
export const NMF_DEFAULTS: Readonly<NmfConfig> = {
  rank: 3,
  solver: "cd",
  beta_loss: "frobenius",
  init: "nndsvda",
  max_iter: 200,
  tol: 1e-4,
  center: "none",
  scale: "none",
  missing: "error",
  weights: {},
  sample_mask: null,
  memory_budget: "auto",
  threads: "auto",
};

const KEYS = Object.keys(NMF_DEFAULTS) as (keyof NmfConfig)[];

/**
 * Validates `config` over {@link NMF_DEFAULTS} and returns the complete config; every problem is a
 * ConfigError naming the field and what is allowed. Centering and `missing: "mask"` are refused, as
 * is the Kullback-Leibler loss with coordinate descent; a `seed` key is refused (the random starts
 * take the fit context's seed).
 *
 * @example
 * ```ts
 * import { validateNmfConfig } from "@tt/decompose-nmf";
 *
 * const config = validateNmfConfig({ rank: 4, solver: "mu", beta_loss: "kullback-leibler" });
 * console.log(config.init, config.max_iter); // "nndsvda" 200
 * ```
 */
export function validateNmfConfig(config: unknown): NmfConfig {
  if (!isPlainObject(config))
    rejectField("(config)", `must be an object, got ${showValue(config)}`);
  rejectSeedKey(config);
  for (const key of Object.keys(config))
    if (!KEYS.includes(key as keyof NmfConfig))
      rejectField(key, `is not an option of nmf; options: ${KEYS.join(", ")}`);
  const full = { ...NMF_DEFAULTS, ...config } as Record<keyof NmfConfig, unknown>;
  const { tol } = full;
  if (typeof tol !== "number" || !Number.isFinite(tol) || tol < 0)
    rejectField("tol", `must be a finite number >= 0, got ${showValue(tol)}`);
  if (full.center !== "none")
    rejectField(
      "center",
      `must be "none" for nmf, got ${showValue(full.center)}: centering makes the data negative, and NMF factors non-negative data only`,
    );
  const solver = validateOneOf("solver", full.solver, ["cd", "mu"] as const);
  const betaLoss = validateOneOf("beta_loss", full.beta_loss, [
    "frobenius",
    "kullback-leibler",
  ] as const);
  if (betaLoss === "kullback-leibler" && solver !== "mu")
    rejectField(
      "beta_loss",
      `"kullback-leibler" needs solver "mu" (coordinate descent minimizes the Frobenius loss only), got solver "${solver}"`,
    );
  const preprocess = validatePreprocessConfig(full);
  if (preprocess.missing === "mask")
    rejectField(
      "missing",
      'must be "error" or "drop" for nmf, got "mask": NMF has no masked fit; drop the instances with missing values instead',
    );
  return {
    rank: validateInteger("rank", full.rank, 1),
    solver,
    beta_loss: betaLoss,
    init: validateOneOf("init", full.init, ["nndsvd", "nndsvda", "nndsvdar", "random"] as const),
    max_iter: validateInteger("max_iter", full.max_iter, 1),
    tol,
    center: "none",
    scale: preprocess.scale,
    missing: preprocess.missing,
    weights: preprocess.weights,
    sample_mask: preprocess.sample_mask,
    memory_budget: validateMemoryBudget(full.memory_budget),
    threads: validateThreads(full.threads),
  };
}
