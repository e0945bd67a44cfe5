/** The configuration of the SVD and PCA methods, its defaults and its validation. */

import { ConfigError, isPlainObject } from "@tt/schema";

/** Axes named in `over`, `weights`, `sample_mask` and `flatten`; `"instance"` names the first axis. */
export type AxisList = string[];

/** Centering: none, one global mean, or means over the listed axes (PCA: `{ over: ["instance"] }`). */
export type CenterConfig = "none" | "global" | { over: AxisList };

/** Scaling after centering: none, standard deviation (ddof 0) or interquartile range over axes. */
export type ScaleConfig = "none" | { zscore: { over: AxisList } } | { robust: { over: AxisList } };

/** A fixed rank, or the smallest rank whose explained variance ratio reaches a target. */
export type RankConfig = number | { explained_variance: number; max: number };

/** A subset of one axis taken before the decomposition: positions, a range or a boolean mask. */
export type SampleMaskConfig =
  | { axis: string; indices: number[] }
  | { axis: string; start: number; stop: number }
  | { axis: string; mask: boolean[] };

/** Which axes become the rows and the columns of the matrix; columns in the listed order, C order. */
export interface FlattenConfig {
  rows: AxisList;
  columns: AxisList;
}

/** The solvers: exact (LAPACK digits), Gram (one pass), randomized (Halko et al.), auto. */
export type SolverName = "auto" | "exact" | "gram" | "randomized";

/** The complete configuration of `svd` and `pca`; keys are snake_case as stored with results. */
export interface SvdConfig {
  rank: RankConfig;
  center: CenterConfig;
  scale: ScaleConfig;
  missing: "error" | "drop" | "mask";
  weights: Record<string, number[]>;
  sample_mask: SampleMaskConfig | null;
  flatten: FlattenConfig | null;
  solver: SolverName;
  oversamples: number;
  power_iterations: number | "auto";
  seed: number | null;
  /** Bytes the data may take in memory; larger inputs are streamed block by block. */
  memory_budget: number | "auto";
  /** Worker threads for the products; `"auto"` uses every core. Results do not depend on it. */
  threads: number | "auto";
}

/** The memory budget `"auto"` stands for: 1 GiB. */
export const DEFAULT_MEMORY_BUDGET = 2 ** 30;

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
  seed: null,
  memory_budget: "auto",
  threads: "auto",
};

/** Defaults of `pca`: as `svd`, centered with one mean per flattened column. */
export const PCA_DEFAULTS: Readonly<SvdConfig> = {
  ...SVD_DEFAULTS,
  center: { over: ["instance"] },
};

const KEYS = Object.keys(SVD_DEFAULTS) as (keyof SvdConfig)[];
const SOLVERS: readonly SolverName[] = ["auto", "exact", "gram", "randomized"];
const MISSING = ["error", "drop", "mask"] as const;

