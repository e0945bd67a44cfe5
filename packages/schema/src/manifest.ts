/** The dataset bundle manifest (`manifest.json`) and its strict validation. */

import { DTYPES, type DType, isDType } from "./dtype.js";
import { InvalidManifestError, UnsupportedError } from "./errors.js";
import { findNonJson, isPlainObject, type JsonObject } from "./json.js";
import { checkFields, type ManifestField } from "./manifest-fields.js";
import { checkPyramids, type ManifestPyramid } from "./manifest-pyramids.js";
import { describeType, normalizeRelativePath, unsafePathReason } from "./paths.js";
import { isLength } from "./shape.js";

/** The manifest schema version this library writes. */
export const SCHEMA_VERSION = "0.2.0";

/** Manifest schema versions this library reads: every one it ever wrote. */
export const SUPPORTED_SCHEMA_VERSIONS: readonly string[] = Object.freeze([
  "0.1.0",
  SCHEMA_VERSION,
]);

/** The `kind` of a dataset manifest (schema 0.2.0 on), telling it apart from a result's. */
export const DATASET_KIND = "tensortools.dataset";

/** One file of a bundle version in the manifest's inventory. */
export interface ManifestFile {
  /** Its length in bytes. */
  bytes: number;
  /** SHA-256 of its bytes, lowercase hex. */
  sha256: string;
  /**
   * Only for a file the bundle reads in place (linked, never written by tensortools, such as an
   * HDF5 file): its modification time when it was recorded, in milliseconds since the epoch.
   * Readers that can see the file's time compare it and its length when they open the bundle.
   */
  mtime_ms?: number;
}

/**
 * The manifest of a dataset bundle, as stored in `manifest.json`. Keys are snake_case on disk
 * for every language; keys this version does not know are preserved on rewrite.
 */
export interface Manifest {
  /** Version of the bundle schema: `"0.2.0"` for what this library writes, `"0.1.0"` before. */
  schema_version: string;
  /** `"tensortools.dataset"` (schema 0.2.0 on). */
  kind?: string;
  /** The generation of this version of the bundle, 1 for the first (schema 0.2.0 on). */
  version?: number;
  /** `hashManifest` of the manifest this version replaced, null for the first (0.2.0 on). */
  previous?: string | null;
  /** When this version was committed, ISO 8601 (0.2.0 on). */
  created_at?: string;
  /** Every file of this version with its length and SHA-256 (0.2.0 on). */
  inventory?: Record<string, ManifestFile>;
  /** Name of the tensor, e.g. `"data"`. */
  tensor_name: string;
  /** Length of each axis. */
  shape: number[];
  /** Element type. */
  dtype: DType;
  /** Axis names, unique, one per shape entry. */
  axes: string[];
  /** For each axis with ids: the metadata column that holds them. */
  axis_index_columns: Record<string, string>;
  /** For each axis with metadata: the bundle-relative path of its table. */
  meta_files: Record<string, string>;
  /** Bundle-relative path of the array store. */
  array_store: string;
  /** Bundle-relative path of the validity mask store, if any. */
  mask_store?: string;
  /**
   * For axes with ids: the bundle-relative path of a one-dimensional array holding the same ids
   * as the id column, so that array-only readers get them without a metadata reader.
   */
  coord_stores?: Record<string, string>;
  /**
   * The ids of the plugins the bundle was written with (`{ array_store: "zarr", meta_io:
   * "parquet" }`), so that a reader resolves the same ones, through a registry if need be.
   */
  plugins?: {
    array_store?: string;
    meta_io?: string;
    /** The array store's settings, handed to its `configure` (`{ dataset: "/X" }` for HDF5). */
    array_store_options?: JsonObject;
  };
  /** What made this version: `{ kind: "write" | "append" | "annotate", ... }` (0.2.0 on). */
  change?: { kind: string; [detail: string]: unknown };
  /** The versions before this one, oldest first: generation, manifest hash, change (0.2.0 on). */
  history?: { version: number; manifest_hash: string; change: { kind: string } }[];
  /** The dataset, field and selectors a bundle was written from, when written from a view. */
  derived_from?: { location: string; manifest_hash: string; selectors: unknown[]; field?: string };
  /** Partition tables after concatenation, e.g. `{files: "partitions/files.parquet"}`. */
  partitions?: Record<string, string>;
  /**
   * The bundle's other fields by name: arrays that share the first axis (same length, same ids)
   * with their own other axes, dtype, chunking, mask and axis metadata. `data` (the manifest's
   * own `array_store`) is the default field and is not listed.
   */
  fields?: Record<string, ManifestField>;
  /** Multiscale pyramids of the data, each a Zarr group with a `multiscales` attribute. */
  pyramids?: ManifestPyramid[];
  /** Global attributes. */
  attrs?: JsonObject;
  /** Keys of later schema versions or of other tools, kept as they are. */
  [key: string]: unknown;
}

