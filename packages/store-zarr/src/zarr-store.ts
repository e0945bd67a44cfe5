/** The Zarr v3 array store backend, on zarrita. */

import {
  AlreadyExistsError,
  type ArrayCreateOptions,
  type ArrayStoreBackend,
  assertDType,
  bytesPerElement,
  DataError,
  type DType,
  InvalidSelectionError,
  type IOOptions,
  isLength,
  type KeyValueStore,
  matchesDType,
  NotFoundError,
  sizeOf,
  UnsupportedError,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import { version } from "../package.json";
import { codecPipeline, DEFAULT_CODEC, installGzipEncoder } from "./codecs.js";
import { readCoordinates, writeCoordinates } from "./coordinates.js";
import { chunkKey, openSnapshot, readJson, type ZarrJson } from "./zarr-snapshot.js";

const TARGET_CHUNK_BYTES = 4 * 1024 * 1024;

/** The default chunk shape: whole slabs along the first axis, about 4 MiB a chunk. */
export function defaultChunkShape(shape: readonly number[], dtype: DType): number[] {
  const slabBytes = Math.max(1, sizeOf(shape.slice(1)) * bytesPerElement(dtype));
  const rows = Math.max(1, Math.min(shape[0] || 1, Math.round(TARGET_CHUNK_BYTES / slabBytes)));
  return [rows, ...shape.slice(1).map((n) => Math.max(1, n))];
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
    readInto: (selection, target, offset, readOptions) =>
      current.readInto!(selection, target, offset, readOptions),
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
  defaultChunkShape,
  open: (store, path, options) => openArray(store, path, options),
  openWritable: (store, path, options) => openArray(store, path, options),
  copy: copyArray,
  writeCoordinates,
  readCoordinates,
};
