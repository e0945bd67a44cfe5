/** The result bundle manifest (`manifest.json` of a decomposition result) and its validation. */

import {
  DTYPES,
  type DType,
  findNonJson,
  type InputRef,
  InvalidManifestError,
  isPlainObject,
  isTensorToolsError,
  type JsonObject,
  normalizeRelativePath,
  unsafePathReason,
  validateSelectors,
} from "@tt/schema";

/** The `kind` of a result manifest, which tells a result bundle from a dataset bundle. */
export const RESULT_KIND = "decomposition_result";

/** The result manifest schema version this library writes for a result whose tables are whole files. */
export const RESULT_SCHEMA_VERSION = "0.2.0";

/**
 * The result manifest schema version this library writes for a result with a factor table
 * written in parts (`files.factor_table_parts`), which readers of 0.2.0 do not know.
 */
export const RESULT_PARTS_SCHEMA_VERSION = "0.3.0";

/** Result manifest schema versions this library reads: every one it ever wrote. */
export const SUPPORTED_RESULT_SCHEMA_VERSIONS: readonly string[] = Object.freeze([
  "0.1.0",
  RESULT_SCHEMA_VERSION,
  RESULT_PARTS_SCHEMA_VERSION,
]);

/** How an axis index is held in memory: `"list"` for a plain array, else the typed array's dtype. */
export type IndexForm = "list" | DType;

/** The files of one component tensor. */
export interface ComponentTensorFiles {
  /** The array (Zarr v3 by default), with the tensor's axes as `dimension_names`. */
  array: string;
  /** The validity mask array, when the tensor has one. */
  mask?: string;
  /** Per axis with a metadata table: its file, or `null` for a table without columns. */
  axis_meta: Record<string, string | null>;
  /** Per axis with an index: a one-column (`index`) table and how the index was held. */
  axis_index: Record<string, { path: string; form: IndexForm }>;
  /** The tensor's attributes. */
  attrs: JsonObject;
}

/**
 * The manifest of a result bundle, snake_case on disk. `seed`, `library_version` and
 * `created_at` are lifted out of the result's attrs; keys this version does not know are kept.
 */
export interface ResultManifest {
  /** Always `"decomposition_result"`. */
  kind: typeof RESULT_KIND;
  /**
   * Version of the result manifest schema: `"0.2.0"` for what this library writes, `"0.3.0"`
   * when a factor table was written in parts (`files.factor_table_parts`).
   */
  schema_version: string;
  /** 1 for a new result; one more than the result it replaced at the same path (0.2.0 on). */
  version?: number;
  /** `sha256:` of the canonical manifest of the result it replaced, or null (0.2.0 on). */
  previous?: string | null;
  /** Every file of the bundle with its length and SHA-256 (0.2.0 on). */
  inventory?: Record<string, { bytes: number; sha256: string }>;
  /** The method id, e.g. `"pca"`. */
  method: string;
  /** The method version. */
  method_version: string;
  /** The complete config, defaults filled in. */
  config: JsonObject;
  /** The dataset, selectors, instance count and ids hash of the input. */
  input_ref: InputRef;
  /** The library that wrote the result. */
  library_version: string;
  /** When the result was made, ISO 8601. */
  created_at: string;
  /** The seed of the fit, or `null` if none was recorded. */
  seed: number | null;
  /** The rest of the result's attrs. */
  attrs: JsonObject;
  /**
   * The input axis the instance table (`files.factor_tables.instance`, keyed by `instance_id`)
   * describes, and the dataset's id column whose values `instance_id` holds (`null`: row
   * numbers). Written since the result contract; older manifests lack it and their first
   * factor table is the instance table.
   */
  instance?: { axis: string; id_column: string | null };
  /** Every file of the bundle, relative to it. */
  files: {
    /** Method-specific diagnostics, JSON. */
    diagnostics: string;
    /**
     * One table per factor table name (`instance`, `component`, ...): its Parquet file, or for a
     * table in `factor_table_parts` the directory that holds its parts (no extension).
     */
    factor_tables: Record<string, string>;
    /**
     * For each factor table written in parts (0.3.0 on): the paths of its parts in row order, each
     * inside the table's directory in `factor_tables`. The table is its parts one after another.
     */
    factor_table_parts?: Record<string, string[]>;
    /** One entry per component tensor name (`components`, `center`, ...). */
    component_tensors: Record<string, ComponentTensorFiles>;
  };
  /** Keys of later schema versions or of other tools. */
  [key: string]: unknown;
}

const HASH = /^sha256:[0-9a-f]{64}$/;
const FORMS: readonly string[] = ["list", ...DTYPES];

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function fail(field: string, message: string, cause?: unknown): never {
  throw new InvalidManifestError(field, message, cause === undefined ? {} : { cause });
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) fail(field, `must be a JSON object, got ${describe(value)}`);
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0)
    fail(field, `must be a non-empty string, got ${describe(value)}`);
  return value;
}

function json(value: unknown, field: string): void {
  object(value, field);
  const bad = findNonJson(value, field);
  if (bad !== undefined) fail(bad, "is not a JSON value");
}

