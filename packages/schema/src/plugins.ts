/** Plugin interfaces for storage: array store backends and metadata table IO. */

import type { DType, TypedArrayOf } from "./dtype.js";
import type { JsonObject } from "./json.js";
import type { KeyValueStore, WritableKeyValueStore } from "./key-value-store.js";
import type { MetaTable } from "./meta-table.js";
import type { AxisSelection } from "./selection.js";

/** How an array is laid out in its store. */
export interface ArrayMetadata {
  /** Length of each axis. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Axis names (Zarr `dimension_names`). */
  readonly dimensionNames: readonly string[];
  /** Chunk length along each axis. */
  readonly chunkShape: readonly number[];
  /** Name of the compression codec, `"none"` if uncompressed. */
  readonly codec: string;
  /** Value of elements whose chunk was never written, or `null` if unwritten chunks are an error. */
  readonly fillValue: number | bigint | null;
}

/** Options of creating an array. */
export interface ArrayCreateOptions {
  shape: readonly number[];
  dtype: DType;
  dimensionNames: readonly string[];
  /** Chunk shape; the backend picks one along the first axis when omitted. */
  chunkShape?: readonly number[];
  /** Codec name; the backend's default when omitted. */
  codec?: string;
  /** Fill value; `null` makes reading an unwritten chunk an error. */
  fillValue?: number | bigint | null;
  /** Replace an array already at the path. */
  overwrite?: boolean;
}

/** Options of a read or write. */
export interface IOOptions {
  /** Stops the work; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** How many chunks to fetch or decode at once. */
  concurrency?: number;
}

/** An array in a store, open for reading. */
export interface StoredArray<D extends DType = DType> {
  /** Layout and type. */
  readonly metadata: ArrayMetadata;
  /**
   * Reads the elements picked by `selection` (one entry per axis, `null` = all) and returns
   * them in C order of the selected shape. Each needed chunk is read and decoded once.
   */
  read(selection: readonly AxisSelection[], options?: IOOptions): Promise<TypedArrayOf<D>>;
  /**
   * Optional: reads the elements picked by `selection` into `target` (of the array's dtype), C
   * order over the selected shape, from element `offset` on; nothing else of `target` changes.
   * A store that can read its stored bytes straight into the caller's memory (uncompressed slabs,
   * for example) offers it, so that large reads land where they are used (a kernel's memory)
   * without an intermediate copy. Readers detect it and fall back to `read` without it.
   */
  readInto?(
    selection: readonly AxisSelection[],
    target: TypedArrayOf<D>,
    offset: number,
    options?: IOOptions,
  ): Promise<void>;
}

/** An array open for writing: blocks are slabs along the first axis spanning the other axes. */
export interface WritableArray<D extends DType = DType> extends StoredArray<D> {
  /** Writes `block` (C order, a whole number of slabs) starting at position `start` of axis 0. */
  writeBlock(start: number, block: TypedArrayOf<D>, options?: IOOptions): Promise<void>;
  /** Grows axis 0 by the slabs in `block` and writes them at the end. */
  append(block: TypedArrayOf<D>, options?: IOOptions): Promise<void>;
}

/**
 * The ids or coordinates of one axis as stored beside the arrays: strings, 32- or 64-bit integers,
 * or float64 (sample times, offsets).
 */
export type CoordinateValues = readonly string[] | Int32Array | BigInt64Array | Float64Array;

/** A storage backend for arrays (Zarr, in-memory, ...), identified by `id`. */
export interface ArrayStoreBackend {
  /** Unique id, e.g. `"zarr"`. */
  readonly id: string;
  /** Version of the plugin. */
  readonly version: string;
  /** Creates an array at `path` in `store`. */
  create(
    store: WritableKeyValueStore,
    path: string,
    options: ArrayCreateOptions,
  ): Promise<WritableArray>;
  /**
   * Optional: the chunk shape `create` picks for an array of `shape` and `dtype` when none is
   * given, so that writers can plan blocks along the first axis that fill whole chunks.
   */
  defaultChunkShape?(shape: readonly number[], dtype: DType): number[];
  /** Opens an existing array for reading; a missing array is a not-found error. */
  open(store: KeyValueStore, path: string, options?: IOOptions): Promise<StoredArray>;
  /**
   * Optional: this backend set up by `options`, the JSON a bundle records for it in its manifest
   * (`plugins.array_store_options`). A bundle whose array the backend reads with settings of its
   * own (which dataset of a file, in which axis order) is opened with `configure(options)`; an
   * option the backend does not know is a ConfigError.
   */
  configure?(options: JsonObject): ArrayStoreBackend;
  /** Opens an existing array for writing and appending. */
  openWritable(
    store: WritableKeyValueStore,
    path: string,
    options?: IOOptions,
  ): Promise<WritableArray>;
  /**
   * Optional: creates at `to` a writable copy of the first `length` slabs (along the first axis)
   * of the array at `from`, sharing its stored chunks through the store's `link` where it can and
   * rewriting only a chunk that is cut. New versions of a bundle use it to grow or change an
   * array without copying what stays the same.
   */
  copy?(
    store: WritableKeyValueStore,
    from: string,
    to: string,
    options: IOOptions & { length: number },
  ): Promise<WritableArray>;
  /**
   * Optional: writes the coordinates (ids) of `axis` as a one-dimensional array at `path`,
   * replacing one already there. Bundles written with a backend that has it can be read by
   * tools that know the array format alone (no metadata reader), keyed by their ids.
   */
  writeCoordinates?(
    store: WritableKeyValueStore,
    path: string,
    axis: string,
    values: CoordinateValues,
    options?: IOOptions,
  ): Promise<void>;
  /** Optional, with `writeCoordinates`: reads coordinates back; a missing array is not-found. */
  readCoordinates?(
    store: KeyValueStore,
    path: string,
    options?: IOOptions,
  ): Promise<CoordinateValues>;
}

/** Options of reading a metadata table. */
export interface MetaReadOptions {
  /** Only these columns, in this order. */
  columns?: readonly string[];
  /** First row to read. */
  rowStart?: number;
  /** Row after the last to read. */
  rowEnd?: number;
  /** Stops the read. */
  signal?: AbortSignal;
}

/** Options of writing a metadata table. */
export interface MetaWriteOptions {
  /** The axis the table describes, recorded in the file. */
  axis?: string;
  /** Extra key-value metadata recorded in the file. */
  keyValueMetadata?: Readonly<Record<string, string>>;
}

/** Reads and writes {@link MetaTable}s in one file format (Parquet, ...). */
export interface MetaIO {
  /** Unique id, e.g. `"parquet"`. */
  readonly id: string;
  /** Version of the plugin. */
  readonly version: string;
  /** The file name extension, e.g. `".parquet"`. */
  readonly extension: string;
  /** Reads the table at `key`; a missing key is a not-found error. */
  read(store: KeyValueStore, key: string, options?: MetaReadOptions): Promise<MetaTable>;
  /** Encodes `table` as file bytes. */
  write(table: MetaTable, options?: MetaWriteOptions): Promise<Uint8Array>;
}
