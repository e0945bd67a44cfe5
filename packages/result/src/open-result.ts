/** Opens a result bundle from any key-value store and checks every file against its manifest. */

import { resolvePlugins } from "@tt/bundle";
import {
  type ArrayStoreBackend,
  type AxisAnnotatedTensor,
  type AxisIndex,
  createTensor,
  DataError,
  type DecompositionResult,
  type Field,
  isPlainObject,
  isTensorToolsError,
  type JsonObject,
  type KeyValueStore,
  type MetaIO,
  MetaTable,
  NotFoundError,
  type StoredArray,
} from "@tt/schema";
import { checkedStore, checkSizes } from "@tt/storage";
import { indexFromTable } from "./axis-index.js";
import { instanceTableOf, normalizeLegacyTables } from "./instance-table.js";
import { RESULT_LAYOUT, type ResultBundleOptions } from "./layout.js";
import {
  type ComponentTensorFiles,
  parseResultManifest,
  type ResultManifest,
} from "./result-manifest.js";

/** Runs `read`; a not-found error becomes one that names the file the manifest promised. */
async function named<T>(path: string, location: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isTensorToolsError(error, "not-found")) throw error;
    throw new NotFoundError(
      path,
      `the result manifest names '${path}' but there is no such file in ${location}`,
      { cause: error },
    );
  }
}

async function readArray(
  store: KeyValueStore,
  arrayStore: ArrayStoreBackend,
  path: string,
  axes: readonly string[] | undefined,
  signal: AbortSignal | undefined,
) {
  const array: StoredArray = await named(path, store.location, () =>
    arrayStore.open(store, path, { signal }),
  );
  const names = array.metadata.dimensionNames;
  if (
    axes !== undefined &&
    (names.length !== axes.length || names.some((name, i) => name !== axes[i]))
  ) {
    throw new DataError(
      path,
      `has dimension names [${names.join(", ")}], expected [${axes.join(", ")}]`,
    );
  }
  return {
    array,
    data: await array.read(
      array.metadata.shape.map(() => null),
      { signal },
    ),
  };
}

async function readTensor(
  store: KeyValueStore,
  files: ComponentTensorFiles,
  plugins: { arrayStore: ArrayStoreBackend; metaIO: MetaIO },
  signal: AbortSignal | undefined,
): Promise<AxisAnnotatedTensor> {
  const { array, data } = await readArray(
    store,
    plugins.arrayStore,
    files.array,
    undefined,
    signal,
  );
  const axes = array.metadata.dimensionNames;
  const shape = array.metadata.shape;
  const mask =
    files.mask === undefined
      ? undefined
      : ((await readArray(store, plugins.arrayStore, files.mask, axes, signal)).data as Uint8Array);
  const length = (axis: string, field: string) => {
    const position = axes.indexOf(axis);
    if (position < 0)
      throw new DataError(
        field,
        `names axis '${axis}', but the array's axes are ${axes.join(", ")}`,
      );
    return shape[position]!;
  };
  const axisMeta: Record<string, MetaTable> = {};
  for (const [axis, path] of Object.entries(files.axis_meta)) {
    const rows = length(axis, `${files.array} axis_meta.${axis}`);
    axisMeta[axis] =
      path === null
        ? MetaTable.empty(rows)
        : await named(path, store.location, () => plugins.metaIO.read(store, path, { signal }));
  }
  const axisIndex: Record<string, AxisIndex> = {};
  for (const [axis, { path, form }] of Object.entries(files.axis_index)) {
    length(axis, `${files.array} axis_index.${axis}`);
    const table = await named(path, store.location, () =>
      plugins.metaIO.read(store, path, { signal }),
    );
    axisIndex[axis] = indexFromTable(table, form, path);
  }
  return createTensor({
    data,
    shape,
    axes,
    axisMeta,
    axisIndex,
    mask,
    attrs: files.attrs,
  });
}

/**
 * The table whose parts are at `parts`, read one after another and joined into one: every part
 * must have the columns of the first, with the same types, in the same order (else a DataError
 * naming the part and the column).
 */
async function readParts(
  store: KeyValueStore,
  metaIO: MetaIO,
  parts: readonly string[],
  signal: AbortSignal | undefined,
): Promise<MetaTable> {
  const tables: MetaTable[] = [];
  for (const part of parts) {
    const table = await named(part, store.location, () => metaIO.read(store, part, { signal }));
    const first = tables[0];
    if (first !== undefined) checkSameColumns(first.schema, table.schema, part, parts[0]!);
    tables.push(table);
  }
  return MetaTable.concat(tables);
}

/** That a part has the columns of the first part, with their types, in their order. */
function checkSameColumns(
  expected: readonly Field[],
  actual: readonly Field[],
  part: string,
  first: string,
): void {
  const count = Math.max(expected.length, actual.length);
  for (let i = 0; i < count; i++) {
    const want = expected[i];
    const got = actual[i];
    if (want?.name === got?.name && want?.type === got?.type) continue;
    const column = got?.name ?? want!.name;
    throw new DataError(
      `${part} column '${column}'`,
      got === undefined
        ? `is missing: column ${i + 1} of the first part ${first} is '${want!.name}' (${want!.type}); every part of a table has the same columns`
        : `is column ${i + 1} with type ${got.type}, but column ${i + 1} of the first part ${first} is ${want === undefined ? "absent" : `'${want.name}' (${want.type})`}; every part of a table has the same columns, types and order`,
    );
  }
}

