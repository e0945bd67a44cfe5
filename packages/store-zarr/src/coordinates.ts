/**
 * Coordinate arrays: the ids (or coordinates) of one axis as a one-dimensional Zarr v3 array, as
 * xarray stores coordinates. Strings use the `string` data type with the `vlen-utf8` codec of the
 * Zarr extensions (what zarr-python 3 writes); integers and floats are little-endian `bytes`.
 * Chunks are written here directly (zarrita cannot encode strings) and read back with zarrita, so
 * any Zarr v3 reader with vlen-utf8 reads them.
 */

import {
  type CoordinateValues,
  DataError,
  type IOOptions,
  isTensorToolsError,
  type KeyValueStore,
  NotFoundError,
  UnsupportedError,
  type WritableKeyValueStore,
} from "@tt/schema";
import * as zarr from "zarrita";
import { zarritaStore } from "./zarrita-adapter.js";

/** Elements per chunk: ids are small, so large chunks (a few MiB) keep the request count low. */
const COORDINATE_CHUNK = 1 << 20;

type CoordinateType = "string" | "int32" | "int64" | "float64";

function coordinateType(values: CoordinateValues, where: string): CoordinateType {
  if (values instanceof Int32Array) return "int32";
  if (values instanceof BigInt64Array) return "int64";
  if (values instanceof Float64Array) return "float64";
  if (Array.isArray(values) && values.every((value) => typeof value === "string")) return "string";
  throw new DataError(
    where,
    "coordinates must be strings, Int32Array, BigInt64Array or Float64Array",
  );
}

/** A chunk of strings in the vlen-utf8 layout: a u32 count, then a u32 byte length and the bytes of each. */
function encodeStrings(values: readonly string[]): Uint8Array {
  const encoder = new TextEncoder();
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  let bytes = new Uint8Array(4 + values.reduce((n, value) => n + 4 + value.length * 3, 0));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, values.length, true);
  let offset = 4;
  for (const value of values) {
    const { written } = encoder.encodeInto(value, bytes.subarray(offset + 4));
    view.setUint32(offset, written, true);
    offset += 4 + written;
  }
  bytes = bytes.slice(0, offset);
  return bytes;
}

/** A chunk of numbers as little-endian bytes (every platform tensortools runs on is little-endian). */
function encodeNumbers(values: Int32Array | BigInt64Array | Float64Array): Uint8Array {
  const copy = values.slice();
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

/**
 * Writes `values`, the coordinates of `axis`, as a one-dimensional Zarr v3 array at `path`,
 * replacing any array there.
 */
export async function writeCoordinates(
  store: WritableKeyValueStore,
  path: string,
  axis: string,
  values: CoordinateValues,
  options: IOOptions = {},
): Promise<void> {
  const type = coordinateType(values, path);
  const length = values.length;
  const chunk = Math.max(1, Math.min(length, COORDINATE_CHUNK));
  for await (const key of store.list(`${path}/`)) await store.delete(key);
  for (let start = 0, index = 0; start < length; start += chunk, index++) {
    options.signal?.throwIfAborted();
    // The last chunk is written whole, as Zarr requires: padded with the fill value.
    const part =
      type === "string"
        ? encodeStrings(
            Array.from({ length: chunk }, (_, i) => (values as readonly string[])[start + i] ?? ""),
          )
        : encodeNumbers(padded(values as Int32Array | BigInt64Array | Float64Array, start, chunk));
    await store.set(`${path}/c/${index}`, part, options);
  }
  const json = {
    zarr_format: 3,
    node_type: "array",
    shape: [length],
    data_type: type,
    chunk_grid: { name: "regular", configuration: { chunk_shape: [chunk] } },
    chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
    codecs:
      type === "string"
        ? [{ name: "vlen-utf8" }]
        : [{ name: "bytes", configuration: { endian: "little" } }],
    fill_value: type === "string" ? "" : 0,
    dimension_names: [axis],
    attributes: {},
  };
  await store.set(
    `${path}/zarr.json`,
    new TextEncoder().encode(JSON.stringify(json, null, 2)),
    options,
  );
}

function padded<T extends Int32Array | BigInt64Array | Float64Array>(
  values: T,
  start: number,
  length: number,
): T {
  const part = values.subarray(start, start + length) as T;
  if (part.length === length) return part;
  const whole = new (values.constructor as new (n: number) => T)(length);
  whole.set(part as never);
  return whole;
}

/**
 * Reads the coordinate array at `path` (written by {@link writeCoordinates} or by any Zarr v3
 * writer of one-dimensional string, int32, int64 or float64 arrays).
 */
export async function readCoordinates(
  store: KeyValueStore,
  path: string,
  options: IOOptions = {},
): Promise<CoordinateValues> {
  // Every chunk of a coordinate array must be there: ids have no fill value to stand in.
  const adapter = zarritaStore(store, { chunkPrefix: `${path}/c`, allowMissing: false });
  let array: zarr.Array<zarr.DataType, ReturnType<typeof zarritaStore>>;
  try {
    array = await zarr.open.v3(zarr.root(adapter).resolve(path), { kind: "array" });
  } catch (error) {
    if (zarr.isZarritaError(error, "NotFoundError"))
      throw new NotFoundError(path, `no coordinate array at '${path}' in ${store.location}`, {
        cause: error,
      });
    if (isTensorToolsError(error)) throw error;
    throw new DataError(path, `cannot open the coordinate array: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (array.shape.length !== 1)
    throw new DataError(
      path,
      `a coordinate array has one axis, this one has ${array.shape.length}`,
    );
  const dtype = array.dtype as string;
  if (!["string", "int32", "int64", "float64"].includes(dtype))
    throw new UnsupportedError(
      `coordinate dtype ${dtype}`,
      `coordinate array '${path}' holds ${dtype}; coordinates are string, int32, int64 or float64`,
    );
  options.signal?.throwIfAborted();
  if (array.shape[0] === 0) return emptyOf(dtype);
  const { data } = await zarr.get(array, null, { signal: options.signal });
  if (dtype === "string") return Array.from(data as ArrayLike<string>);
  return data as Int32Array | BigInt64Array | Float64Array;
}

function emptyOf(dtype: string): CoordinateValues {
  if (dtype === "int32") return new Int32Array(0);
  if (dtype === "int64") return new BigInt64Array(0);
  if (dtype === "float64") return new Float64Array(0);
  return [];
}
