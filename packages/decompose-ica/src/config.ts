/** The configuration of the ICA method, its defaults and its validation. */

import {
  rejectField,
  rejectSeedKey,
  showValue,
  validateInteger,
  validateMemoryBudget,
  validateOneOf,
  validateThreads,
} from "@tt/decompose-core";
import { isPlainObject } from "@tt/schema";

/** The ICA algorithm: FastICA (Hyvärinen's fixed point) or (extended) Infomax (Bell-Sejnowski, Lee et al.). */
export type IcaAlgorithm = "fastica" | "infomax";

/** FastICA's contrast: G(u) = log cosh(u) (g = tanh) or G(u) = -exp(-u²/2). */
export type IcaContrast = "logcosh" | "exp";

/** FastICA's scheme: all components at once with symmetric decorrelation, or one by one. */
export type FastIcaMode = "parallel" | "deflation";

/** The complete configuration of `ica`; keys are snake_case as stored with results. */
export interface IcaConfig {
  algorithm: IcaAlgorithm;
  /** FastICA's contrast function. */
  fun: IcaContrast;
  /** FastICA's scheme. */
  fastica_mode: FastIcaMode;
  /** Infomax: extended (sub- and super-Gaussian sources, signs from the kurtosis) or logistic. */
  extended: boolean;
  /** The channel axis; `null`: the view's last axis. */
  channel_axis: string | null;
  /** Components, i.e. whitening (PCA) dimensions kept; `null`: every channel. */
  rank: number | null;
  /** Most iterations (FastICA: per component with deflation; Infomax: passes over the data). */
  max_iter: number;
  /**
   * FastICA: stop when max |(|w_newᵀ w_old| - 1)| < tol (`null`: 1e-4). Infomax: stop when the
   * squared change of the weights over a pass < tol (`null`: 1e-12).
   */
  tol: number | null;
  /** Infomax learning rate; `null`: 0.01 / log(rank²). */
  learning_rate: number | null;
  /** Infomax block size; `null`: floor(sqrt(rows / 3)). */
  block_size: number | null;
  /** Instances with missing values (NaN or masked): an error, or left out of the fit (`"drop"`). */
  missing: "error" | "drop";
  /** Bytes the data may take in memory; FastICA streams larger data, Infomax refuses it. */
  memory_budget: number | "auto";
  /** Worker threads for the products; `"auto"` uses every core. */
  threads: number | "auto";
}

/** Defaults of `ica`: parallel FastICA with logcosh on every channel, 200 iterations (scikit-learn's). */
export const ICA_DEFAULTS: Readonly<IcaConfig> = {
  algorithm: "fastica",
  fun: "logcosh",
  fastica_mode: "parallel",
  extended: true,
  channel_axis: null,
  rank: null,
  max_iter: 200,
  tol: null,
  learning_rate: null,
  block_size: null,
  missing: "error",
  memory_budget: "auto",
  threads: "auto",
};

const KEYS = Object.keys(ICA_DEFAULTS) as (keyof IcaConfig)[];

function nullable<T>(value: unknown, check: (v: unknown) => T): T | null {
  return value === null ? null : check(value);
}

function positive(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    rejectField(field, `must be a finite number > 0, got ${showValue(value)}`);
  return value;
}

/**
 * Validates `config` over {@link ICA_DEFAULTS} and returns the complete config; every problem is
 * a ConfigError naming the field and what is allowed. A `seed` key is refused: FastICA's start
 * and Infomax's shuffles take the fit context's seed.
 *
 * @example
 * ```ts
 * const config = validateIcaConfig({ algorithm: "infomax", rank: 20 });
 * console.log(config.extended, config.max_iter); // true 200
 * ```
 */
export function validateIcaConfig(config: unknown): IcaConfig {
  if (!isPlainObject(config))
    rejectField("(config)", `must be an object, got ${showValue(config)}`);
  rejectSeedKey(config);
  for (const key of Object.keys(config))
    if (!KEYS.includes(key as keyof IcaConfig))
      rejectField(key, `is not an option of ica; options: ${KEYS.join(", ")}`);
  const full = { ...ICA_DEFAULTS, ...config } as Record<keyof IcaConfig, unknown>;
  if (typeof full.extended !== "boolean")
    rejectField("extended", `must be true or false, got ${showValue(full.extended)}`);
  const channelAxis = full.channel_axis;
  if (channelAxis !== null && (typeof channelAxis !== "string" || channelAxis.length === 0))
    rejectField("channel_axis", `must be an axis name or null, got ${showValue(channelAxis)}`);
  return {
    algorithm: validateOneOf("algorithm", full.algorithm, ["fastica", "infomax"] as const),
    fun: validateOneOf("fun", full.fun, ["logcosh", "exp"] as const),
    fastica_mode: validateOneOf("fastica_mode", full.fastica_mode, [
      "parallel",
      "deflation",
    ] as const),
    extended: full.extended,
    channel_axis: channelAxis,
    rank: nullable(full.rank, (v) => validateInteger("rank", v, 1)),
    max_iter: validateInteger("max_iter", full.max_iter, 1),
    tol: nullable(full.tol, (v) => positive("tol", v)),
    learning_rate: nullable(full.learning_rate, (v) => positive("learning_rate", v)),
    block_size: nullable(full.block_size, (v) => validateInteger("block_size", v, 1)),
    missing: validateOneOf("missing", full.missing, ["error", "drop"] as const),
    memory_budget: validateMemoryBudget(full.memory_budget),
    threads: validateThreads(full.threads),
  };
}
