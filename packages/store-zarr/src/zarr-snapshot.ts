/**
 * One snapshot of a Zarr array: its metadata as `zarr.json` stands now, reads (by byte ranges of
 * raw slabs where the layout allows, else chunk by chunk through zarrita) and block writes.
 */

import {
  ArgumentError,
  type ArrayMetadata,
  type AxisSelection,
  cOrderStrides,
  DataError,
  DTYPES,
  type DType,
  InvalidSelectionError,
  type IOOptions,
  isDType,
  isTensorToolsError,
  type KeyValueStore,
  matchesDType,
  NotFoundError,
  resolveSelection,
  selectionShape,
  sizeOf,
  type TypedArray,
  UnsupportedError,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import * as zarr from "zarrita";
import { checkChunkLength, readChunked } from "./chunk-read.js";
import { codecName, installGzipEncoder } from "./codecs.js";
import {
  isSlabLayout,
  readSlabs,
  readSlabsInto,
  type SlabLayout,
  writeSlabs,
} from "./raw-slabs.js";
import { type ChunkPolicy, zarritaStore } from "./zarrita-adapter.js";

/** The parts of `zarr.json` this store reads; other keys are kept as they are. */
export interface ZarrJson {
  zarr_format?: number;
  shape: number[];
  chunk_key_encoding?: { name: string; configuration?: { separator?: string } };
  codecs?: { name: string; configuration?: Record<string, unknown> }[];
  fill_value?: unknown;
  [key: string]: unknown;
}

/** The parsed JSON at `key`, `undefined` when it is missing; text that is not JSON is a DataError. */
export async function readJson(
  store: KeyValueStore,
  key: string,
  options: IOOptions,
): Promise<ZarrJson | undefined> {
  const bytes = await store.get(key, { signal: options.signal });
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as ZarrJson;
  } catch (error) {
    throw new DataError(key, "is not valid JSON", { cause: error });
  }
}

/** The key of the chunk at `coords` of the array at `path`, in its chunk key encoding. */
export function chunkKey(path: string, meta: ZarrJson | undefined, coords: number[]): string {
  if (meta?.chunk_key_encoding?.name === "v2") {
    const separator = meta.chunk_key_encoding.configuration?.separator ?? ".";
    return `${path}/${coords.join(separator)}`;
  }
  const separator = meta?.chunk_key_encoding?.configuration?.separator ?? "/";
  return `${path}/c${separator}${coords.join(separator)}`;
}

/** A zarrita array read and written through a tensortools key-value store. */
type ZarritaArray = zarr.Array<zarr.DataType, ReturnType<typeof zarritaStore>>;

/** `zarr.json` of the array at `path`, `undefined` for Zarr v2; a dtype we do not read is refused. */
async function readArrayJson(
  store: KeyValueStore,
  path: string,
  options: IOOptions,
): Promise<ZarrJson | undefined> {
  const json = await readJson(store, `${path}/zarr.json`, options);
  const declared = json?.data_type;
  if (json !== undefined && !isDType(declared)) {
    throw new UnsupportedError(
      `dtype ${JSON.stringify(declared)}`,
      `Zarr array '${path}' has dtype ${JSON.stringify(declared)}, which tensortools does not read; supported: ${DTYPES.join(", ")}`,
    );
  }
  return json;
}

/** How a missing chunk is judged: absent is a fill value only if the array has one. */
function chunkPolicy(path: string, json: ZarrJson | undefined): ChunkPolicy | undefined {
  const shardedOrV2 = json === undefined || json.codecs?.some((c) => c.name === "sharding_indexed");
  if (shardedOrV2) return undefined;
  return {
    chunkPrefix: chunkKey(path, json, []).replace(/[./]?$/, ""),
    allowMissing: json.fill_value !== null && json.fill_value !== undefined,
  };
}

/**
 * `store` answering the first read of `path/zarr.json` with `json`, already read: zarrita's open
 * reads it again otherwise, a second request for every array opened over HTTP.
 */
function withArrayJson(store: KeyValueStore, path: string, json: ZarrJson): KeyValueStore {
  const key = `${path}/zarr.json`;
  let known: Uint8Array | undefined = new TextEncoder().encode(JSON.stringify(json));
  const writable = store as Partial<WritableKeyValueStore>;
  return {
    location: store.location,
    ...(writable.set && { set: writable.set.bind(store) }),
    get(wanted, options) {
      if (wanted !== key || known === undefined || options?.range !== undefined)
        return store.get(wanted, options);
      const bytes = known;
      known = undefined;
      return Promise.resolve(bytes);
    },
    size: (wanted, options) => store.size(wanted, options),
  };
}

/**
 * Opens the array at `path` with zarrita. A missing array is a NotFoundError; an error of the
 * store (an IoError, a DataError) passes unchanged; anything else zarrita rejects is a DataError.
 */
