/**
 * The preprocessing options CP shares with the SVD method (`center`, `scale`, `weights`,
 * `sample_mask`, `missing`) with the same JSON shapes and meaning, and their validators. Every
 * problem is a ConfigError naming the field and what is allowed.
 */

import { ConfigError, isPlainObject } from "@tt/schema";

/** Axes named in `over`, `weights` and `sample_mask`; `"instance"` names the first axis. */
export type AxisList = string[];

/** Centering: none, one global mean, or means over the listed axes. */
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

/** The preprocessing part of the config, as the reading and scaling code sees it. */
export interface PreprocessConfig {
  center: CenterConfig;
  scale: ScaleConfig;
  missing: MissingPolicy;
  weights: Record<string, number[]>;
  sample_mask: SampleMaskConfig | null;
}

/** Throws the ConfigError for `field`. */
export function fail(field: string, message: string): never {
  throw new ConfigError(field, message);
}

/** A value as JSON, for messages. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** `value` when it is one of `allowed`. */
export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !allowed.includes(value as T))
    fail(field, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${show(value)}`);
  return value as T;
}

/** `value` when it is an integer >= min. */
export function integer(field: string, value: unknown, min: number): number {
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

/** Validates `center`. */
export function center(value: unknown): CenterConfig {
  if (value === "none" || value === "global") return value;
  if (isPlainObject(value) && "over" in value) {
    onlyKeys("center", value, ["over"]);
    return { over: axisList("center.over", value.over) };
  }
  return fail("center", `must be "none", "global" or { "over": [axes] }, got ${show(value)}`);
}

/** Validates `scale`. */
export function scale(value: unknown): ScaleConfig {
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

/** Validates `weights`. */
export function weights(value: unknown): Record<string, number[]> {
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

/** Validates `sample_mask`. */
export function sampleMask(value: unknown): SampleMaskConfig | null {
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
