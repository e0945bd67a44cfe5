/** The configuration of the SVD and PCA methods, its defaults and its validation. */

import {
  type AxisList,
  type CenterConfig,
  type MissingPolicy,
  rejectField,
  rejectSeedKey,
  type SampleMaskConfig,
  type ScaleConfig,
  showValue,
  validateAxisList,
  validateInteger,
  validateMemoryBudget,
  validateOneOf,
  validateOnlyKeys,
  validatePreprocessConfig,
  validateThreads,
} from "@tt/decompose-core";
import { isPlainObject } from "@tt/schema";

/** A fixed rank, or the smallest rank whose explained variance ratio reaches a target. */
export type RankConfig = number | { explained_variance: number; max: number };

/** Which axes become the rows and the columns of the matrix; columns in the listed order, C order. */
export interface FlattenConfig {
  rows: AxisList;
  columns: AxisList;
}

/**
 * The solvers: exact (LAPACK digits), Gram (one pass), randomized (Halko et al.), krylov
 * (randomized block Krylov, Musco & Musco), auto.
 */
export type SolverName = "auto" | "exact" | "gram" | "randomized" | "krylov";

/** The complete configuration of `svd` and `pca`; keys are snake_case as stored with results. */
export interface SvdConfig {
  rank: RankConfig;
  center: CenterConfig;
  scale: ScaleConfig;
  missing: MissingPolicy;
  weights: Record<string, number[]>;
  sample_mask: SampleMaskConfig | null;
  flatten: FlattenConfig | null;
  solver: SolverName;
  /** randomized and krylov: columns of the test matrix (each Krylov block) beyond the rank. */
  oversamples: number;
  /**
   * randomized: power iterations q; krylov: blocks after the first, q, for a basis of q + 1
   * blocks. Both read the data q + 2 times. `"auto"`: 7 (4 when the rank is at least a tenth of
   * min(instances, features)) for randomized, as scikit-learn; 5 for krylov.
   */
  power_iterations: number | "auto";
  /** Bytes the data may take in memory; larger inputs are streamed block by block. */
  memory_budget: number | "auto";
  /** Worker threads for the products; `"auto"` uses every core. Results do not depend on it. */
  threads: number | "auto";
  /**
   * The confidence of the T² and Q control limits in the instance table's `outlier_score`
   * (0.95: an instance of the model's population falls outside a limit 5% of the time).
   */
  outlier_confidence: number;
}

/** Defaults of `svd`: no centering, rank 10, automatic solver. */
export const SVD_DEFAULTS: Readonly<SvdConfig> = {
  rank: 10,
  center: "none",
  scale: "none",
  missing: "error",
  weights: {},
  sample_mask: null,
  flatten: null,
  solver: "auto",
  oversamples: 10,
  power_iterations: "auto",
  memory_budget: "auto",
  threads: "auto",
  outlier_confidence: 0.95,
};

/** Defaults of `pca`: as `svd`, centered with one mean per flattened column. */
export const PCA_DEFAULTS: Readonly<SvdConfig> = {
  ...SVD_DEFAULTS,
  center: { over: ["instance"] },
};

const KEYS = Object.keys(SVD_DEFAULTS) as (keyof SvdConfig)[];
const SOLVERS: readonly SolverName[] = ["auto", "exact", "gram", "randomized", "krylov"];

function rank(value: unknown): RankConfig {
  if (typeof value === "number") return validateInteger("rank", value, 1);
  if (isPlainObject(value) && "explained_variance" in value) {
    validateOnlyKeys("rank", value, ["explained_variance", "max"]);
    const target = value.explained_variance;
    if (typeof target !== "number" || !(target > 0 && target <= 1))
      rejectField(
        "rank.explained_variance",
        `must be a number in (0, 1], got ${showValue(target)}`,
      );
    return { explained_variance: target, max: validateInteger("rank.max", value.max ?? 50, 1) };
  }
  return rejectField(
    "rank",
    `must be a positive integer or { "explained_variance": t, "max": k }, got ${showValue(value)}`,
  );
}

function outlierConfidence(value: unknown): number {
  if (typeof value !== "number" || !(value > 0 && value < 1))
    rejectField(
      "outlier_confidence",
      `must be a number strictly between 0 and 1, such as 0.95 or 0.99, got ${showValue(value)}`,
    );
  return value;
}

function flatten(value: unknown): FlattenConfig | null {
  if (value === null) return null;
  if (!isPlainObject(value))
    rejectField("flatten", `must be null or { rows, columns }, got ${showValue(value)}`);
  validateOnlyKeys("flatten", value, ["rows", "columns"]);
  const rows = validateAxisList("flatten.rows", value.rows);
  const columns = validateAxisList("flatten.columns", value.columns);
  const both = rows.find((axis) => columns.includes(axis));
  if (both !== undefined) rejectField("flatten", `axis '${both}' is in both rows and columns`);
  return { rows, columns };
}

/**
 * Validates `config` over `defaults` and returns the complete config; every problem is a
 * ConfigError naming the field and what is allowed. A `seed` key is refused: the randomized
 * solver takes the fit context's seed (`decompose`'s `seed` option).
 */
export function validateSvdConfig(config: unknown, defaults: Readonly<SvdConfig>): SvdConfig {
  if (!isPlainObject(config))
    rejectField("(config)", `must be an object, got ${showValue(config)}`);
  rejectSeedKey(config);
  for (const key of Object.keys(config))
    if (!KEYS.includes(key as keyof SvdConfig))
      rejectField(key, `is not an option of this method; options: ${KEYS.join(", ")}`);
  const full = { ...defaults, ...config } as Record<keyof SvdConfig, unknown>;
  const power = full.power_iterations;
  const rankConfig = rank(full.rank);
  const preprocess = validatePreprocessConfig(full);
  return {
    rank: rankConfig,
    center: preprocess.center,
    scale: preprocess.scale,
    missing: preprocess.missing,
    weights: preprocess.weights,
    sample_mask: preprocess.sample_mask,
    flatten: flatten(full.flatten),
    solver: validateOneOf("solver", full.solver, SOLVERS),
    oversamples: validateInteger("oversamples", full.oversamples, 0),
    power_iterations: power === "auto" ? power : validateInteger("power_iterations", power, 0),
    memory_budget: validateMemoryBudget(full.memory_budget),
    threads: validateThreads(full.threads),
    outlier_confidence: outlierConfidence(full.outlier_confidence),
  };
}
