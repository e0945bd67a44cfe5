/** The Zarr v3 array store backend, on zarrita. */

import {
  AlreadyExistsError,
  type ArrayCreateOptions,
  type ArrayMetadata,
  type ArrayStoreBackend,
  assertDType,
  bytesPerElement,
  cOrderStrides,
  DataError,
  DTYPES,
  type DType,
  InvalidSelectionError,
  type IOOptions,
  isDType,
  isLength,
  type KeyValueStore,
  matchesDType,
  NotFoundError,
  sizeOf,
  type TypedArray,
  UnsupportedError,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import * as zarr from "zarrita";
import { version } from "../package.json";
import { checkChunkLength, readChunked } from "./chunk-read.js";
import { codecName, codecPipeline, DEFAULT_CODEC, installGzipEncoder } from "./codecs.js";
import { readCoordinates, writeCoordinates } from "./coordinates.js";
import { isSlabLayout, readSlabs, writeSlabs } from "./raw-slabs.js";
import { zarritaStore } from "./zarrita-adapter.js";

const TARGET_CHUNK_BYTES = 4 * 1024 * 1024;

interface ZarrJson {
  zarr_format?: number;
  shape: number[];
  chunk_key_encoding?: { name: string; configuration?: { separator?: string } };
  codecs?: { name: string; configuration?: Record<string, unknown> }[];
  fill_value?: unknown;
  [key: string]: unknown;
}

/** The default chunk shape: whole slabs along the first axis, about 4 MiB a chunk. */
export function defaultChunkShape(shape: readonly number[], dtype: DType): number[] {
  const slabBytes = Math.max(1, sizeOf(shape.slice(1)) * bytesPerElement(dtype));
  const rows = Math.max(1, Math.min(shape[0] || 1, Math.round(TARGET_CHUNK_BYTES / slabBytes)));
  return [rows, ...shape.slice(1).map((n) => Math.max(1, n))];
}

async function readJson(
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

function chunkKey(path: string, meta: ZarrJson | undefined, coords: number[]): string {
  if (meta?.chunk_key_encoding?.name === "v2") {
    const separator = meta.chunk_key_encoding.configuration?.separator ?? ".";
    return `${path}/${coords.join(separator)}`;
  }
  const separator = meta?.chunk_key_encoding?.configuration?.separator ?? "/";
  return `${path}/c${separator}${coords.join(separator)}`;
}

/** The array at `path` as its metadata stands now: reads and block writes, no append. */
async function openSnapshot(
  store: KeyValueStore,
  path: string,
  options: IOOptions = {},
): Promise<Omit<WritableArray, "append">> {
  const json = await readJson(store, `${path}/zarr.json`, options);
  const declared = json?.data_type;
  if (json !== undefined && !isDType(declared)) {
    throw new UnsupportedError(
      `dtype ${JSON.stringify(declared)}`,
      `Zarr array '${path}' has dtype ${JSON.stringify(declared)}, which tensortools does not read; supported: ${DTYPES.join(", ")}`,
    );
  }
  const shardedOrV2 = json === undefined || json.codecs?.some((c) => c.name === "sharding_indexed");
  const policy =
    json === undefined
      ? undefined
      : {
          chunkPrefix: chunkKey(path, json, []).replace(/[./]?$/, ""),
          allowMissing: json.fill_value !== null && json.fill_value !== undefined,
        };
  let array: zarr.Array<zarr.DataType, ReturnType<typeof zarritaStore>>;
  try {
    const location = zarr.root(zarritaStore(store, shardedOrV2 ? undefined : policy)).resolve(path);
    // With zarr.json in hand, open it as v3 directly: probing for v2 files first costs a
    // request per probe (404s in a browser's console over HTTP).
    array =
      json === undefined
        ? await zarr.open(location, { kind: "array" })
        : await zarr.open.v3(location, { kind: "array" });
  } catch (error) {
    if (error instanceof Error && error.name === "NotFoundError") {
      throw new NotFoundError(path, `no Zarr array at '${path}' in ${store.location}`, {
        cause: error,
      });
    }
    throw new DataError(path, `cannot open the Zarr array: ${(error as Error).message}`, {
      cause: error,
    });
  }
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
  if (json?.codecs?.some((c) => c.name === "gzip")) installGzipEncoder();

  const getChunk = async (coords: number[], signal?: AbortSignal) => {
    const key = chunkKey(path, json, coords);
    let chunk: { data: unknown; stride: number[] };
    try {
      chunk = await array.getChunk(coords, { signal });
    } catch (error) {
      if (error instanceof DataError || (error as Error)?.name === "AbortError" || signal?.aborted)
        throw error;
      throw new DataError(`chunk '${key}'`, `cannot be decoded: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const decoded = { data: normalizeChunkData(chunk.data, dtype), stride: chunk.stride };
    checkChunkLength(key, decoded, metadata.chunkShape);
    return decoded;
  };

  const slabLayout =
    json !== undefined &&
    json.chunk_key_encoding?.name !== "v2" &&
    isSlabLayout(json.codecs, metadata.shape, metadata.chunkShape, dtype)
      ? {
          path,
          shape: metadata.shape,
          chunkRows: metadata.chunkShape[0]!,
          dtype,
          axes: metadata.dimensionNames,
          fillValue: (json.fill_value as number | boolean | null | undefined) ?? null,
          chunkKey: (index: number) =>
            chunkKey(path, json, [index, ...metadata.shape.slice(1).map(() => 0)]),
        }
      : undefined;
  const slab = sizeOf(metadata.shape.slice(1));
  const checkBlock = (block: TypedArray) => {
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
  };

  return {
    metadata,
    read: (selection, readOptions) =>
      slabLayout
        ? readSlabs(store, slabLayout, selection, readOptions)
        : readChunked(
            metadata.shape,
            metadata.chunkShape,
            dtype,
            metadata.dimensionNames,
            selection,
            getChunk,
            readOptions,
          ),
    async writeBlock(start, block, writeOptions = {}) {
      writeOptions.signal?.throwIfAborted();
      const rows = checkBlock(block);
      if (!Number.isInteger(start) || start < 0 || start + rows > metadata.shape[0]!) {
        throw new InvalidSelectionError(
          metadata.dimensionNames[0]!,
          `block of ${rows} slabs at ${start} does not fit the axis length ${metadata.shape[0]}`,
        );
      }
      if (rows === 0) return;
      if (slabLayout)
        return writeSlabs(store as WritableKeyValueStore, slabLayout, start, block, writeOptions);
      const blockShape = [rows, ...metadata.shape.slice(1)];
      const data =
        dtype === "bool"
          ? new zarr.BoolArray(block.buffer as ArrayBuffer, block.byteOffset, block.length)
          : block;
      await zarr.set(
        array as zarr.Array<zarr.DataType, zarr.Mutable>,
        [zarr.slice(start, start + rows), ...metadata.shape.slice(1).map(() => null)],
        { data, shape: blockShape, stride: cOrderStrides(blockShape) } as never,
      );
    },
  };
}

/**
 * The array at `path`, writable and appendable. An append grows `zarr.json` and reopens the
 * array, so later reads and writes see the new shape.
 */
async function openArray(
  store: KeyValueStore,
  path: string,
  options: IOOptions = {},
): Promise<WritableArray> {
  let current = await openSnapshot(store, path, options);
  return {
    get metadata() {
      return current.metadata;
    },
    read: (selection, readOptions) => current.read(selection, readOptions),
    writeBlock: (start, block, writeOptions) => current.writeBlock(start, block, writeOptions),
    async append(block, appendOptions = {}) {
      appendOptions.signal?.throwIfAborted();
      const slab = sizeOf(current.metadata.shape.slice(1));
      const rows = slab === 0 ? 0 : block.length / slab;
      const json = await readJson(store, `${path}/zarr.json`, appendOptions);
      if (json === undefined) {
        throw new UnsupportedError("append to Zarr v2", "only Zarr v3 arrays can be appended to");
      }
      // The block is checked before zarr.json grows, so a bad block leaves the array as it was.
      if (!matchesDType(block, current.metadata.dtype)) {
        throw new DataError(
          path,
          `block is a ${block.constructor.name}, the array holds ${current.metadata.dtype}`,
        );
      }
      if (!Number.isInteger(rows)) {
        throw new DataError(
          path,
          `block of ${block.length} elements is not a whole number of slabs of ${slab}`,
        );
      }
      const grown = { ...json, shape: [json.shape[0]! + rows, ...json.shape.slice(1)] };
      const text = JSON.stringify(grown, null, 2);
      await (store as WritableKeyValueStore).set(
        `${path}/zarr.json`,
        new TextEncoder().encode(text),
      );
      current = await openSnapshot(store, path, appendOptions);
      await current.writeBlock(json.shape[0]!, block, appendOptions);
    },
  };
}

/** The first chunk coordinate of a chunk key of the array at `path`, or undefined for other keys. */
function firstChunkCoordinate(path: string, json: ZarrJson, key: string): number | undefined {
  const prefix = chunkKey(path, json, []);
  if (!key.startsWith(prefix)) return undefined;
  const separator =
    json.chunk_key_encoding?.configuration?.separator ??
    (json.chunk_key_encoding?.name === "v2" ? "." : "/");
  const first = key.slice(prefix.length).split(separator)[0];
  return first !== undefined && /^\d+$/.test(first) ? Number(first) : undefined;
}

/**
 * A writable copy at `to` of the first `length` slabs of the array at `from`: whole chunks are
 * linked (shared, not copied, where the store links), a chunk that the cut splits is written
 * anew from the slabs it keeps.
 */
async function copyArray(
  store: WritableKeyValueStore,
  from: string,
  to: string,
  options: IOOptions & { length: number },
): Promise<WritableArray> {
  const { length, signal } = options;
  const json = await readJson(store, `${from}/zarr.json`, options);
  if (json === undefined)
    throw new NotFoundError(from, `no Zarr v3 array at '${from}' in ${store.location} to copy`);
  if (json.codecs?.some((c) => c.name === "sharding_indexed"))
    throw new UnsupportedError(
      "copy of sharded arrays",
      `'${from}' is sharded, which this store only reads`,
    );
  if (!Number.isInteger(length) || length < 0 || length > json.shape[0]!)
    throw new InvalidSelectionError("length", `${length} slabs of an array of ${json.shape[0]}`);
  const chunkRows = (json.chunk_grid as { configuration: { chunk_shape: number[] } }).configuration
    .chunk_shape[0]!;
  const whole = Math.floor(length / chunkRows);
  const source = await openSnapshot(store, from, options);
  const shared: string[] = [];
  for await (const key of store.list(`${from}/`)) {
    const first = firstChunkCoordinate(from, json, key);
    if (first !== undefined && first < whole) shared.push(key);
  }
  for (const key of shared) {
    signal?.throwIfAborted();
    const target = `${to}${key.slice(from.length)}`;
    if (store.link !== undefined) await store.link(key, target);
    else await store.set(target, (await store.get(key))!);
  }
  const copied = { ...json, shape: [length, ...json.shape.slice(1)] };
  await store.set(`${to}/zarr.json`, new TextEncoder().encode(JSON.stringify(copied, null, 2)), {
    signal,
  });
  const array = await openArray(store, to, options);
  if (length > whole * chunkRows) {
    const selection = json.shape.map((n, i) =>
      i === 0 ? { start: whole * chunkRows, stop: length } : { start: 0, stop: n },
    );
    await array.writeBlock(whole * chunkRows, await source.read(selection, options), options);
  }
  return array;
}

function normalizeChunkData(data: unknown, dtype: DType): TypedArray {
  if (dtype === "bool" && data instanceof zarr.BoolArray) {
    const bytes = data as unknown as { buffer: ArrayBuffer; byteOffset: number; length: number };
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  return data as TypedArray;
}

async function createArray(
  store: WritableKeyValueStore,
  path: string,
  options: ArrayCreateOptions,
): Promise<WritableArray> {
  assertDType(options.dtype);
  const { shape, dtype, dimensionNames } = options;
  if (!shape.every(isLength) || dimensionNames.length !== shape.length || shape.length === 0) {
    throw new DataError(
      path,
      `shape [${shape.join(", ")}] and dimension names [${dimensionNames.join(", ")}] do not fit`,
    );
  }
  const chunkShape = [...(options.chunkShape ?? defaultChunkShape(shape, dtype))];
  if (
    chunkShape.length !== shape.length ||
    !chunkShape.every((n) => Number.isInteger(n) && n > 0)
  ) {
    throw new DataError(
      path,
      `chunk shape [${chunkShape.join(", ")}] must have ${shape.length} positive lengths`,
    );
  }
  const codecs = codecPipeline(options.codec ?? DEFAULT_CODEC, dtype);
  if (options.codec === "gzip") installGzipEncoder();
  if ((await store.get(`${path}/zarr.json`)) !== undefined) {
    if (!options.overwrite) {
      throw new AlreadyExistsError(
        path,
        `a Zarr array already exists at '${path}'; pass overwrite: true to replace it`,
      );
    }
    for await (const key of store.list(`${path}/`)) await store.delete(key);
  }
  const fillValue =
    options.fillValue === undefined ? (dtype === "bool" ? false : 0) : options.fillValue;
  const json = {
    zarr_format: 3,
    node_type: "array",
    shape: [...shape],
    data_type: dtype,
    chunk_grid: { name: "regular", configuration: { chunk_shape: chunkShape } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
    codecs,
    fill_value:
      typeof fillValue === "bigint"
        ? Number(fillValue)
        : fillValue === null
          ? null
          : dtype === "bool"
            ? Boolean(fillValue)
            : fillValue,
    dimension_names: [...dimensionNames],
    attributes: {},
  };
  await store.set(`${path}/zarr.json`, new TextEncoder().encode(JSON.stringify(json, null, 2)));
  return openArray(store, path);
}

/**
 * The Zarr v3 {@link ArrayStoreBackend}: arrays with `dimension_names`, chunked along the first
 * axis by default, codecs none (default), zstd, gzip or blosc-lz4. Reads group the wanted
 * elements by chunk and decode each chunk once; writes go block by block; `append` grows the
 * first axis.
 *
 * @example
 * ```ts
 * const array = await zarrStore.create(store, "arrays/data.zarr", {
 *   shape: [1000, 1793, 3], dtype: "float32", dimensionNames: ["instance", "sample", "channel"],
 * });
 * await array.writeBlock(0, block);
 * ```
 */
export const zarrStore: ArrayStoreBackend = {
  id: "zarr",
  version,
  create: createArray,
  open: (store, path, options) => openArray(store, path, options),
  openWritable: (store, path, options) => openArray(store, path, options),
  copy: copyArray,
  writeCoordinates,
  readCoordinates,
};