const REQUIRED = [
  "schema_version",
  "tensor_name",
  "shape",
  "dtype",
  "axes",
  "axis_index_columns",
  "meta_files",
  "array_store",
] as const;

/** Checks that `value` is an object holding every required key; returns it as a record. */
function checkRequiredKeys(value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new InvalidManifestError(
      "$",
      `the manifest must be a JSON object, got ${describeType(value)}`,
    );
  }
  for (const key of REQUIRED) {
    if (!(key in value)) throw new InvalidManifestError(key, "is required but missing");
  }
  return value as Record<string, unknown>;
}

/** Checks that the schema version is one this library reads and the tensor has a name. */
function checkSchemaVersionAndName(m: Record<string, unknown>): void {
  if (typeof m.schema_version !== "string") {
    throw new InvalidManifestError(
      "schema_version",
      `must be a string such as "${SCHEMA_VERSION}", got ${describeType(m.schema_version)}`,
    );
  }
  if (!SUPPORTED_SCHEMA_VERSIONS.includes(m.schema_version)) {
    throw new InvalidManifestError(
      "schema_version",
      `version ${JSON.stringify(m.schema_version)} is not supported; this library reads ${SUPPORTED_SCHEMA_VERSIONS.join(", ")}`,
      {
        cause: new UnsupportedError(
          `schema_version ${m.schema_version}`,
          "unsupported schema version",
        ),
      },
    );
  }
  if (typeof m.tensor_name !== "string" || m.tensor_name.length === 0) {
    throw new InvalidManifestError(
      "tensor_name",
      `must be a non-empty string, got ${describeType(m.tensor_name)}`,
    );
  }
}

/** Checks that the shape is a list of axis lengths and the dtype a known one; returns the shape. */
function checkShapeAndDtype(m: Record<string, unknown>): unknown[] {
  if (!Array.isArray(m.shape)) {
    throw new InvalidManifestError(
      "shape",
      `must be an array of axis lengths, got ${describeType(m.shape)}`,
    );
  }
  m.shape.forEach((length, i) => {
    if (!isLength(length)) {
      throw new InvalidManifestError(
        `shape[${i}]`,
        `must be a non-negative integer, got ${describeType(length)}`,
      );
    }
  });
  if (!isDType(m.dtype)) {
    throw new InvalidManifestError(
      "dtype",
      `unknown dtype ${describeType(m.dtype)}; expected one of ${DTYPES.join(", ")}`,
    );
  }
  return m.shape;
}

