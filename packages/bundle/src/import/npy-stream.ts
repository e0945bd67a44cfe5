/** Reading a .npy file block by block along its first axis (Node only), for writes that stream. */

import { open, readFile, stat } from "node:fs/promises";
import { allocate, DataError, type TypedArray } from "@tt/schema";
import type { StreamBlock, TensorStream } from "../stream.js";
import { parseNpy } from "./npy.js";
import { PLATFORM_LITTLE_ENDIAN, readNpyHeader } from "./npy-header.js";
import { readImportFile, withFilePath } from "./read-import-file.js";

/** Bytes read for the header: the magic, the version, the length and the dict (a few KiB at most). */
const HEADER_PROBE = 1 << 16;

/** A .npy file that cannot be streamed (Fortran order, foreign byte order) read whole instead. */
async function wholeStream(path: string, axes: readonly string[]): Promise<TensorStream> {
  const bytes = await readFile(path);
  const array = withFilePath(path, () => parseNpy(bytes));
  return { axes, dtype: array.dtype, shape: array.shape, blocks: [{ data: array.data }] };
}

/**
 * The .npy file at `path` as a {@link TensorStream} of blocks of `rows` slabs along its first
 * axis, named `axes` (`dim_0`, `dim_1`, ... when omitted): C-order files in the platform's byte order are read a block at a time (the
 * file is never held whole); others are read whole and sent as one block. Errors name the path.
 *
 * @example
 * ```ts
 * const stream = await readNpyStream("spectrogram.npy", ["instance", "freq", "time"], 256);
 * await addField("./events", "spectrogram", stream);
 * ```
 */
export async function readNpyStream(
  path: string,
  axes?: readonly string[],
  rows = 1024,
): Promise<TensorStream> {
  const handle = await readImportFile(path, () => open(path, "r"));
  const probe = new Uint8Array(HEADER_PROBE);
  let header: ReturnType<typeof readNpyHeader>;
  let size: number;
  try {
    const { bytesRead } = await handle.read(probe, 0, HEADER_PROBE, 0);
    header = withFilePath(path, () => readNpyHeader(probe.subarray(0, bytesRead)));
    size = (await stat(path)).size;
  } finally {
    await handle.close();
  }
  const { dtype, shape, itemSize, dataOffset } = header;
  if (axes !== undefined && shape.length !== axes.length)
    throw new DataError(
      path,
      `has ${shape.length} dimensions (${shape.join(" x ")}) but ${axes.length} axis names were given (${axes.join(", ")})`,
    );
  const names = axes ?? shape.map((_, i) => `dim_${i}`);
  const slab = shape.slice(1).reduce((n, length) => n * length, 1);
  const expected = dataOffset + shape.reduce((n, length) => n * length, 1) * itemSize;
  if (size !== expected)
    throw new DataError(
      path,
      `is ${size} bytes, but shape (${shape.join(", ")}) of ${itemSize}-byte elements after a ${dataOffset}-byte header needs ${expected} (the file is ${size < expected ? "truncated" : "longer"})`,
    );
  const native = itemSize === 1 || header.littleEndian === PLATFORM_LITTLE_ENDIAN;
  if ((header.fortranOrder && shape.length > 1) || !native || dtype === "bool")
    return wholeStream(path, names);
  const step = Math.max(1, rows);
  async function* blocks(): AsyncGenerator<StreamBlock> {
    const file = await open(path, "r");
    try {
      for (let start = 0; start < shape[0]!; start += step) {
        const count = Math.min(step, shape[0]! - start) * slab;
        const data = allocate(dtype, count) as TypedArray;
        const bytes = new Uint8Array(data.buffer, data.byteOffset, count * itemSize);
        await file.read(bytes, 0, bytes.length, dataOffset + start * slab * itemSize);
        yield { data };
      }
    } finally {
      await file.close();
    }
  }
  return { axes: names, dtype, shape, blocks: blocks() };
}
