/** Writes a result bundle: factor tables, component tensors, diagnostics, then the manifest. */

import { resolvePlugins } from "@tt/bundle";
import {
  AlreadyExistsError,
  type ArrayStoreBackend,
  type AxisAnnotatedTensor,
  DataError,
  type DecompositionResult,
  findNonJson,
  hashManifest,
  INSTANCE_TABLE,
  isPlainObject,
  type JsonObject,
  type Manifest,
  type MetaIO,
  sizeOf,
  type TypedArray,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import { recordingStore } from "@tt/storage";
import { indexToTable } from "./axis-index.js";
import { LIBRARY_VERSION } from "./create-result.js";
import { instanceTableOf } from "./instance-table.js";
import { fileStem, RESULT_LAYOUT, type ResultBundleOptions } from "./layout.js";
import {
  type ComponentTensorFiles,
  RESULT_KIND,
  RESULT_PARTS_SCHEMA_VERSION,
  RESULT_SCHEMA_VERSION,
  type ResultManifest,
  validateResultManifest,
} from "./result-manifest.js";
import { type PartedTable, partedTables, recordParts } from "./written-tables.js";

const encoder = new TextEncoder();

function checkJson(value: unknown, name: string): void {
  const bad = isPlainObject(value) ? findNonJson(value, name) : name;
  if (bad !== undefined) throw new DataError(bad, "is not a JSON value; results store it as JSON");
}

/** Writes `data` slab by slab along the first axis, so a large tensor can be stopped between chunks. */
async function writeSlabs(array: WritableArray, data: TypedArray, signal?: AbortSignal) {
  const { shape, chunkShape } = array.metadata;
  const slab = sizeOf(shape.slice(1));
  const rows = Math.max(1, chunkShape[0]!);
  for (let start = 0; start < shape[0]!; start += rows) {
    signal?.throwIfAborted();
    const stop = Math.min(shape[0]!, start + rows);
    await array.writeBlock(start, data.subarray(start * slab, stop * slab) as TypedArray, {
      signal,
    });
  }
}

/** The manifest's top-level fields lifted from `attrs`, and what remains of them. */
function liftAttrs(attrs: JsonObject) {
  const { seed, library_version, created_at, ...rest } = attrs;
  const keep: JsonObject = { ...rest };
  if (seed !== undefined && typeof seed !== "number") keep.seed = seed;
  if (library_version !== undefined && typeof library_version !== "string")
    keep.library_version = library_version;
  if (created_at !== undefined && typeof created_at !== "string") keep.created_at = created_at;
  return {
    seed: typeof seed === "number" ? seed : null,
    library_version: typeof library_version === "string" ? library_version : LIBRARY_VERSION,
    created_at: typeof created_at === "string" ? created_at : new Date().toISOString(),
    attrs: keep,
  };
}

/** Writes one component tensor: its array, its mask, and the tables of its axes. */
async function writeTensor(
  store: WritableKeyValueStore,
  base: string,
  name: string,
  tensor: AxisAnnotatedTensor,
  { arrayStore, metaIO }: { arrayStore: ArrayStoreBackend; metaIO: MetaIO },
  signal: AbortSignal | undefined,
): Promise<ComponentTensorFiles> {
  checkJson(tensor.attrs, `component tensor '${name}' attrs`);
  const creation = { shape: tensor.shape, dtype: tensor.dtype, dimensionNames: tensor.axes };
  const array = `${base}.${arrayStore.id}`;
  await writeSlabs(await arrayStore.create(store, array, creation), tensor.data, signal);
  const files: ComponentTensorFiles = { array, axis_meta: {}, axis_index: {}, attrs: {} };
  if (tensor.mask !== undefined) {
    files.mask = `${base}.mask.${arrayStore.id}`;
    const mask = { ...creation, dtype: "bool" as const, fillValue: 1 };
    await writeSlabs(await arrayStore.create(store, files.mask, mask), tensor.mask, signal);
  }
  const axisStems = new Set<string>();
  for (const axis of tensor.axes) {
    const meta = tensor.axisMeta[axis];
    const index = tensor.axisIndex[axis];
    if (meta === undefined && index === undefined) continue;
    const stem = `${base}.axes/${fileStem(axis, axisStems)}`;
    if (meta !== undefined) {
      // Parquet cannot hold rows without columns: such a table is recorded as null.
      const path = meta.columnNames.length > 0 ? `${stem}.meta${metaIO.extension}` : null;
      if (path !== null) await store.set(path, await metaIO.write(meta, { axis }), { signal });
      files.axis_meta[axis] = path;
    }
    if (index !== undefined) {
      const path = `${stem}.index${metaIO.extension}`;
      const { table, form } = indexToTable(index, `component tensor '${name}' axisIndex.${axis}`);
      await store.set(path, await metaIO.write(table, { axis }), { signal });
      files.axis_index[axis] = { path, form };
    }
  }
  files.attrs = { ...tensor.attrs };
  return files;
}

/** The manifest fields that do not name files, checked before the first file is written. */
function manifestHead(result: DecompositionResult) {
  checkJson(result.config, "config");
  checkJson(result.attrs, "attrs");
  checkJson(result.diagnostics, "diagnostics");
  const head = {
    kind: RESULT_KIND,
    schema_version: RESULT_SCHEMA_VERSION,
    method: result.method,
    method_version: result.methodVersion,
    config: result.config,
    input_ref: result.inputRef,
    ...liftAttrs(result.attrs),
  };
  validateResultManifest({
    ...head,
    schema_version: "0.1.0",
    files: { diagnostics: RESULT_LAYOUT.diagnostics, factor_tables: {}, component_tensors: {} },
  });
  for (const [name, table] of Object.entries(result.factorTables)) {
    if (table.columnNames.length === 0)
      throw new DataError(`factor table '${name}'`, "has no columns; a factor table needs some");
  }
  if (result.writtenTables?.[INSTANCE_TABLE] === undefined) instanceTableOf(result);
  const instance = result.instance ?? { axis: INSTANCE_TABLE, idColumn: null };
  return { ...head, instance: { axis: instance.axis, id_column: instance.idColumn } };
}

/** Writes every file of the result through `store` and returns what the manifest lists. */
async function writeFiles(
  store: WritableKeyValueStore,
  result: DecompositionResult,
  parted: readonly PartedTable[],
  options: ResultBundleOptions,
): Promise<ResultManifest["files"]> {
  const plugins = resolvePlugins(options);
  const { signal } = options;
  const tables = Object.entries(result.factorTables);
  const tensors = Object.entries(result.componentTensors);
  const total = tables.length + tensors.length + 2;
  let done = 0;
  const progress = (message: string) =>
    options.onProgress?.({ phase: "write", fraction: ++done / total, message });
  const factorFiles: Record<string, string> = {};
  const tableStems = new Set<string>();
  for (const [name, table] of tables) {
    const path = `${RESULT_LAYOUT.factorTables}/${fileStem(name, tableStems)}${plugins.metaIO.extension}`;
    const holder = parted.find((t) => path === t.directory || path.startsWith(`${t.directory}/`));
    if (holder !== undefined)
      throw new DataError(
        `factor table '${name}'`,
        `would be written to ${path}, inside the directory of the parts of '${holder.name}'; put the parts in a directory named after their table`,
      );
    await store.set(path, await plugins.metaIO.write(table, { axis: name }), { signal });
    factorFiles[name] = path;
    progress(path);
  }
  const tensorFiles: Record<string, ComponentTensorFiles> = {};
  const tensorStems = new Set<string>();
  for (const [name, tensor] of tensors) {
    const base = `${RESULT_LAYOUT.components}/${fileStem(name, tensorStems)}`;
    tensorFiles[name] = await writeTensor(store, base, name, tensor, plugins, signal);
    progress(base);
  }
  const diagnostics = `${JSON.stringify(result.diagnostics, null, 2)}\n`;
  await store.set(RESULT_LAYOUT.diagnostics, encoder.encode(diagnostics), { signal });
  progress(RESULT_LAYOUT.diagnostics);
  if (parted.length === 0)
    return {
      diagnostics: RESULT_LAYOUT.diagnostics,
      factor_tables: factorFiles,
      component_tensors: tensorFiles,
    };
  return {
    diagnostics: RESULT_LAYOUT.diagnostics,
    factor_tables: {
      ...factorFiles,
      ...Object.fromEntries(parted.map((t) => [t.name, t.directory])),
    },
    factor_table_parts: Object.fromEntries(parted.map((t) => [t.name, t.parts])),
    component_tensors: tensorFiles,
  };
}

/** Options of {@link writeResultBundle}. */
export interface WriteResultBundleOptions extends ResultBundleOptions {
  /** The result this one replaces (its manifest), recorded as `previous` with `version` + 1. */
  replaces?: ResultManifest;
}

/**
 * Writes `result` as a result bundle into `store`, which must not hold one yet:
 * `factor_tables/<name>.parquet` for every factor table, `components/<name>.zarr` for every
 * component tensor (Zarr v3 with `dimension_names`; its axis metadata and indexes as tables
 * beside it), `diagnostics.json`, and `manifest.json` last, with the inventory of every file
 * (length and SHA-256), so a store without a manifest holds no result and a reader can check
 * each file it reads. For an atomic write to a directory, use `writeResult` from `@tt/result/fs`.
 *
 * A table in `result.writtenTables` (written in parts by the workers of a split fit) must have
 * been written into `store` itself (its `location` is `store.location`, else a ConfigError): its
 * parts are not rewritten but read back one at a time for the inventory (a missing part is a
 * NotFoundError naming it), and the manifest, schema "0.3.0", lists the parts' directory in
 * `files.factor_tables` and the parts in row order in `files.factor_table_parts`.
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * const manifest = await writeResultBundle(store, result);
 * const again = await openResultBundle(store);
 * ```
 */
export async function writeResultBundle(
  store: WritableKeyValueStore,
  result: DecompositionResult,
  options: WriteResultBundleOptions = {},
): Promise<ResultManifest> {
  const { signal } = options;
  signal?.throwIfAborted();
  if ((await store.get(RESULT_LAYOUT.manifest, { signal })) !== undefined) {
    throw new AlreadyExistsError(
      `${store.location}/${RESULT_LAYOUT.manifest}`,
      `${store.location} already holds a bundle; write a result into an empty store`,
    );
  }
  const head = manifestHead(result);
  const parted = partedTables(store, result);
  const recording = recordingStore(store);
  const files = await writeFiles(recording.store, result, parted, options);
  const parts = await recordParts(store, parted, signal);
  const replaces = options.replaces;
  const manifest = validateResultManifest({
    ...head,
    ...(parted.length === 0 ? {} : { schema_version: RESULT_PARTS_SCHEMA_VERSION }),
    version: (replaces?.version ?? 0) + 1,
    previous: replaces === undefined ? null : await hashManifest(replaces as unknown as Manifest),
    inventory: { ...recording.inventory(), ...parts },
    files,
  });
  await store.set(
    RESULT_LAYOUT.manifest,
    encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`),
    { signal },
  );
  options.onProgress?.({ phase: "write", fraction: 1, message: RESULT_LAYOUT.manifest });
  return manifest;
}