function checkInputRef(value: unknown): void {
  const ref = object(value, "input_ref");
  for (const key of ["dataset", "selectors", "n_instances", "ids_hash"]) {
    if (!(key in ref)) fail(`input_ref.${key}`, "is required but missing");
  }
  if (ref.field !== undefined && (typeof ref.field !== "string" || ref.field.length === 0))
    fail("input_ref.field", `must be a field name, got ${describe(ref.field)}`);
  if (ref.dataset !== null) {
    const dataset = object(ref.dataset, "input_ref.dataset");
    text(dataset.location, "input_ref.dataset.location");
    if (typeof dataset.manifest_hash !== "string" || !HASH.test(dataset.manifest_hash))
      fail(
        "input_ref.dataset.manifest_hash",
        `must be "sha256:" and 64 hex digits, got ${describe(dataset.manifest_hash)}`,
      );
  }
  try {
    validateSelectors(ref.selectors);
  } catch (error) {
    if (!isTensorToolsError(error, "selection")) throw error;
    fail("input_ref.selectors", error.message, error);
  }
  if (!Number.isSafeInteger(ref.n_instances) || (ref.n_instances as number) < 0)
    fail(
      "input_ref.n_instances",
      `must be a non-negative integer, got ${describe(ref.n_instances)}`,
    );
  if (typeof ref.ids_hash !== "string" || !HASH.test(ref.ids_hash))
    fail(
      "input_ref.ids_hash",
      `must be "sha256:" and 64 hex digits, got ${describe(ref.ids_hash)}`,
    );
}

function checkFiles(value: unknown, schemaVersion: unknown): void {
  const files = object(value, "files");
  const paths = new Map<string, string>();
  const path = (field: string, p: unknown) => {
    const reason = unsafePathReason(p);
    if (reason !== undefined) fail(field, reason);
    const normalized = normalizeRelativePath(p as string);
    const other = paths.get(normalized);
    if (other !== undefined)
      fail(
        field,
        `path ${JSON.stringify(p)} is also used by ${other}; each file needs its own path`,
      );
    paths.set(normalized, field);
  };
  path("files.diagnostics", files.diagnostics);
  const tables = object(files.factor_tables, "files.factor_tables");
  for (const [name, p] of Object.entries(tables)) path(`files.factor_tables.${name}`, p);
  if (files.factor_table_parts !== undefined)
    checkParts(files.factor_table_parts, tables, schemaVersion, path);
  const tensors = object(files.component_tensors, "files.component_tensors");
  for (const [name, entry] of Object.entries(tensors)) {
    const at = `files.component_tensors.${name}`;
    const tensor = object(entry, at);
    path(`${at}.array`, tensor.array);
    if (tensor.mask !== undefined) path(`${at}.mask`, tensor.mask);
    for (const [axis, p] of Object.entries(object(tensor.axis_meta, `${at}.axis_meta`))) {
      if (p !== null) path(`${at}.axis_meta.${axis}`, p);
    }
    for (const [axis, index] of Object.entries(object(tensor.axis_index, `${at}.axis_index`))) {
      const entry = object(index, `${at}.axis_index.${axis}`);
      path(`${at}.axis_index.${axis}.path`, entry.path);
      if (!FORMS.includes(entry.form as string))
        fail(
          `${at}.axis_index.${axis}.form`,
          `must be one of ${FORMS.join(", ")}, got ${describe(entry.form)}`,
        );
    }
    json(tensor.attrs, `${at}.attrs`);
  }
}

/**
 * `files.factor_table_parts` (0.3.0 on): per table that `factor_tables` lists, at least one part,
 * each a safe path of its own inside the table's directory.
 */
function checkParts(
  value: unknown,
  tables: Record<string, unknown>,
  schemaVersion: unknown,
  path: (field: string, p: unknown) => void,
): void {
  const at = "files.factor_table_parts";
  if (schemaVersion !== RESULT_PARTS_SCHEMA_VERSION)
    fail(
      at,
      `is a field of schema_version "${RESULT_PARTS_SCHEMA_VERSION}", but this manifest is ${describe(schemaVersion)}; tables in parts need "${RESULT_PARTS_SCHEMA_VERSION}"`,
    );
  for (const [name, parts] of Object.entries(object(value, at))) {
    const directory = tables[name];
    if (directory === undefined)
      fail(
        `${at}.${name}`,
        `lists parts of table '${name}', which files.factor_tables does not list; it needs the table's directory there`,
      );
    if (!Array.isArray(parts) || parts.length === 0)
      fail(`${at}.${name}`, `must be a non-empty array of part paths, got ${describe(parts)}`);
    const inside = `${normalizeRelativePath(directory as string)}/`;
    parts.forEach((part, i) => {
      path(`${at}.${name}[${i}]`, part);
      if (!normalizeRelativePath(part as string).startsWith(inside))
        fail(
          `${at}.${name}[${i}]`,
          `path ${JSON.stringify(part)} is not inside the table's directory '${directory}' (files.factor_tables.${name}); every part must be`,
        );
    });
  }
}