/** Checks that the axes are unique non-empty names, one per axis length; returns them. */
function checkAxes(m: Record<string, unknown>, shape: readonly unknown[]): string[] {
  if (!Array.isArray(m.axes)) {
    throw new InvalidManifestError(
      "axes",
      `must be an array of axis names, got ${describeType(m.axes)}`,
    );
  }
  const axes = m.axes as unknown[];
  axes.forEach((axis, i) => {
    if (typeof axis !== "string" || axis.length === 0) {
      throw new InvalidManifestError(
        `axes[${i}]`,
        `must be a non-empty string, got ${describeType(axis)}`,
      );
    }
    const first = axes.indexOf(axis);
    if (first !== i) {
      throw new InvalidManifestError(
        `axes[${i}]`,
        `axis name '${axis}' duplicates axes[${first}]; axis names must be unique`,
      );
    }
  });
  if (axes.length !== shape.length) {
    throw new InvalidManifestError(
      "axes",
      `has ${axes.length} names but shape has ${shape.length} lengths; give one name per axis`,
    );
  }
  return axes as string[];
}

/** The record of manifest field `field`, checked to be an object keyed by known axis names. */
function axisKeyed(
  m: Record<string, unknown>,
  field: string,
  axes: readonly string[],
): Record<string, unknown> {
  const record = m[field];
  if (!isPlainObject(record)) {
    throw new InvalidManifestError(
      field,
      `must be an object keyed by axis name, got ${describeType(record)}`,
    );
  }
  for (const axis of Object.keys(record)) {
    if (!axes.includes(axis)) {
      throw new InvalidManifestError(
        `${field}.${axis}`,
        `names unknown axis '${axis}'; axes are ${axes.join(", ")}`,
      );
    }
  }
  return record;
}

/** Checks that each id column is a name, held by the metadata table of its axis. */
function checkIndexColumns(
  indexColumns: Record<string, unknown>,
  metaFiles: Record<string, unknown>,
): void {
  for (const [axis, column] of Object.entries(indexColumns)) {
    if (typeof column !== "string" || column.length === 0) {
      throw new InvalidManifestError(
        `axis_index_columns.${axis}`,
        `must be a non-empty column name, got ${describeType(column)}`,
      );
    }
    if (!(axis in metaFiles)) {
      throw new InvalidManifestError(
        `axis_index_columns.${axis}`,
        `declares id column '${column}' but meta_files has no table for axis '${axis}' to hold it`,
      );
    }
  }
}

/** Collects the paths a manifest names, checking each to be safe and used once. */
class PathRegistry {
  /** Each normalized path with the field that named it first. */
  readonly paths = new Map<string, string>();

  add(field: string, path: unknown): void {
    const reason = unsafePathReason(path);
    if (reason !== undefined) throw new InvalidManifestError(field, reason);
    const normalized = normalizeRelativePath(path as string);
    const other = this.paths.get(normalized);
    if (other !== undefined) {
      throw new InvalidManifestError(
        field,
        `path ${JSON.stringify(path)} is also used by ${other}; each file needs its own path`,
      );
    }
    this.paths.set(normalized, field);
  }
}

/**
 * Checks every path the manifest names (metadata tables, array, mask, coordinate arrays,
 * partitions, pyramids, fields) and returns them with the field naming each.
 */
function checkPaths(
  m: Record<string, unknown>,
  axes: readonly string[],
  indexColumns: Record<string, unknown>,
  metaFiles: Record<string, unknown>,
): [string, string][] {
  const registry = new PathRegistry();
  for (const [axis, path] of Object.entries(metaFiles)) registry.add(`meta_files.${axis}`, path);
  registry.add("array_store", m.array_store);
  if (m.mask_store !== undefined) registry.add("mask_store", m.mask_store);
  if (m.coord_stores !== undefined) {
    for (const [axis, path] of Object.entries(axisKeyed(m, "coord_stores", axes))) {
      if (!(axis in indexColumns)) {
        throw new InvalidManifestError(
          `coord_stores.${axis}`,
          `stores ids of axis '${axis}', which has no id column in axis_index_columns`,
        );
      }
      registry.add(`coord_stores.${axis}`, path);
    }
  }
  if (m.partitions !== undefined) {
    if (!isPlainObject(m.partitions)) {
      throw new InvalidManifestError(
        "partitions",
        `must be an object of name -> path, got ${describeType(m.partitions)}`,
      );
    }
    for (const [name, path] of Object.entries(m.partitions))
      registry.add(`partitions.${name}`, path);
  }
  for (const [field, path] of checkPyramids(m, axes)) registry.add(field, path);
  for (const [field, path] of checkFields(m)) registry.add(field, path);
  return [...registry.paths.entries()];
}

