/** The configuration of the CP method, its defaults and its validation. */

import {
  type CenterConfig,
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

/** How the factors start: leading eigenvectors of each mode's Gram matrix, or seeded random. */
export type CpInit = "svd" | "random";

/** The complete configuration of `cp`; keys are snake_case as stored with results. */
export interface CpConfig {
  /** Components (rank-one terms). */
  rank: number;
  /** `"svd"`: leading eigenvectors of each non-instance mode's unfolding Gram; `"random"`: seeded. */
  init: CpInit;
  /** Most ALS sweeps. */
  n_iter_max: number;
  /** Stop when the relative error changes by less than this from one sweep to the next. */
  tol: number;
  /** Non-negative factors, by HALS (exact coordinate descent), not by clipping. */
  nonnegative: boolean;
  /** Extrapolate the factors every other sweep and keep the step when it lowers the error. */
  line_search: boolean;
  center: CenterConfig;
  scale: ScaleConfig;
  /** `"mask"` fits only the observed entries (EM: missing entries imputed from the model). */
  missing: MissingPolicy;
  weights: Record<string, number[]>;
  sample_mask: SampleMaskConfig | null;
  /** Bytes the data may take in memory; larger inputs are streamed block by block. */
  memory_budget: number | "auto";
  /** Worker threads for the products; `"auto"` uses every core. Results do not depend on it. */
  threads: number | "auto";
}

/** Defaults of `cp`: rank 3, SVD initialization, tol 1e-8 on the change of relative error. */
export const CP_DEFAULTS: Readonly<CpConfig> = {
  rank: 3,
  init: "svd",
  n_iter_max: 500,
  tol: 1e-8,
  nonnegative: false,
  line_search: false,
  center: "none",
  scale: "none",
  missing: "error",
  weights: {},
  sample_mask: null,
  memory_budget: "auto",
  threads: "auto",
};

const KEYS = Object.keys(CP_DEFAULTS) as (keyof CpConfig)[];

function boolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean")
    rejectField(field, `must be true or false, got ${showValue(value)}`);
  return value;
}

/**
 * Validates `config` over {@link CP_DEFAULTS} and returns the complete config; every problem is a
 * ConfigError naming the field and what is allowed. A `seed` key is refused: the random start
 * takes the fit context's seed (`decompose`'s `seed` option).
 */
export function validateCpConfig(config: unknown): CpConfig {
  if (!isPlainObject(config))
    rejectField("(config)", `must be an object, got ${showValue(config)}`);
  rejectSeedKey(config);
  for (const key of Object.keys(config))
    if (!KEYS.includes(key as keyof CpConfig))
      rejectField(key, `is not an option of cp; options: ${KEYS.join(", ")}`);
  const full = { ...CP_DEFAULTS, ...config } as Record<keyof CpConfig, unknown>;
  const { tol } = full;
  if (typeof tol !== "number" || !Number.isFinite(tol) || tol < 0)
    rejectField("tol", `must be a finite number >= 0, got ${showValue(tol)}`);
  const rank = validateInteger("rank", full.rank, 1);
  const init = validateOneOf("init", full.init, ["svd", "random"] as const);
  const nIterMax = validateInteger("n_iter_max", full.n_iter_max, 1);
  const nonnegative = boolean("nonnegative", full.nonnegative);
  const lineSearch = boolean("line_search", full.line_search);
  const preprocess = validatePreprocessConfig(full);
  const out: CpConfig = {
    rank,
    init,
    n_iter_max: nIterMax,
    tol,
    nonnegative,
    line_search: lineSearch,
    center: preprocess.center,
    scale: preprocess.scale,
    missing: preprocess.missing,
    weights: preprocess.weights,
    sample_mask: preprocess.sample_mask,
    memory_budget: validateMemoryBudget(full.memory_budget),
    threads: validateThreads(full.threads),
  };
  if (out.line_search && (out.nonnegative || out.missing === "mask"))
    rejectField(
      "line_search",
      `works with the unconstrained, unmasked ALS only; turn it off with ${out.nonnegative ? "nonnegative: true" : 'missing: "mask"'}`,
    );
  return out;
}
