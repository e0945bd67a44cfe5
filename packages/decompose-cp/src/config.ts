/** The configuration of the CP method, its defaults and its validation. */

import { isPlainObject } from "@tt/schema";
import {
  type CenterConfig,
  center,
  fail,
  integer,
  type MissingPolicy,
  oneOf,
  type SampleMaskConfig,
  type ScaleConfig,
  sampleMask,
  scale,
  show,
  weights,
} from "./config-fields.js";

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
  /** Seed of the random initialization; null takes the fit context's seed. */
  seed: number | null;
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
  seed: null,
  memory_budget: "auto",
  threads: "auto",
};

const KEYS = Object.keys(CP_DEFAULTS) as (keyof CpConfig)[];

function boolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") fail(field, `must be true or false, got ${show(value)}`);
  return value;
}

/**
 * Validates `config` over {@link CP_DEFAULTS} and returns the complete config; every problem is a
 * ConfigError naming the field and what is allowed.
 */
export function validateCpConfig(config: unknown): CpConfig {
  if (!isPlainObject(config)) fail("(config)", `must be an object, got ${show(config)}`);
  for (const key of Object.keys(config))
    if (!KEYS.includes(key as keyof CpConfig))
      fail(key, `is not an option of cp; options: ${KEYS.join(", ")}`);
  const full = { ...CP_DEFAULTS, ...config } as Record<keyof CpConfig, unknown>;
  const { tol, memory_budget: budget, threads, seed } = full;
  if (typeof tol !== "number" || !Number.isFinite(tol) || tol < 0)
    fail("tol", `must be a finite number >= 0, got ${show(tol)}`);
  if (seed !== null && (typeof seed !== "number" || !Number.isSafeInteger(seed)))
    fail("seed", `must be null or an integer, got ${show(seed)}`);
  const out: CpConfig = {
    rank: integer("rank", full.rank, 1),
    init: oneOf("init", full.init, ["svd", "random"] as const),
    n_iter_max: integer("n_iter_max", full.n_iter_max, 1),
    tol,
    nonnegative: boolean("nonnegative", full.nonnegative),
    line_search: boolean("line_search", full.line_search),
    center: center(full.center),
    scale: scale(full.scale),
    missing: oneOf("missing", full.missing, ["error", "drop", "mask"] as const),
    weights: weights(full.weights),
    sample_mask: sampleMask(full.sample_mask),
    seed: seed as number | null,
    memory_budget: budget === "auto" ? budget : integer("memory_budget", budget, 1),
    threads: threads === "auto" ? threads : integer("threads", threads, 1),
  };
  if (out.line_search && (out.nonnegative || out.missing === "mask"))
    fail(
      "line_search",
      `works with the unconstrained, unmasked ALS only; turn it off with ${out.nonnegative ? "nonnegative: true" : 'missing: "mask"'}`,
    );
  return out;
}