/**
 * The factor tables and `instance` of a result: as recorded, the instance table checked; a result
 * written before the contract has its first table renamed `instance`, keyed by `instance_id`.
 */
function instanceOf(manifest: ResultManifest, tables: Record<string, MetaTable>) {
  if (manifest.instance === undefined) {
    const legacy = normalizeLegacyTables(tables);
    return { factorTables: legacy.tables, instance: legacy.instance };
  }
  instanceTableOf({ factorTables: tables });
  const { axis, id_column } = manifest.instance;
  return { factorTables: tables, instance: { axis, idColumn: id_column } };
}

/** The result's attrs: the manifest's, with the lifted fields put back. */
function attrsOf(manifest: ResultManifest): JsonObject {
  return {
    ...manifest.attrs,
    library_version: manifest.library_version,
    created_at: manifest.created_at,
    ...(manifest.seed === null ? {} : { seed: manifest.seed }),
  };
}

/**
 * Opens the result bundle in `store`: validates the manifest (an InvalidManifestError names the
 * field), then reads every factor table, component tensor (with its axis metadata and indexes)
 * and the diagnostics. A file the manifest names but the store lacks is a NotFoundError naming it.
 * A table written in parts (`files.factor_table_parts`, schema 0.3.0) is read part by part and
 * joined into one table, so the result is like any other; parts whose columns differ in names,
 * types or order are a DataError naming the part and the column.
 * The instance table is `factorTables.instance`, keyed by `instance_id`, and `result.instance`
 * names the input axis and id column behind it; results written before that contract (whose
 * first table was named after the axis and keyed by the dataset's id column) are given the same
 * shape in memory.
 *
 * @example
 * ```ts
 * const result = await openResultBundle(createHttpStore("https://example.org/results/pca/"));
 * result.factorTables.instance.column("score_1");
 * ```
 */
export async function openResultBundle(
  store: KeyValueStore,
  options: ResultBundleOptions = {},
): Promise<DecompositionResult> {
  const plugins = resolvePlugins(options);
  const { signal } = options;
  const bytes = await store.get(RESULT_LAYOUT.manifest, { signal });
  if (bytes === undefined) {
    throw new NotFoundError(
      RESULT_LAYOUT.manifest,
      `no ${RESULT_LAYOUT.manifest} in ${store.location}; is this a tensortools result bundle?`,
    );
  }
  const manifest = parseResultManifest(bytes, `${store.location}/${RESULT_LAYOUT.manifest}`);
  const { files } = manifest;
  // Only the files the manifest lists, checked against its inventory (schema 0.2.0 on).
  if (manifest.inventory !== undefined) {
    // The small files are checked whole now; component arrays chunk by chunk as they are read.
    const arrays = Object.values(files.component_tensors).flatMap((t) => [
      t.array,
      ...(t.mask ? [t.mask] : []),
    ]);
    const small = Object.keys(manifest.inventory).filter(
      (key) => !arrays.some((a) => key.startsWith(`${a}/`)),
    );
    await checkSizes(store, manifest.inventory, small, signal);
    store = checkedStore(store, manifest.inventory);
  }
  const total =
    Object.keys(files.factor_tables).length + Object.keys(files.component_tensors).length + 1;
  let done = 0;
  const progress = (message: string) =>
    options.onProgress?.({ phase: "read", fraction: ++done / total, message });

  const tables: Record<string, MetaTable> = {};
  for (const [name, path] of Object.entries(files.factor_tables)) {
    const parts = files.factor_table_parts?.[name];
    tables[name] =
      parts === undefined
        ? await named(path, store.location, () => plugins.metaIO.read(store, path, { signal }))
        : await readParts(store, plugins.metaIO, parts, signal);
    progress(path);
  }
  const { factorTables, instance } = instanceOf(manifest, tables);
  const componentTensors: Record<string, AxisAnnotatedTensor> = {};
  for (const [name, entry] of Object.entries(files.component_tensors)) {
    componentTensors[name] = await readTensor(store, entry, plugins, signal);
    progress(entry.array);
  }
  const text = await store.get(files.diagnostics, { signal });
  if (text === undefined) {
    throw new NotFoundError(
      files.diagnostics,
      `the result manifest names '${files.diagnostics}' but there is no such file in ${store.location}`,
    );
  }
  let diagnostics: unknown;
  try {
    diagnostics = JSON.parse(new TextDecoder().decode(text));
  } catch (error) {
    throw new DataError(files.diagnostics, `is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (!isPlainObject(diagnostics))
    throw new DataError(files.diagnostics, "must hold a JSON object");
  progress(files.diagnostics);
  return {
    method: manifest.method,
    methodVersion: manifest.method_version,
    config: manifest.config,
    inputRef: manifest.input_ref,
    attrs: attrsOf(manifest),
    factorTables,
    componentTensors,
    diagnostics: diagnostics as JsonObject,
    instance,
  };
}