/** Checks `change` and `history`, when present: what made each version. */
function checkHistory(m: Record<string, unknown>): void {
  const checkChange = (value: unknown, field: string) => {
    if (!isPlainObject(value) || typeof value.kind !== "string")
      throw new InvalidManifestError(
        field,
        `must be an object with a string kind, got ${describeType(value)}`,
      );
  };
  if (m.change !== undefined) checkChange(m.change, "change");
  if (m.history === undefined) return;
  if (!Array.isArray(m.history))
    throw new InvalidManifestError(
      "history",
      `must be an array of versions, got ${describeType(m.history)}`,
    );
  m.history.forEach((entry: unknown, i) => {
    const record = (isPlainObject(entry) ? entry : {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(record.version) || typeof record.manifest_hash !== "string")
      throw new InvalidManifestError(
        `history[${i}]`,
        `must be { version, manifest_hash, change }, got ${JSON.stringify(entry)}`,
      );
    checkChange(record.change, `history[${i}].change`);
  });
}

/** Checks the plugin ids, when present: an object of non-empty strings. */
function checkPlugins(m: Record<string, unknown>): void {
  if (m.plugins === undefined) return;
  if (!isPlainObject(m.plugins))
    throw new InvalidManifestError(
      "plugins",
      `must be an object of plugin ids, got ${describeType(m.plugins)}`,
    );
  for (const key of ["array_store", "meta_io"]) {
    const id = (m.plugins as Record<string, unknown>)[key];
    if (id !== undefined && (typeof id !== "string" || id.length === 0))
      throw new InvalidManifestError(
        `plugins.${key}`,
        `must be a plugin id, got ${describeType(id)}`,
      );
  }
  const options = (m.plugins as Record<string, unknown>).array_store_options;
  if (options === undefined) return;
  if (!isPlainObject(options) || findNonJson(options, "options") !== undefined)
    throw new InvalidManifestError(
      "plugins.array_store_options",
      `must be a JSON object of the array store's settings, got ${describeType(options)}`,
    );
}

/** Checks that the attributes, when present, are a JSON object. */
function checkAttrs(m: Record<string, unknown>): void {
  if (m.attrs === undefined) return;
  if (!isPlainObject(m.attrs)) {
    throw new InvalidManifestError("attrs", `must be a JSON object, got ${describeType(m.attrs)}`);
  }
  const nonJson = findNonJson(m.attrs, "attrs");
  if (nonJson !== undefined)
    throw new InvalidManifestError(nonJson.replace(/^\$\.?/, ""), "is not a JSON value");
}

/**
 * Checks that `value` is a valid manifest and returns it typed, unknown keys included. The
 * first problem found is thrown as an {@link InvalidManifestError} whose `field` names the
 * manifest field (`shape[1]`, `meta_files.channel`) and whose message says what would be right.
 *
 * @example
 * ```ts
 * const manifest = validateManifest(JSON.parse(text));
 * manifest.axes; // ["instance", "sample", "channel"]
 * ```
 */
export function validateManifest(value: unknown): Manifest {
  const m = checkRequiredKeys(value);
  checkSchemaVersionAndName(m);
  const shape = checkShapeAndDtype(m);
  const axes = checkAxes(m, shape);
  const indexColumns = axisKeyed(m, "axis_index_columns", axes);
  const metaFiles = axisKeyed(m, "meta_files", axes);
  checkIndexColumns(indexColumns, metaFiles);
  const paths = checkPaths(m, axes, indexColumns, metaFiles);
  if (m.schema_version !== "0.1.0") checkVersionFields(m, paths);
  checkPlugins(m);
  checkHistory(m);
  checkAttrs(m);
  return value as Manifest;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Checks the version fields of a schema 0.2.0 manifest, and that its inventory lists every file
 * the manifest names (a file, or for arrays at least one file under the array's folder).
 */
function checkVersionFields(m: Record<string, unknown>, named: [string, string][]): void {
  if (m.kind !== DATASET_KIND)
    throw new InvalidManifestError(
      "kind",
      `must be "${DATASET_KIND}", got ${describeType(m.kind)}`,
    );
  if (typeof m.version !== "number" || !Number.isSafeInteger(m.version) || m.version < 1)
    throw new InvalidManifestError(
      "version",
      `must be a positive integer, got ${describeType(m.version)}`,
    );
  if (m.previous !== null && (typeof m.previous !== "string" || !m.previous.startsWith("sha256:")))
    throw new InvalidManifestError(
      "previous",
      `must be null or "sha256:<hex>", got ${describeType(m.previous)}`,
    );
  if (typeof m.created_at !== "string" || Number.isNaN(Date.parse(m.created_at)))
    throw new InvalidManifestError(
      "created_at",
      `must be an ISO 8601 time, got ${describeType(m.created_at)}`,
    );
  if (!isPlainObject(m.inventory))
    throw new InvalidManifestError(
      "inventory",
      `must be an object of path -> { bytes, sha256 }, got ${describeType(m.inventory)}`,
    );
  for (const [path, record] of Object.entries(m.inventory)) {
    const reason = unsafePathReason(path);
    if (reason !== undefined) throw new InvalidManifestError(`inventory.${path}`, reason);
    const { bytes, sha256, mtime_ms } = (isPlainObject(record) ? record : {}) as Record<
      string,
      unknown
    >;
    const timed = mtime_ms === undefined || (typeof mtime_ms === "number" && mtime_ms >= 0);
    if (!isLength(bytes) || typeof sha256 !== "string" || !SHA256_HEX.test(sha256) || !timed)
      throw new InvalidManifestError(
        `inventory.${path}`,
        `must be { bytes: a non-negative integer, sha256: 64 hex digits, mtime_ms?: a time in milliseconds }, got ${JSON.stringify(record)}`,
      );
  }
  const listed = Object.keys(m.inventory);
  for (const [path, field] of named) {
    if (!listed.some((file) => file === path || file.startsWith(`${path}/`)))
      throw new InvalidManifestError(field, `names '${path}', which the inventory does not list`);
  }
}

/**
 * Parses `manifest.json` text and validates it. Text that is not JSON is an
 * {@link InvalidManifestError} on field `$` that says where the JSON breaks; `source` names
 * the file in messages.
 */
export function parseManifest(text: string, source = "manifest.json"): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidManifestError(
      "$",
      `${source} is not valid JSON (${(error as Error).message})`,
      { cause: error },
    );
  }
  return validateManifest(json);
}

/**
 * The changes that made the versions after the one whose manifest hash is `recorded`, oldest
 * first, the current version's last (`{ kind: "write" }` when it names none); `undefined` when
 * no version in the manifest's history has that hash (the dataset was rewritten or written anew).
 * An empty list is never returned: `recorded` is a hash of an earlier version, not of this one.
 *
 * @example
 * ```ts
 * import { changesSince } from "@tt/schema";
 *
 * const changes = changesSince(manifest, result.manifest.input_ref.dataset.manifest_hash);
 * if (changes === undefined) console.log("rewritten since the result");
 * else console.log(changes.map((change) => change.kind).join(", ")); // "annotate, append"
 * ```
 */
export function changesSince(
  manifest: Manifest,
  recorded: string,
): { kind: string; [detail: string]: unknown }[] | undefined {
  const history = manifest.history ?? [];
  const at = history.findIndex((entry) => entry.manifest_hash === recorded);
  if (at < 0) return undefined;
  return [
    ...history.slice(at + 1).map((entry) => entry.change),
    manifest.change ?? { kind: "write" },
  ];
}
