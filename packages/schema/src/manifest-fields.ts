/** The `fields` of a dataset manifest: named arrays beside `data` that share its first axis. */

import { DTYPES, type DType, isDType } from "./dtype.js";
import { InvalidManifestError } from "./errors.js";
import { isPlainObject } from "./json.js";
import { describeType } from "./paths.js";
import { isLength } from "./shape.js";

/** The name of the default field: the manifest's own array (`array_store`). */
export const DEFAULT_FIELD = "data";

/** What a field name must look like: a letter or `_`, then letters, digits or `_` (at most 64). */
export const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * One field of a bundle beside the default one, as `manifest.fields[name]` stores it: an array
 * whose first axis is the dataset's first axis (same length, same ids) and whose other axes,
 * dtype, chunking, mask and axis metadata are its own.
 *
 * @example
 * ```ts
 * const field: ManifestField = {
 *   axes: ["instance", "freq", "time"],
 *   shape: [1000, 64, 32],
 *   dtype: "float32",
 *   array_store: "arrays/spectrogram.v3-k2j4.zarr",
 *   axis_index_columns: { freq: "freq_hz" },
 *   meta_files: { freq: "meta/spectrogram.freq.v3-k2j4.parquet" },
 * };
 * ```
 */
export interface ManifestField {
  /** Axis names, the dataset's first axis first, unique. */
  axes: string[];
  /** Length of each axis; the first is the dataset's instance count. */
  shape: number[];
  /** Element type. */
  dtype: DType;
  /** Bundle-relative path of the field's array store. */
  array_store: string;
  /** Bundle-relative path of the field's validity mask store, if any. */
  mask_store?: string;
  /** For each of the field's own axes with ids: the metadata column that holds them. */
  axis_index_columns?: Record<string, string>;
  /** For each of the field's own axes with metadata: the bundle-relative path of its table. */
  meta_files?: Record<string, string>;
}

/** Why `name` cannot name a field of a dataset whose default field is `tensorName`, or undefined. */
export function fieldNameProblem(name: unknown, tensorName = DEFAULT_FIELD): string | undefined {
  if (typeof name !== "string" || !FIELD_NAME_PATTERN.test(name))
    return `${JSON.stringify(name)} is not a safe field name: use a letter or _ then letters, digits or _ (at most 64)`;
  if (name === DEFAULT_FIELD || name === tensorName)
    return `'${name}' is the default field (the bundle's own array), not one to add`;
  return undefined;
}

/** Checks the field's axes and shape against the dataset's first axis. */
function checkFieldShape(
  record: Record<string, unknown>,
  where: string,
  m: Record<string, unknown>,
) {
  const axes = record.axes;
  const first = (m.axes as string[])[0];
  const instances = (m.shape as number[])[0];
  if (
    !Array.isArray(axes) ||
    axes.length === 0 ||
    axes[0] !== first ||
    axes.some((axis, i) => typeof axis !== "string" || axis === "" || axes.indexOf(axis) !== i)
  )
    throw new InvalidManifestError(
      `${where}.axes`,
      `must list distinct axis names, '${first}' (the dataset's first axis) first, got ${JSON.stringify(axes)}`,
    );
  const shape = record.shape;
  if (!Array.isArray(shape) || shape.length !== axes.length || !shape.every(isLength))
    throw new InvalidManifestError(
      `${where}.shape`,
      `must hold one non-negative length per axis (${axes.length}), got ${JSON.stringify(shape)}`,
    );
  if (shape[0] !== instances)
    throw new InvalidManifestError(
      `${where}.shape[0]`,
      `is ${shape[0]}, but the dataset has ${instances} elements on '${first}'; a field shares the first axis`,
    );
  if (!isDType(record.dtype))
    throw new InvalidManifestError(
      `${where}.dtype`,
      `unknown dtype ${describeType(record.dtype)}; expected one of ${DTYPES.join(", ")}`,
    );
}

/** Checks the field's own axis tables and id columns; returns their paths. */
function checkFieldTables(record: Record<string, unknown>, where: string): [string, unknown][] {
  const axes = record.axes as string[];
  const paths: [string, unknown][] = [];
  for (const key of ["meta_files", "axis_index_columns"] as const) {
    const value = record[key];
    if (value === undefined) continue;
    if (!isPlainObject(value))
      throw new InvalidManifestError(
        `${where}.${key}`,
        `must be an object keyed by axis name, got ${describeType(value)}`,
      );
    for (const [axis, entry] of Object.entries(value)) {
      if (!axes.includes(axis) || axis === axes[0])
        throw new InvalidManifestError(
          `${where}.${key}.${axis}`,
          `names '${axis}', which is not one of the field's own axes (${axes.slice(1).join(", ") || "none"}); the first axis's tables are the dataset's`,
        );
      if (typeof entry !== "string" || entry.length === 0)
        throw new InvalidManifestError(
          `${where}.${key}.${axis}`,
          `must be a non-empty string, got ${describeType(entry)}`,
        );
      if (key === "meta_files") paths.push([`${where}.meta_files.${axis}`, entry]);
      else if (!isPlainObject(record.meta_files) || !(axis in record.meta_files))
        throw new InvalidManifestError(
          `${where}.axis_index_columns.${axis}`,
          `declares id column '${entry}' but the field has no table for axis '${axis}'`,
        );
    }
  }
  return paths;
}

/**
 * Checks the manifest's `fields`, when present: safe names, the first axis shared, known dtypes;
 * returns every path a field names with the manifest field naming it, for the checks every path
 * of the manifest gets (safe, used once, in the inventory).
 */
export function checkFields(m: Record<string, unknown>): [field: string, path: unknown][] {
  if (m.fields === undefined) return [];
  if (!isPlainObject(m.fields))
    throw new InvalidManifestError(
      "fields",
      `must be an object of field name -> field, got ${describeType(m.fields)}`,
    );
  const paths: [string, unknown][] = [];
  for (const [name, entry] of Object.entries(m.fields)) {
    const where = `fields.${name}`;
    const problem = fieldNameProblem(name, m.tensor_name as string);
    if (problem !== undefined) throw new InvalidManifestError(where, problem);
    if (!isPlainObject(entry))
      throw new InvalidManifestError(where, `must be an object, got ${describeType(entry)}`);
    const record = entry as Record<string, unknown>;
    checkFieldShape(record, where, m);
    paths.push([`${where}.array_store`, record.array_store]);
    if (record.mask_store !== undefined) paths.push([`${where}.mask_store`, record.mask_store]);
    paths.push(...checkFieldTables(record, where));
  }
  return paths;
}
