/** Reading NumPy .npy files (format versions 1.0, 2.0 and 3.0) into C-order typed arrays. */

import { allocate, DataError, type DType, type TypedArray } from "@tt/schema";
import { fortranToC, type WordArray } from "./fortran-to-c.js";
import { PLATFORM_LITTLE_ENDIAN, readNpyHeader } from "./npy-header.js";

/** An array read from a .npy file: C-order data of a schema dtype and its shape. */
export interface NpyArray {
  /** The elements in C (row-major) order; `bool` arrays are a `Uint8Array` of 0 and 1. */
  data: TypedArray;
  /** The schema dtype of the elements. */
  dtype: DType;
  /** The shape; `[]` for a 0-d array (which holds one element). */
  shape: number[];
}

/**
 * Parses the bytes of a .npy file written by `numpy.save`, converting Fortran order to C order
 * and big-endian to native. The result owns its memory; `bytes` is not kept.
 *
 * @example
 * ```ts
 * const { data, dtype, shape } = parseNpy(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * ```
 */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const header = readNpyHeader(bytes);
  const { dtype, shape, itemSize, dataOffset } = header;
  let length = 1;
  for (const dim of shape) length *= dim;
  const expectedBytes = length * itemSize;
  const actualBytes = bytes.length - dataOffset;
  if (!Number.isSafeInteger(expectedBytes) || actualBytes !== expectedBytes) {
    const shown = `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
    throw new DataError(
      `npy byte ${dataOffset}`,
      `data is ${actualBytes} bytes, but shape ${shown} of ${itemSize}-byte elements needs ${expectedBytes} bytes (${
        actualBytes < expectedBytes ? "the file is truncated" : "the file has trailing bytes"
      })`,
    );
  }

  const data = allocate(dtype, length);
  // Work on unsigned words of the element size (two 32-bit words for 8-byte types), so that
  // copying never converts a value: no BigInt allocation, no NaN canonicalisation.
  const wordSize = Math.min(itemSize, 4);
  const target = wordView(data.buffer, wordSize);
  if (header.fortranOrder && shape.length > 1) {
    const source = sourceWords(bytes, dataOffset, expectedBytes, wordSize);
    fortranToC(source, target, shape, itemSize / wordSize);
  } else {
    new Uint8Array(data.buffer).set(bytes.subarray(dataOffset, dataOffset + expectedBytes));
  }
  if (itemSize > 1 && header.littleEndian !== PLATFORM_LITTLE_ENDIAN) {
    swapBytes(target, itemSize);
  }
  if (dtype === "bool") normalizeBooleans(data as Uint8Array);
  return { data, dtype, shape: [...shape] };
}

function wordView(
  buffer: ArrayBufferLike,
  wordSize: number,
  byteOffset = 0,
  byteLength = buffer.byteLength - byteOffset,
): WordArray {
  const words = byteLength / wordSize;
  if (wordSize === 1) return new Uint8Array(buffer, byteOffset, words);
  if (wordSize === 2) return new Uint16Array(buffer, byteOffset, words);
  return new Uint32Array(buffer, byteOffset, words);
}

/** The data as words: a view of the input when it is aligned, else an aligned copy. */
function sourceWords(bytes: Uint8Array, offset: number, length: number, wordSize: number) {
  const start = bytes.byteOffset + offset;
  if (start % wordSize === 0) return wordView(bytes.buffer, wordSize, start, length);
  return wordView(bytes.slice(offset, offset + length).buffer, wordSize);
}

/** Reverses the byte order of every element in place; `words` holds elements of `itemSize`. */
function swapBytes(words: WordArray, itemSize: number): void {
  const n = words.length;
  if (itemSize === 2) {
    for (let i = 0; i < n; i++) {
      const w = words[i]!;
      words[i] = ((w & 0xff) << 8) | (w >>> 8);
    }
    return;
  }
  if (itemSize === 4) {
    for (let i = 0; i < n; i++) words[i] = swap32(words[i]!);
    return;
  }
  // An 8-byte element is two words: reversing its bytes swaps the words and each word's bytes.
  for (let i = 0; i < n; i += 2) {
    const first = words[i]!;
    words[i] = swap32(words[i + 1]!);
    words[i + 1] = swap32(first);
  }
}

function swap32(w: number): number {
  return (((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)) >>> 0;
}

/** numpy reads any non-zero byte of a bool array as True; store it as the 1 the schema expects. */
function normalizeBooleans(values: Uint8Array): void {
  for (let i = 0; i < values.length; i++) if (values[i]! > 1) values[i] = 1;
}
