/**
 * Random access to a bundle's instances by id: opens with the manifest, the arrays' metadata and
 * the header and directory of the on-disk id index (never every id), then reads the rows of the
 * ids asked for, grouped by chunk, in the order asked.
 */

import {
  type ArrayStoreBackend,
  type AxisSelection,
  DEFAULT_FIELD,
  type KeyValueStore,
  type Manifest,
  NotFoundError,
  type StoredArray,
  type TypedArray,
} from "@tt/schema";
import { type InstanceId, openIdIndex, type RowLookup } from "./id-index.js";
import { manifestIdIndex } from "./id-index-write.js";
import { buildIdIndex, lookupId } from "./ids.js";
import { type BundlePlugins, resolvePlugins } from "./plugins.js";
import { requireBase, versionStore } from "./version.js";

export type { InstanceId } from "./id-index.js";

/** Options of {@link openInstances}. */
export interface OpenInstancesOptions extends BundlePlugins {
  /** Stops the open. */
  signal?: AbortSignal;
}

/** Options of {@link InstanceReader.getMany}. */
export interface GetManyOptions {
  /** The fields to read; `["data"]` (the default field) unless given. */
  fields?: readonly string[];
  /** `"error"` (default): an id that is not there is a NotFoundError; `"skip"`: it is left out. */
  missing?: "error" | "skip";
  /** Stops the reads. */
  signal?: AbortSignal;
}

/** The values of one field for some instances: C order over `shape`. */
export interface FieldRows {
  data: TypedArray;
  shape: number[];
}

/** What {@link InstanceReader.getMany} returns: the ids found, their rows, and each field's values. */
export interface InstanceRows {
  /** The ids, in the order asked (without the missing ones when skipped). */
  ids: InstanceId[];
  /** The row (position on the first axis) of each id. */
  rows: number[];
  /** Each field's values, the first dimension following `ids`. */
  fields: Record<string, FieldRows>;
}

/** Reads instances of a bundle by id. */
export interface InstanceReader {
  /** The manifest of the version opened. */
  readonly manifest: Manifest;
  /** Whether lookups use the bundle's on-disk id index (false: built in memory at open). */
  readonly indexed: boolean;
  /** The row of each id, or undefined where there is none; in the order given. */
  rowsOf(
    ids: readonly InstanceId[],
    options?: { signal?: AbortSignal },
  ): Promise<(number | undefined)[]>;
  /** One instance: its row and the values of the fields asked for (`data` by default). */
  getInstance(
    id: InstanceId,
    options?: Omit<GetManyOptions, "missing">,
  ): Promise<{ id: InstanceId; row: number; fields: Record<string, FieldRows> }>;
  /** Many instances in the order asked (repeats too), read grouped by chunk. */
  getMany(ids: readonly InstanceId[], options?: GetManyOptions): Promise<InstanceRows>;
  /** Closes the files the reader keeps open (those of a store it opened itself). */
  close(): Promise<void>;
}

/** The array path of `field`: `data` is the manifest's own array, others are in `fields`. */
function fieldPath(manifest: Manifest, field: string): string {
  if (field === DEFAULT_FIELD) return manifest.array_store;
  const path = manifest.fields?.[field]?.array_store;
  if (path !== undefined) return path;
  const available = [DEFAULT_FIELD, ...Object.keys(manifest.fields ?? {})];
  throw new NotFoundError(
    `field '${field}'`,
    `the bundle has no field '${field}'; it has ${available.join(", ")}`,
    { available },
  );
}

/** The lookup of the first axis: the on-disk index, or for bundles without one, built in memory. */
async function rowLookup(
  files: KeyValueStore,
  manifest: Manifest,
  plugins: ReturnType<typeof resolvePlugins>,
  signal: AbortSignal | undefined,
): Promise<{ lookup: RowLookup; indexed: boolean }> {
  const first = manifest.axes[0]!;
  const path = manifestIdIndex(manifest)?.[first];
  if (path !== undefined) return { lookup: await openIdIndex(files, path, signal), indexed: true };
  const column = manifest.axis_index_columns[first]!;
  const metaPath = manifest.meta_files[first]!;
  const table = await plugins.metaIO.read(files, metaPath, { signal });
  const index = buildIdIndex(table.column(column), `${metaPath} column '${column}'`);
  const lookup: RowLookup = {
    count: index.size,
    rowsOf: async (ids) => ids.map((id) => lookupId(index, id)),
  };
  return { lookup, indexed: false };
}