async function openZarrita(
  store: KeyValueStore,
  path: string,
  json: ZarrJson | undefined,
): Promise<ZarritaArray> {
  try {
    const source = json === undefined ? store : withArrayJson(store, path, json);
    const location = zarr.root(zarritaStore(source, chunkPolicy(path, json))).resolve(path);
    // With zarr.json in hand, open it as v3 directly: probing for v2 files first costs a
    // request per probe (404s in a browser's console over HTTP).
    return json === undefined
      ? await zarr.open(location, { kind: "array" })
      : await zarr.open.v3(location, { kind: "array" });
  } catch (error) {
    if (zarr.isZarritaError(error, "NotFoundError")) {
      throw new NotFoundError(path, `no Zarr array at '${path}' in ${store.location}`, {
        cause: error,
      });
    }
    if (isTensorToolsError(error)) throw error;
    throw new DataError(path, `cannot open the Zarr array: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The metadata of an opened array; a dtype we do not read or no axes at all is refused. */
function arrayMetadata(array: ZarritaArray, path: string, json: ZarrJson | undefined) {
  const dtype = array.dtype as string;
  if (!isDType(dtype)) {
    throw new UnsupportedError(
      `dtype ${dtype}`,
      `Zarr array '${path}' has dtype ${dtype}, which tensortools does not read; supported: ${DTYPES.join(", ")}`,
    );
  }
  if (array.shape.length === 0) {
    throw new UnsupportedError("zero-dimensional arrays", `Zarr array '${path}' has no axes`);
  }
  const metadata: ArrayMetadata = Object.freeze({
    shape: Object.freeze([...array.shape]),
    dtype,
    dimensionNames: Object.freeze(array.dimensionNames ?? array.shape.map((_, i) => `dim_${i}`)),
    chunkShape: Object.freeze([...array.chunks]),
    codec: json === undefined ? "zarr-v2" : codecName(json.codecs),
    fillValue: (array.fillValue as number | bigint | null) ?? null,
  });
  return metadata;
}

/** What the reads and writes of one snapshot of an array share. */
interface Snapshot {
  store: KeyValueStore;
  path: string;
  json: ZarrJson | undefined;
  array: ZarritaArray;
  metadata: ArrayMetadata;
  dtype: DType;
  /** The layout of raw slabs, when the array has one; reads and writes then skip zarrita. */
  slabLayout: SlabLayout | undefined;
}

/** The raw-slab layout of the array, if it is stored as raw little-endian slabs. */
function slabLayoutOf(
  path: string,
  json: ZarrJson | undefined,
  metadata: ArrayMetadata,
): SlabLayout | undefined {
  if (json === undefined || json.chunk_key_encoding?.name === "v2") return undefined;
  if (!isSlabLayout(json.codecs, metadata.shape, metadata.chunkShape, metadata.dtype))
    return undefined;
  return {
    path,
    shape: metadata.shape,
    chunkRows: metadata.chunkShape[0]!,
    dtype: metadata.dtype,
    axes: metadata.dimensionNames,
    fillValue: (json.fill_value as number | boolean | null | undefined) ?? null,
    chunkKey: (index: number) =>
      chunkKey(path, json, [index, ...metadata.shape.slice(1).map(() => 0)]),
  };
}

/**
 * The decoded chunk at `coords`, checked for length. A chunk that does not decode is a
 * DataError naming it; an error of the store and an abort pass unchanged.
 */
async function getChunk(snapshot: Snapshot, coords: number[], signal?: AbortSignal) {
  const key = chunkKey(snapshot.path, snapshot.json, coords);
  let chunk: { data: unknown; stride: number[] };
  try {
    chunk = await snapshot.array.getChunk(coords, { signal });
  } catch (error) {
    if (isTensorToolsError(error) || (error as Error)?.name === "AbortError" || signal?.aborted)
      throw error;
    throw new DataError(`chunk '${key}'`, `cannot be decoded: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const decoded = { data: normalizeChunkData(chunk.data, snapshot.dtype), stride: chunk.stride };
  checkChunkLength(key, decoded, snapshot.metadata.chunkShape);
  return decoded;
}

/** Reads `selection`: by byte ranges of raw slabs where it can, else chunk by chunk. */
function readSnapshot(
  snapshot: Snapshot,
  selection: readonly AxisSelection[],
  options?: IOOptions,
): Promise<TypedArray> {
  const { store, metadata, slabLayout } = snapshot;
  if (slabLayout) return readSlabs(store, slabLayout, selection, options);
  return readChunked(
    metadata.shape,
    metadata.chunkShape,
    snapshot.dtype,
    metadata.dimensionNames,
    selection,
    (coords, signal) => getChunk(snapshot, coords, signal),
    options,
  );
}

/** The number of whole slabs in `block`; a block of another dtype or of part of a slab is refused. */
function blockRows(snapshot: Snapshot, block: TypedArray): number {
  const { path, dtype } = snapshot;
  const slab = sizeOf(snapshot.metadata.shape.slice(1));
  if (!matchesDType(block, dtype)) {
    throw new DataError(path, `block is a ${block.constructor.name}, the array holds ${dtype}`);
  }
  if (slab === 0 ? block.length !== 0 : block.length % slab !== 0) {
    throw new DataError(
      path,
      `block of ${block.length} elements is not a whole number of slabs of ${slab}`,
    );
  }
  return slab === 0 ? 0 : block.length / slab;
}

/** Writes `block` (whole slabs) at slab `start`, which must fit the first axis. */
async function writeSnapshotBlock(
  snapshot: Snapshot,
  start: number,
  block: TypedArray,
  options: IOOptions = {},
): Promise<void> {
  options.signal?.throwIfAborted();
  const { metadata, slabLayout, dtype } = snapshot;
  const rows = blockRows(snapshot, block);
  if (!Number.isInteger(start) || start < 0 || start + rows > metadata.shape[0]!) {
    throw new InvalidSelectionError(
      metadata.dimensionNames[0]!,
      `block of ${rows} slabs at ${start} does not fit the axis length ${metadata.shape[0]}`,
    );
  }
  if (rows === 0) return;
  const store = snapshot.store as WritableKeyValueStore;
  if (slabLayout) return writeSlabs(store, slabLayout, start, block, options);
  const blockShape = [rows, ...metadata.shape.slice(1)];
  const data =
    dtype === "bool"
      ? new zarr.BoolArray(block.buffer as ArrayBuffer, block.byteOffset, block.length)
      : block;
  await zarr.set(
    snapshot.array as zarr.Array<zarr.DataType, zarr.Mutable>,
    [zarr.slice(start, start + rows), ...metadata.shape.slice(1).map(() => null)],
    { data, shape: blockShape, stride: cOrderStrides(blockShape) } as never,
  );
}

/**
 * Reads `selection` into `target` at `offset`: raw slabs straight from the store, anything else
 * decoded and copied in.
 */
async function readSnapshotInto(
  snapshot: Snapshot,
  selection: readonly AxisSelection[],
  target: TypedArray,
  offset: number,
  options?: IOOptions,
): Promise<void> {
  const { dtype, slabLayout, path } = snapshot;
  if (!matchesDType(target, dtype))
    throw new ArgumentError(
      "readInto",
      "target",
      `${path}: target is a ${target.constructor.name}, the array holds ${dtype}`,
    );
  const { shape, dimensionNames } = snapshot.metadata;
  const size = sizeOf(selectionShape(resolveSelection(shape, selection, dimensionNames)));
  if (!Number.isInteger(offset) || offset < 0 || offset + size > target.length)
    throw new ArgumentError(
      "readInto",
      "offset",
      `${path}: ${size} elements at ${offset} do not fit a target of ${target.length}`,
    );
  if (slabLayout)
    return readSlabsInto(snapshot.store, slabLayout, selection, target, offset, options);
  (target as Float32Array).set(
    (await readSnapshot(snapshot, selection, options)) as Float32Array,
    offset,
  );
}

/** The array at `path` as its metadata stands now: reads and block writes, no append. */
export async function openSnapshot(
  store: KeyValueStore,
  path: string,
  options: IOOptions = {},
): Promise<Omit<WritableArray, "append">> {
  const json = await readArrayJson(store, path, options);
  const array = await openZarrita(store, path, json);
  const metadata = arrayMetadata(array, path, json);
  if (json?.codecs?.some((c) => c.name === "gzip")) installGzipEncoder();
  const snapshot: Snapshot = {
    store,
    path,
    json,
    array,
    metadata,
    dtype: metadata.dtype,
    slabLayout: slabLayoutOf(path, json, metadata),
  };
  return {
    metadata,
    read: (selection, readOptions) => readSnapshot(snapshot, selection, readOptions),
    readInto: (selection, target, offset, readOptions) =>
      readSnapshotInto(snapshot, selection, target, offset, readOptions),
    writeBlock: (start, block, writeOptions) =>
      writeSnapshotBlock(snapshot, start, block, writeOptions),
  };
}

/** A decoded chunk as a typed array: zarrita decodes bool chunks to its own BoolArray. */
function normalizeChunkData(data: unknown, dtype: DType): TypedArray {
  if (dtype === "bool" && data instanceof zarr.BoolArray) {
    const bytes = data as unknown as { buffer: ArrayBuffer; byteOffset: number; length: number };
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  return data as TypedArray;
}
