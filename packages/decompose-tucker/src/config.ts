/** The configuration of the Tucker method, its defaults and its validation. */

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

/** How the non-instance factors start: truncated HOSVD, or seeded random orthonormal columns. */
export type TuckerInit = "hosvd" | "random";

/** The complete configuration of `tucker`; keys are snake_case as stored with results. */
export interface TuckerConfig {
  /**
   * The rank of every mode, instance mode first (as tensorly's `tucker`): one number for all
   * modes, or one per axis of the view.
   */
  ranks: number | number[];
  /** `"hosvd"`: leading left singular vectors of each mode's unfolding; `"random"`: seeded. */
  init: TuckerInit;
  /** Most HOOI iterations. */
  n_iter_max: number;
  /** Stop when the relative error changes by less than this from one iteration to the next. */
  tol: number;
  center: CenterConfig;
  scale: ScaleConfig;
  /**
   * `"mask"` fits the observed entries only (EM: missing entries start at 0, the mean after
   * centering, and are imputed from the model after every iteration); it needs the data in memory.
   */
  missing: MissingPolicy;
  weights: Record<string, number[]>;
  sample_mask: SampleMaskConfig | null;
  /** Bytes the data may take in memory; larger inputs are streamed block by block. */
  memory_budget: number | "auto";
  /** Worker threads for the products; `"auto"` uses every core. Results do not depend on it. */
  threads: number | "auto";
}

/** Defaults of `tucker`: rank 3 on every mode, HOSVD start, tol 1e-8 on the change of relative error. */
export const TUCKER_DEFAULTS: Readonly<TuckerConfig> = {
  ranks: 3,
  init: "hosvd",
  n_iter_max: 100,
  tol: 1e-8,
  center: "none",
  scale: "none",
  missing: "error",
  weights: {},
  sample_mask: null,
  memory_budget: "auto",
  threads: "auto",
};

const KEYS = Object.keys(TUCKER_DEFAULTS) as (keyof TuckerConfig)[];

function ranksOf(value: unknown): number | number[] {
  if (!Array.isArray(value)) return validateInteger("ranks", value, 1);
  if (value.length === 0) rejectField("ranks", "must name at least one rank, got []");
  return value.map((rank, k) => validateInteger(`ranks[${k}]`, rank, 1));
}

/**
 * Validates `config` over {@link TUCKER_DEFAULTS} and returns the complete config; every problem
 * is a ConfigError naming the field and what is allowed. Ranks are checked against the view's
 * shape when the fit starts. A `seed` key is refused: the random start takes the fit context's seed.
 *
 * @example
 * ```ts
 * import { validateTuckerConfig } from "@tt/decompose-tucker";
 *
 * const config = validateTuckerConfig({ ranks: [3, 2, 2], center: { over: ["instance"] } });
 * console.log(config.init, config.tol); // "hosvd" 1e-8
 * ```
 */
export function validateTuckerConfig(config: unknown): TuckerConfig {
  if (!isPlainObject(config))
    rejectField("(config)", `must be an object, got ${showValue(config)}`);
  rejectSeedKey(config);
  for (const key of Object.keys(config))
    if (!KEYS.includes(key as keyof TuckerConfig))
      rejectField(key, `is not an option of tucker; options: ${KEYS.join(", ")}`);
  const full = { ...TUCKER_DEFAULTS, ...config } as Record<keyof TuckerConfig, unknown>;
  const { tol } = full;
  if (typeof tol !== "number" || !Number.isFinite(tol) || tol < 0)
    rejectField("tol", `must be a finite number >= 0, got ${showValue(tol)}`);
  const ranks = ranksOf(full.ranks);
  const init = validateOneOf("init", full.init, ["hosvd", "random"] as const);
  const nIterMax = validateInteger("n_iter_max", full.n_iter_max, 1);
  const preprocess = validatePreprocessConfig(full);
  return {
    ranks,
    init,
    n_iter_max: nIterMax,
    tol,
    center: preprocess.center,
    scale: preprocess.scale,
    missing: preprocess.missing,
    weights: preprocess.weights,
    sample_mask: preprocess.sample_mask,
    memory_budget: validateMemoryBudget(full.memory_budget),
    threads: validateThreads(full.threads),
  };
}