/** Each field's array, opened once on first use. */
function fieldArrays(files: KeyValueStore, manifest: Manifest, arrayStore: ArrayStoreBackend) {
  const arrays = new Map<string, Promise<StoredArray>>();
  // Arrays once open, so that a lookup does not wait on a settled promise.
  const opened = new Map<string, StoredArray>();
  return (field: string): StoredArray | Promise<StoredArray> => {
    const open = opened.get(field);
    if (open !== undefined) return open;
    let array = arrays.get(field);
    if (array === undefined) {
      array = arrayStore.open(files, fieldPath(manifest, field));
      array.then(
        (resolved) => opened.set(field, resolved),
        () => arrays.delete(field),
      );
      arrays.set(field, array);
    }
    return array;
  };
}

function missingError(ids: readonly InstanceId[], location: string, manifest: Manifest) {
  const first = manifest.axes[0]!;
  const shown = ids.slice(0, 5).map((id) => JSON.stringify(String(id)));
  return new NotFoundError(
    `id ${shown[0]}`,
    `${ids.length} id(s) not in ${location} (axis '${first}', column '${manifest.axis_index_columns[first]}'): ${shown.join(", ")}${ids.length > 5 ? ", ..." : ""}; pass missing: "skip" to leave them out`,
  );
}

/**
 * Opens the bundle in `store` for reads by id: reads the manifest, the header and directory of
 * its id index and, when first used, each field's array metadata; not the metadata tables, not
 * every id. A bundle written before id indexes existed is looked up through its id column,
 * read and indexed in memory at open (`indexed: false`).
 *
 * @example
 * ```ts
 * const reader = await openInstances(createHttpStore("http://localhost:8080/demo/"));
 * const { fields } = await reader.getMany(["rec01-e17", "rec02-e03"]);
 * fields.data.shape; // [2, ...the other axes]
 * ```
 */
export async function openInstances(
  store: KeyValueStore,
  options: OpenInstancesOptions = {},
): Promise<InstanceReader> {
  const { manifest } = await requireBase(store, options.signal);
  const plugins = resolvePlugins(options, manifest);
  const files = versionStore(store, manifest);
  const { lookup, indexed } = await rowLookup(files, manifest, plugins, options.signal);
  const arrayOf = fieldArrays(files, manifest, plugins.arrayStore);
  const getMany = async (ids: readonly InstanceId[], many: GetManyOptions = {}) => {
    const found = await lookup.rowsOf(ids, many.signal);
    const lost = ids.filter((_, i) => found[i] === undefined);
    if (lost.length > 0 && many.missing !== "skip")
      throw missingError(lost, store.location, manifest);
    const kept = ids.filter((_, i) => found[i] !== undefined);
    const rows = found.filter((row): row is number => row !== undefined);
    const fields: Record<string, FieldRows> = {};
    for (const field of many.fields ?? [DEFAULT_FIELD]) {
      const open = arrayOf(field);
      const array = open instanceof Promise ? await open : open;
      const rest = array.metadata.shape.slice(1);
      const selection: AxisSelection[] = [Int32Array.from(rows), ...rest.map(() => null)];
      const data = await array.read(selection, { signal: many.signal });
      fields[field] = { data, shape: [rows.length, ...rest] };
    }
    return { ids: kept, rows, fields };
  };
  return {
    manifest,
    indexed,
    close: async () => {},
    rowsOf: (ids, rowOptions) => lookup.rowsOf(ids, rowOptions?.signal),
    getMany,
    async getInstance(id, one = {}) {
      const { rows, fields } = await getMany([id], one);
      const single = Object.fromEntries(
        Object.entries(fields).map(([name, f]) => [
          name,
          { data: f.data, shape: f.shape.slice(1) },
        ]),
      );
      return { id, row: rows[0]!, fields: single };
    },
  };
}
