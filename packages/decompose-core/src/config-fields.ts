/**
 * The preprocessing options the decomposition methods share (`center`, `scale`, `weights`,
 * `sample_mask`, `missing`) and the resource options (`memory_budget`, `threads`), with the same
 * JSON shapes and meaning in every method, and their validators. Every problem is a ConfigError
 * naming the field and what is allowed. The seed is not a config option: it comes from the fit
 * context, so it has one source and the result records it once.
 */

import { ConfigError, isPlainObject } from "@tt/schema";

/** Axes named in `over`, `weights`, `sample_mask` (and `flatten`); `"instance"` names the first axis. */
export type AxisList = string[];

/** Centering: none, one global mean, or means over the listed axes (PCA: `{ over: ["instance"] }`). */
export type CenterConfig = "none" | "global" | { over: AxisList };

/** Scaling after centering: none, standard deviation (ddof 0) or interquartile range over axes. */
export type ScaleConfig = "none" | { zscore: { over: AxisList } } | { robust: { over: AxisList } };

/** A subset of one non-instance axis taken before the decomposition: positions, a range or a mask. */
export type SampleMaskConfig =
  | { axis: string; indices: number[] }
  | { axis: string; start: number; stop: number }
  | { axis: string; mask: boolean[] };

/** What to do with missing values (NaN or masked entries). */
export type MissingPolicy = "error" | "drop" | "mask";

/** The preprocessing part of a method's config, as the reading and scaling code sees it. */
export interface PreprocessConfig {
  center: CenterConfig;
  scale: ScaleConfig;
  missing: MissingPolicy;
  weights: Record<string, number[]>;
  sample_mask: SampleMaskConfig | null;
}

/** The memory budget `"auto"` stands for: 1 GiB. */
export const DEFAULT_MEMORY_BUDGET = 2 ** 30;

const MISSING_POLICIES: readonly MissingPolicy[] = ["error", "drop", "mask"];

/** Throws the ConfigError of `field` with `message`. */
export function rejectField(field: string, message: string): never {
  throw new ConfigError(field, message);
}

/** A config value as JSON, for error messages. */
export function showValue(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** `value` when it is one of the strings `allowed`, else a ConfigError listing them. */
export function validateOneOf<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== "string" || !allowed.includes(value as T))
    rejectField(
      field,
      `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${showValue(value)}`,
    );
  return value as T;
}

/** `value` when it is an integer >= `min`, else a ConfigError. */
export function validateInteger(field: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min)
    rejectField(field, `must be an integer >= ${min}, got ${showValue(value)}`);
  return value;
}

/** `value` when it is a non-empty list of distinct axis names, else a ConfigError. */
export function validateAxisList(field: string, value: unknown): AxisList {
  if (!Array.isArray(value) || value.length === 0)
    rejectField(field, `must be a non-empty array of axis names, got ${showValue(value)}`);
  value.forEach((axis, i) => {
    if (typeof axis !== "string" || axis.length === 0)
      rejectField(`${field}[${i}]`, `must be an axis name, got ${showValue(axis)}`);
    if (value.indexOf(axis) !== i) rejectField(`${field}[${i}]`, `axis '${axis}' is listed twice`);
  });
  return [...value];
}

/** Throws a ConfigError for the first key of the object `value` that is not in `allowed`. */
export function validateOnlyKeys(
  field: string,
  value: Record<string, unknown>,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key))
      rejectField(`${field}.${key}`, `is not an option; allowed: ${allowed.join(", ")}`);
}

function center(value: unknown): CenterConfig {
  if (value === "none" || value === "global") return value;
  if (isPlainObject(value) && "over" in value) {
    validateOnlyKeys("center", value, ["over"]);
    return { over: validateAxisList("center.over", value.over) };
  }
  return rejectField(
    "center",
    `must be "none", "global" or { "over": [axes] }, got ${showValue(value)}`,
  );
}

