/**
 * Bundles whose data array is a file the bundle reads in place and never writes: a user's HDF5
 * file, linked into the bundle, read by an array store set up by settings the manifest records.
 * The version lists the file in its inventory with its length, SHA-256 and modification time (so
 * readers notice a change), and writes only the metadata tables and the manifest.
 */

import {
  type ArrayStoreBackend,
  type AxisIndex,
  ConfigError,
  DATASET_KIND,
  DataError,
  type DType,
  type IOOptions,
  isPlainObject,
  type JsonObject,
  type Manifest,
  MetaTable,
  SCHEMA_VERSION,
  type StoredArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import type { FileRecord, VersionedWrite } from "@tt/storage";
import { type BundlePlugins, resolvePlugins } from "./plugins.js";
import { writeNewVersion } from "./version.js";
import { axisTables, checkStream, writeTables } from "./write-bundle.js";

/**
 * The file a linked bundle reads its array from, and how.
 *
 * @example
 * ```ts
 * const linked: LinkedArray = {
 *   file: "arrays/recordings.h5",
 *   record: await recordInPlace("./eeg/arrays/recordings.h5"),
 *   arrayStore: hdf5Store,
 *   settings: { dataset: "/eeg/epochs", dimension_names: ["epoch", "time", "channel"] },
 * };
 * ```
 */
export interface LinkedArray {
  /** The key of the file in the store (the caller put it there; it is never written or removed). */
  readonly file: string;
  /** What the version records of the file: length, SHA-256 and modification time (`mtime_ms`). */
  readonly record: FileRecord;
  /** The array store that reads it; its id is recorded as `plugins.array_store`. */
  readonly arrayStore: ArrayStoreBackend;
  /**
   * The store's settings, recorded as `plugins.array_store_options` and handed to its `configure`
   * (which dataset of the file, axis order, dimension names: the array's axis names become the
   * bundle's axes).
   */
  readonly settings?: JsonObject;
}

/**
 * Options of {@link writeLinkedBundle}.
 *
 * @example
 * ```ts
 * const options: LinkBundleOptions = { axisMeta: { epoch: epochs }, axisIndexColumns: { epoch: "epoch_id" } };
 * ```
 */
export interface LinkBundleOptions extends Omit<BundlePlugins, "arrayStore">, IOOptions {
  /** Metadata tables by axis (rows in the order of the axis), written as the metadata IO's files. */
  axisMeta?: Readonly<Record<string, MetaTable>>;
  /** Ids by axis, added to the axis's table as its id column (the first axis needs ids). */
  axisIndex?: Readonly<Record<string, AxisIndex>>;
  /** The id column of each axis; `<axis>_id` by default. */
  axisIndexColumns?: Readonly<Record<string, string>>;
  /** The tensor's name in the manifest; `"data"` by default. */
  tensorName?: string;
  /** Global attributes. */
  attrs?: JsonObject;
  /** Replace the bundle the store holds (as its next version). */
  overwrite?: boolean;
}

/** The array store of `linked`, set up by its settings. */
function readerOf(linked: LinkedArray): ArrayStoreBackend {
  if (linked.settings === undefined) return linked.arrayStore;
  if (linked.arrayStore.configure === undefined)
    throw new ConfigError(
      "settings",
      `the '${linked.arrayStore.id}' array store takes no settings (it has no configure)`,
    );
  return linked.arrayStore.configure(linked.settings);
}

/** The metadata tables of the linked array's axes, checked against its shape, with id columns. */
function linkedTables(array: StoredArray, options: LinkBundleOptions, extension: string) {
  const { shape, dtype, dimensionNames: axes } = array.metadata;
  const first = axes[0]!;
  const { [first]: firstIds, ...otherIds } = options.axisIndex ?? {};
  const input = {
    axes,
    dtype: dtype as DType,
    shape,
    axisMeta: options.axisMeta,
    axisIndex: otherIds,
    attrs: options.attrs,
    blocks: [],
  };
  checkStream(input);
  if (firstIds !== undefined && firstIds.length !== shape[0])
    throw new DataError(
      `axis '${first}'`,
      `has ${shape[0]} elements in the array, but ${firstIds.length} ids were given`,
    );
  const firstMeta = options.axisMeta?.[first] ?? MetaTable.empty(shape[0]!);
  return axisTables(
    input,
    { firstMeta, firstIds: firstIds === undefined ? undefined : Array.from(firstIds) },
    options,
    extension,
  );
}

/** Writes the tables of the version and returns its manifest (not yet committed). */
async function linkedVersion(
  write: VersionedWrite,
  linked: LinkedArray,
  options: LinkBundleOptions,
): Promise<Manifest> {
  const { metaIO } = resolvePlugins({ metaIO: options.metaIO });
  write.adopt(linked.file, linked.record);
  const array = await readerOf(linked).open(write.store, linked.file, { signal: options.signal });
  // Only the array's layout is needed here; readers open it again.
  (array as { close?: () => void }).close?.();
  const { tables, indexColumns } = linkedTables(array, options, metaIO.extension);
  const metaFiles = await writeTables(write, tables, metaIO, (axis) => `meta/${axis}`, {
    signal: options.signal,
    axis: true,
  });
  const attrs = options.attrs ?? {};
  if (!isPlainObject(attrs)) throw new DataError("attrs", "must be a JSON object");
  const { shape, dtype, dimensionNames } = array.metadata;
  return {
    schema_version: SCHEMA_VERSION,
    kind: DATASET_KIND,
    ...(await write.versionFields({ kind: "link", file: linked.file })),
    tensor_name: options.tensorName ?? "data",
    shape: [...shape],
    dtype,
    axes: [...dimensionNames],
    axis_index_columns: indexColumns,
    meta_files: metaFiles,
    array_store: linked.file,
    plugins: {
      array_store: linked.arrayStore.id,
      meta_io: metaIO.id,
      ...(linked.settings ? { array_store_options: linked.settings } : {}),
    },
    attrs,
  };
}

/**
 * Writes into `store` a bundle whose data array is `linked.file`, a file already in the store
 * that the bundle reads in place and never writes, copies or removes (cleanup leaves it alone:
 * its name is none the write protocol gives). The array store opens it with `linked.settings`;
 * its shape, dtype and axis names become the manifest's, and the metadata tables are checked
 * against them and written as the metadata IO's files. The inventory lists the file with the
 * length, SHA-256 and modification time of `linked.record`: readers refuse it once its length
 * or time changed, and verification compares its bytes.
 *
 * @example
 * ```ts
 * await writeLinkedBundle(store, {
 *   file: "arrays/recordings.h5",
 *   record,
 *   arrayStore: hdf5Store,
 *   settings: { dataset: "/eeg/epochs", dimension_names: ["epoch", "time", "channel"] },
 * }, { axisMeta: { epoch: epochs }, axisIndexColumns: { epoch: "epoch_id" } });
 * ```
 */
export async function writeLinkedBundle(
  store: WritableKeyValueStore,
  linked: LinkedArray,
  options: LinkBundleOptions = {},
): Promise<Manifest> {
  return writeNewVersion(store, options, (write) => linkedVersion(write, linked, options));
}