/** The `instance` field: an axis name, a source id column (or null) and the table it names. */
function checkInstance(m: Record<string, unknown>): void {
  const instance = object(m.instance, "instance");
  text(instance.axis, "instance.axis");
  if (instance.id_column !== null) text(instance.id_column, "instance.id_column");
  const tables = (m.files as ResultManifest["files"]).factor_tables;
  if (tables.instance === undefined)
    fail("files.factor_tables.instance", "is required: the manifest has an 'instance' field");
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The version fields of a 0.2.0 result: generation, previous hash, inventory of every file. */
function checkVersion(m: Record<string, unknown>): void {
  if (typeof m.version !== "number" || !Number.isSafeInteger(m.version) || m.version < 1)
    fail("version", `must be a positive integer, got ${describe(m.version)}`);
  if (m.previous !== null && (typeof m.previous !== "string" || !HASH.test(m.previous)))
    fail("previous", `must be null or "sha256:<64 hex digits>", got ${describe(m.previous)}`);
  const inventory = object(m.inventory, "inventory");
  for (const [path, record] of Object.entries(inventory)) {
    const reason = unsafePathReason(path);
    if (reason !== undefined) fail(`inventory.${path}`, reason);
    const { bytes, sha256 } = (isPlainObject(record) ? record : {}) as Record<string, unknown>;
    if (
      !Number.isSafeInteger(bytes) ||
      (bytes as number) < 0 ||
      typeof sha256 !== "string" ||
      !SHA256_HEX.test(sha256)
    )
      fail(
        `inventory.${path}`,
        `must be { bytes: a non-negative integer, sha256: 64 hex digits }, got ${JSON.stringify(record)}`,
      );
  }
  const files = m.files as ResultManifest["files"];
  const named = [
    files.diagnostics,
    ...Object.values(files.factor_tables),
    ...Object.values(files.component_tensors).flatMap((t) => [
      t.array,
      ...(t.mask ? [t.mask] : []),
      ...Object.values(t.axis_meta).filter((p): p is string => p !== null),
      ...Object.values(t.axis_index).map((i) => i.path),
    ]),
  ];
  for (const path of named)
    if (!Object.keys(inventory).some((file) => file === path || file.startsWith(`${path}/`)))
      fail("inventory", `does not list '${path}', which the manifest names`);
  for (const [name, parts] of Object.entries(files.factor_table_parts ?? {}))
    parts.forEach((part, i) => {
      if (!Object.hasOwn(inventory, part))
        fail(
          `files.factor_table_parts.${name}[${i}]`,
          `names '${part}', which the inventory does not list; every part must be listed there`,
        );
    });
}

/**
 * Checks that `value` is a valid result manifest and returns it typed. The first problem found
 * is an InvalidManifestError whose `field` names the manifest field (`input_ref.ids_hash`,
 * `files.factor_tables.instance`) and whose message says what would be right.
 *
 * @example
 * ```ts
 * const manifest = validateResultManifest(JSON.parse(text));
 * manifest.files.factor_tables; // { instance: "factor_tables/instance.parquet", ... }
 * ```
 *
 * A 0.3.0 manifest may list tables written in parts: `factor_tables.instance` is then a directory
 * and `factor_table_parts.instance` its parts, each inside it, unique and in the inventory (an
 * error names the part, e.g. `files.factor_table_parts.instance[2]`).
 */
export function validateResultManifest(value: unknown): ResultManifest {
  const m = object(value, "$");
  if (m.kind !== RESULT_KIND) {
    const hint = "schema_version" in m && "array_store" in m ? " (this is a dataset bundle)" : "";
    fail("kind", `must be "${RESULT_KIND}", got ${describe(m.kind)}${hint}`);
  }
  if (!SUPPORTED_RESULT_SCHEMA_VERSIONS.includes(m.schema_version as string))
    fail(
      "schema_version",
      `version ${describe(m.schema_version)} is not supported; this library reads ${SUPPORTED_RESULT_SCHEMA_VERSIONS.join(", ")}`,
    );
  text(m.method, "method");
  text(m.method_version, "method_version");
  json(m.config, "config");
  checkInputRef(m.input_ref);
  text(m.library_version, "library_version");
  if (typeof m.created_at !== "string" || Number.isNaN(Date.parse(m.created_at)))
    fail("created_at", `must be an ISO 8601 date string, got ${describe(m.created_at)}`);
  if (m.seed !== null && !(typeof m.seed === "number" && Number.isFinite(m.seed)))
    fail("seed", `must be a number or null, got ${describe(m.seed)}`);
  json(m.attrs, "attrs");
  checkFiles(m.files, m.schema_version);
  if (m.instance !== undefined) checkInstance(m);
  if (m.schema_version !== "0.1.0") checkVersion(m);
  return m as ResultManifest;
}

/** Parses `manifest.json` text of a result and validates it; `source` names the file. */
export function parseResultManifest(bytes: Uint8Array, source: string): ResultManifest {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    fail("$", `${source} is not valid JSON (${(error as Error).message})`, error);
  }
  return validateResultManifest(value);
}
