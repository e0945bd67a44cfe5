/**
 * Uncompressed Zarr v3 arrays chunked in whole slabs: every run of slabs is one byte range of a
 * chunk file, read straight into the caller's buffer with the store's `readInto`.
 */

import { bytesPerElement, type DType, type KeyValueStore } from "@tt/schema";

/** Where the slabs of an uncompressed array are. */
export interface RawSlabLayout {
  /** Slabs per chunk. */
  readonly chunkRows: number;
  /** Bytes per slab. */
  readonly slabBytes: number;
  /** The store key of chunk `index` along the first axis. */
  chunkKey(index: number): string;
}

interface ZarrJson {
  zarr_format?: unknown;
  shape?: unknown;
  data_type?: unknown;
  chunk_grid?: { name?: unknown; configuration?: { chunk_shape?: unknown } };
  chunk_key_encoding?: { name?: unknown; configuration?: { separator?: unknown } };
  codecs?: { name?: unknown; configuration?: { endian?: unknown } }[];
}

const isLengths = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((n) => Number.isSafeInteger(n) && n >= 0);

/**
 * The raw slab layout of the Zarr array at `path`, when it is one: Zarr v3, `dtype`, only a
 * little-endian `bytes` codec, the default chunk key encoding and chunks spanning the trailing
 * axes of `shape` (which must be the array's, or a prefix of it along the first axis).
 * Anything else gives `undefined`, and the array is read by its store plugin instead.
 */
export async function rawSlabLayout(
  store: KeyValueStore,
  path: string,
  dtype: DType,
  shape: readonly number[],
  signal?: AbortSignal,
): Promise<RawSlabLayout | undefined> {
  if (store.readInto === undefined) return undefined;
  const bytes = await store.get(`${path}/zarr.json`, { signal });
  if (bytes === undefined) return undefined;
  let json: ZarrJson;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as ZarrJson;
  } catch {
    return undefined;
  }
  const width = bytesPerElement(dtype);
  const codec = json.codecs?.length === 1 ? json.codecs[0]! : undefined;
  const endian = codec?.configuration?.endian;
  const chunkShape = json.chunk_grid?.configuration?.chunk_shape;
  const encoding = json.chunk_key_encoding;
  const separator = encoding?.configuration?.separator ?? "/";
  const fits =
    json.zarr_format === 3 &&
    json.data_type === dtype &&
    codec?.name === "bytes" &&
    (endian === "little" || (endian === undefined && width === 1)) &&
    json.chunk_grid?.name === "regular" &&
    encoding?.name === "default" &&
    (separator === "/" || separator === ".") &&
    isLengths(json.shape) &&
    isLengths(chunkShape) &&
    json.shape.length === shape.length &&
    chunkShape.length === shape.length &&
    chunkShape[0]! > 0 &&
    json.shape[0]! >= shape[0]! &&
    shape.every((n, i) => i === 0 || (json.shape as number[])[i] === n) &&
    chunkShape.every((n, i) => i === 0 || n === shape[i]);
  if (!fits) return undefined;
  const zeros = shape
    .slice(1)
    .map(() => `${separator}0`)
    .join("");
  return {
    chunkRows: chunkShape[0]!,
    slabBytes: shape.slice(1).reduce((a, b) => a * b, 1) * width,
    chunkKey: (index) => `${path}/c${separator}${index}${zeros}`,
  };
}

/**
 * Reads slabs `start .. start + count` into `target` at byte `targetOffset`, one byte range per
 * chunk, all at once. Returns false when a chunk is missing or too short, so that the caller
 * reads the slabs by the store plugin instead (which knows fill values and says what is wrong).
 */
export async function readRawSlabs(
  store: KeyValueStore,
  layout: RawSlabLayout,
  start: number,
  count: number,
  target: Uint8Array,
  targetOffset: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const { chunkRows, slabBytes } = layout;
  const reads: Promise<boolean>[] = [];
  for (let row = start; row < start + count; ) {
    const chunk = Math.floor(row / chunkRows);
    const stop = Math.min(start + count, (chunk + 1) * chunkRows);
    const length = (stop - row) * slabBytes;
    const at = targetOffset + (row - start) * slabBytes;
    reads.push(
      store.readInto!(
        layout.chunkKey(chunk),
        { offset: (row - chunk * chunkRows) * slabBytes, length },
        target,
        at,
        { signal },
      ).then((got) => got === length),
    );
    row = stop;
  }
  return (await Promise.all(reads)).every(Boolean);
}