function fail(field: string, message: string): never {
  throw new ConfigError(field, message);
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !allowed.includes(value as T))
    fail(field, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${show(value)}`);
  return value as T;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function integer(field: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min)
    fail(field, `must be an integer >= ${min}, got ${show(value)}`);
  return value;
}

function axisList(field: string, value: unknown): AxisList {
  if (!Array.isArray(value) || value.length === 0)
    fail(field, `must be a non-empty array of axis names, got ${show(value)}`);
  value.forEach((axis, i) => {
    if (typeof axis !== "string" || axis.length === 0)
      fail(`${field}[${i}]`, `must be an axis name, got ${show(axis)}`);
    if (value.indexOf(axis) !== i) fail(`${field}[${i}]`, `axis '${axis}' is listed twice`);
  });
  return [...value];
}

function onlyKeys(field: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key))
      fail(`${field}.${key}`, `is not an option; allowed: ${allowed.join(", ")}`);
}

function center(value: unknown): CenterConfig {
  if (value === "none" || value === "global") return value;
  if (isPlainObject(value) && "over" in value) {
    onlyKeys("center", value, ["over"]);
    return { over: axisList("center.over", value.over) };
  }
  return fail("center", `must be "none", "global" or { "over": [axes] }, got ${show(value)}`);
}

function scale(value: unknown): ScaleConfig {
  if (value === "none") return value;
  if (isPlainObject(value) && Object.keys(value).length === 1) {
    const kind = Object.keys(value)[0]!;
    const inner = value[kind];
    if ((kind === "zscore" || kind === "robust") && isPlainObject(inner)) {
      onlyKeys(`scale.${kind}`, inner, ["over"]);
      const over = axisList(`scale.${kind}.over`, inner.over);
      return kind === "zscore" ? { zscore: { over } } : { robust: { over } };
    }
  }
  return fail(
    "scale",
    `must be "none", { "zscore": { "over": [axes] } } or { "robust": { "over": [axes] } }, got ${show(value)}`,
  );
}

function rank(value: unknown): RankConfig {
  if (typeof value === "number") return integer("rank", value, 1);
  if (isPlainObject(value) && "explained_variance" in value) {
    onlyKeys("rank", value, ["explained_variance", "max"]);
    const target = value.explained_variance;
    if (typeof target !== "number" || !(target > 0 && target <= 1))
      fail("rank.explained_variance", `must be a number in (0, 1], got ${show(target)}`);
    return { explained_variance: target, max: integer("rank.max", value.max ?? 50, 1) };
  }
  return fail(
    "rank",
    `must be a positive integer or { "explained_variance": t, "max": k }, got ${show(value)}`,
  );
}

function weights(value: unknown): Record<string, number[]> {
  if (!isPlainObject(value))
    fail("weights", `must be an object of axis -> numbers, got ${show(value)}`);
  const out: Record<string, number[]> = {};
  for (const [axis, list] of Object.entries(value)) {
    if (!Array.isArray(list) || list.length === 0)
      fail(`weights.${axis}`, `must be a non-empty array of numbers, got ${show(list)}`);
    list.forEach((w, i) => {
      if (typeof w !== "number" || !Number.isFinite(w))
        fail(`weights.${axis}[${i}]`, `must be a finite number, got ${show(w)}`);
    });
    out[axis] = [...(list as number[])];
  }
  return out;
}

function sampleMask(value: unknown): SampleMaskConfig | null {
  if (value === null) return null;
  if (!isPlainObject(value) || typeof value.axis !== "string" || value.axis.length === 0)
    fail("sample_mask", `must be null or { "axis": name, ... }, got ${show(value)}`);
  const axis = value.axis;
  if ("indices" in value) {
    onlyKeys("sample_mask", value, ["axis", "indices"]);
    if (!Array.isArray(value.indices) || value.indices.length === 0)
      fail("sample_mask.indices", "must be a non-empty array of positions");
    const indices = value.indices.map((x, i) => integer(`sample_mask.indices[${i}]`, x, 0));
    return { axis, indices };
  }
  if ("mask" in value) {
    onlyKeys("sample_mask", value, ["axis", "mask"]);
    const mask = value.mask;
    if (!Array.isArray(mask) || !mask.every((m) => typeof m === "boolean"))
      fail("sample_mask.mask", "must be an array of booleans");
    return { axis, mask: [...(mask as boolean[])] };
  }
  if ("start" in value || "stop" in value) {
    onlyKeys("sample_mask", value, ["axis", "start", "stop"]);
    const start = integer("sample_mask.start", value.start, 0);
    const stop = integer("sample_mask.stop", value.stop, start + 1);
    return { axis, start, stop };
  }
  return fail("sample_mask", `needs "indices", "mask" or "start"/"stop", got ${show(value)}`);
}

function flatten(value: unknown): FlattenConfig | null {
  if (value === null) return null;
  if (!isPlainObject(value))
    fail("flatten", `must be null or { rows, columns }, got ${show(value)}`);
  onlyKeys("flatten", value, ["rows", "columns"]);
  const rows = axisList("flatten.rows", value.rows);
  const columns = axisList("flatten.columns", value.columns);
  const both = rows.find((axis) => columns.includes(axis));
  if (both !== undefined) fail("flatten", `axis '${both}' is in both rows and columns`);
  return { rows, columns };
}

/**
 * Validates `config` over `defaults` and returns the complete config; every problem is a
 * ConfigError naming the field and what is allowed.
 */
export function validateSvdConfig(config: unknown, defaults: Readonly<SvdConfig>): SvdConfig {
  if (!isPlainObject(config)) fail("(config)", `must be an object, got ${show(config)}`);
  for (const key of Object.keys(config))
    if (!KEYS.includes(key as keyof SvdConfig))
      fail(key, `is not an option of this method; options: ${KEYS.join(", ")}`);
  const full = { ...defaults, ...config } as Record<keyof SvdConfig, unknown>;
  const power = full.power_iterations;
  const budget = full.memory_budget;
  const threads = full.threads;
  if (full.seed !== null && (typeof full.seed !== "number" || !Number.isSafeInteger(full.seed)))
    fail("seed", `must be null or an integer, got ${show(full.seed)}`);
  return {
    rank: rank(full.rank),
    center: center(full.center),
    scale: scale(full.scale),
    missing: oneOf("missing", full.missing, MISSING),
    weights: weights(full.weights),
    sample_mask: sampleMask(full.sample_mask),
    flatten: flatten(full.flatten),
    solver: oneOf("solver", full.solver, SOLVERS),
    oversamples: integer("oversamples", full.oversamples, 0),
    power_iterations: power === "auto" ? power : integer("power_iterations", power, 0),
    seed: full.seed as number | null,
    memory_budget: budget === "auto" ? budget : integer("memory_budget", budget, 1),
    threads: threads === "auto" ? threads : integer("threads", threads, 1),
  };
}