function scale(value: unknown): ScaleConfig {
  if (value === "none") return value;
  if (isPlainObject(value) && Object.keys(value).length === 1) {
    const kind = Object.keys(value)[0]!;
    const inner = value[kind];
    if ((kind === "zscore" || kind === "robust") && isPlainObject(inner)) {
      validateOnlyKeys(`scale.${kind}`, inner, ["over"]);
      const over = validateAxisList(`scale.${kind}.over`, inner.over);
      return kind === "zscore" ? { zscore: { over } } : { robust: { over } };
    }
  }
  return rejectField(
    "scale",
    `must be "none", { "zscore": { "over": [axes] } } or { "robust": { "over": [axes] } }, got ${showValue(value)}`,
  );
}

function weights(value: unknown): Record<string, number[]> {
  if (!isPlainObject(value))
    rejectField("weights", `must be an object of axis -> numbers, got ${showValue(value)}`);
  const out: Record<string, number[]> = {};
  for (const [axis, list] of Object.entries(value)) {
    if (!Array.isArray(list) || list.length === 0)
      rejectField(
        `weights.${axis}`,
        `must be a non-empty array of numbers, got ${showValue(list)}`,
      );
    list.forEach((w, i) => {
      if (typeof w !== "number" || !Number.isFinite(w))
        rejectField(`weights.${axis}[${i}]`, `must be a finite number, got ${showValue(w)}`);
    });
    out[axis] = [...(list as number[])];
  }
  return out;
}

function sampleMask(value: unknown): SampleMaskConfig | null {
  if (value === null) return null;
  if (!isPlainObject(value) || typeof value.axis !== "string" || value.axis.length === 0)
    rejectField("sample_mask", `must be null or { "axis": name, ... }, got ${showValue(value)}`);
  const axis = value.axis;
  if ("indices" in value) {
    validateOnlyKeys("sample_mask", value, ["axis", "indices"]);
    if (!Array.isArray(value.indices) || value.indices.length === 0)
      rejectField("sample_mask.indices", "must be a non-empty array of positions");
    const indices = value.indices.map((x, i) => validateInteger(`sample_mask.indices[${i}]`, x, 0));
    return { axis, indices };
  }
  if ("mask" in value) {
    validateOnlyKeys("sample_mask", value, ["axis", "mask"]);
    const mask = value.mask;
    if (!Array.isArray(mask) || !mask.every((m) => typeof m === "boolean"))
      rejectField("sample_mask.mask", "must be an array of booleans");
    return { axis, mask: [...(mask as boolean[])] };
  }
  if ("start" in value || "stop" in value) {
    validateOnlyKeys("sample_mask", value, ["axis", "start", "stop"]);
    const start = validateInteger("sample_mask.start", value.start, 0);
    const stop = validateInteger("sample_mask.stop", value.stop, start + 1);
    return { axis, start, stop };
  }
  return rejectField(
    "sample_mask",
    `needs "indices", "mask" or "start"/"stop", got ${showValue(value)}`,
  );
}

/**
 * Validates the preprocessing fields of a config merged over its defaults, in the order `center`,
 * `scale`, `missing`, `weights`, `sample_mask`, and returns them complete.
 */
export function validatePreprocessConfig(full: {
  readonly [key: string]: unknown;
}): PreprocessConfig {
  return {
    center: center(full.center),
    scale: scale(full.scale),
    missing: validateOneOf("missing", full.missing, MISSING_POLICIES),
    weights: weights(full.weights),
    sample_mask: sampleMask(full.sample_mask),
  };
}

/**
 * Refuses a `seed` key in a method config: the seed comes from the fit context only (the `seed`
 * option of `decompose`), so a config means one fit whatever the seed and the result records the
 * seed in one place.
 */
export function rejectSeedKey(config: { readonly [key: string]: unknown }): void {
  if (Object.hasOwn(config, "seed"))
    rejectField(
      "seed",
      "the seed is not part of a method's config; pass it to decompose(..., { seed })",
    );
}

/** Validates `memory_budget`: `"auto"` ({@link DEFAULT_MEMORY_BUDGET}) or a positive number of bytes. */
export function validateMemoryBudget(value: unknown): number | "auto" {
  return value === "auto" ? value : validateInteger("memory_budget", value, 1);
}

/** Validates `threads`: `"auto"` (every core) or a positive integer. */
export function validateThreads(value: unknown): number | "auto" {
  return value === "auto" ? value : validateInteger("threads", value, 1);
}
