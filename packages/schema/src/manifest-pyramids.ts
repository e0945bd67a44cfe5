/** The `pyramids` field of a dataset manifest: multiscale copies of a field, and their checks. */

import { InvalidManifestError } from "./errors.js";
import { isPlainObject } from "./json.js";
import { describeType } from "./paths.js";

/**
 * One multiscale pyramid of a field, as the manifest names it: a Zarr v3 group whose
 * `multiscales` attribute lists its levels (one multiscale entry per reduction: `mean`, `min`,
 * `max`), and the version of the data it was built from. A reader that finds `built_from`
 * disagreeing with the manifest's own arrays knows the pyramid is stale and must not read it.
 *
 * @example
 * ```ts
 * const pyramid: ManifestPyramid = {
 *   field: "data",
 *   path: "arrays/data.pyramid.v3-k2j4.zarr",
 *   axes: ["instance", "sample"],
 *   factor: 2,
 *   levels: 4,
 *   sort_by: null,
 *   built_from: { version: 2, array_store: "arrays/data.v1-x7q1.zarr" },
 * };
 * ```
 */
export interface ManifestPyramid {
  /** The field it reduces: `"data"` (the bundle's array). */
  field: string;
  /** Bundle-relative path of the Zarr group that holds the levels. */
  path: string;
  /** The axes that are downsampled, the first axis first. */
  axes: string[];
  /** The downsampling factor per level along each of `axes`. */
  factor: number;
  /** How many downsampled levels the group holds (level 0 is the base array itself). */
  levels: number;
  /** The order of the first axis the levels follow; null for the stored order. */
  sort_by: { axis: string; column: string; descending: boolean } | null;
  /** The data it was built from: the manifest version and the field's array (and mask). */
  built_from: { version: number; array_store: string; mask_store?: string };
}

/** Checks one `built_from` record. */
function checkBuiltFrom(value: unknown, field: string): void {
  const record = (isPlainObject(value) ? value : {}) as Record<string, unknown>;
  const versioned = Number.isSafeInteger(record.version) && (record.version as number) >= 0;
  const mask = record.mask_store === undefined || typeof record.mask_store === "string";
  if (!versioned || typeof record.array_store !== "string" || !mask)
    throw new InvalidManifestError(
      field,
      `must be { version: a generation, array_store: a path, mask_store?: a path }, got ${JSON.stringify(value)}`,
    );
}

/** Checks the sort key of a pyramid: null, or the axis and column whose order the levels follow. */
function checkSortBy(value: unknown, field: string, axes: readonly string[]): void {
  if (value === null) return;
  const record = (isPlainObject(value) ? value : {}) as Record<string, unknown>;
  if (
    record.axis !== axes[0] ||
    typeof record.column !== "string" ||
    typeof record.descending !== "boolean"
  )
    throw new InvalidManifestError(
      field,
      `must be null or { axis: "${axes[0]}", column: a column name, descending: a boolean }, got ${JSON.stringify(value)}`,
    );
}

/** Checks one pyramid entry; returns its group path. */
function checkPyramid(entry: unknown, field: string, axes: readonly string[]): unknown {
  if (!isPlainObject(entry))
    throw new InvalidManifestError(field, `must be an object, got ${describeType(entry)}`);
  const record = entry as Record<string, unknown>;
  if (typeof record.field !== "string" || record.field.length === 0)
    throw new InvalidManifestError(
      `${field}.field`,
      `must be a field name, got ${describeType(record.field)}`,
    );
  const reduced = record.axes;
  if (
    !Array.isArray(reduced) ||
    reduced.length === 0 ||
    reduced[0] !== axes[0] ||
    reduced.some((axis, i) => !axes.includes(axis) || reduced.indexOf(axis) !== i)
  )
    throw new InvalidManifestError(
      `${field}.axes`,
      `must list distinct axes of the dataset, '${axes[0]}' first, got ${JSON.stringify(reduced)}`,
    );
  if (!Number.isSafeInteger(record.factor) || (record.factor as number) < 2)
    throw new InvalidManifestError(
      `${field}.factor`,
      `must be an integer of 2 or more, got ${describeType(record.factor)}`,
    );
  if (!Number.isSafeInteger(record.levels) || (record.levels as number) < 1)
    throw new InvalidManifestError(
      `${field}.levels`,
      `must be a positive integer, got ${describeType(record.levels)}`,
    );
  checkSortBy(record.sort_by, `${field}.sort_by`, axes);
  checkBuiltFrom(record.built_from, `${field}.built_from`);
  return record.path;
}

/**
 * Checks the manifest's `pyramids`, when present; returns each pyramid's group path with the
 * field that names it, for the checks every path of the manifest gets.
 */
export function checkPyramids(
  m: Record<string, unknown>,
  axes: readonly string[],
): [field: string, path: unknown][] {
  if (m.pyramids === undefined) return [];
  if (!Array.isArray(m.pyramids))
    throw new InvalidManifestError(
      "pyramids",
      `must be an array of pyramids, got ${describeType(m.pyramids)}`,
    );
  return m.pyramids.map((entry: unknown, i) => [
    `pyramids[${i}].path`,
    checkPyramid(entry, `pyramids[${i}]`, axes),
  ]);
}
