/** Copying the elements a box picks from what HDF5 read into their places in the output. */

import type { TypedArray } from "@tt/schema";
import type { Box } from "./read-plan.js";

type Indexable = { [i: number]: number | bigint };

/** C-order strides of `lengths`. */
function stridesOf(lengths: readonly number[]): number[] {
  const strides = new Array<number>(lengths.length).fill(1);
  for (let a = lengths.length - 2; a >= 0; a--) strides[a] = strides[a + 1]! * lengths[a + 1]!;
  return strides;
}

/** Whether `values` are `first, first + 1, ...`. */
function consecutive(values: Int32Array): boolean {
  for (let k = 1; k < values.length; k++) if (values[k] !== values[0]! + k) return false;
  return true;
}

/**
 * Copies the picked elements of `source` (the box's data, C order over its counts) to `target`:
 * an element picked at `dst[a]` along each axis `a` lands at `offset + sum(dst[a] * strides[a])`.
 * The strides are those of the output's axes in the dataset's order, so a reversed (MATLAB)
 * output is a matter of strides. Runs along the last axis are copied whole.
 */
export function scatter(
  source: TypedArray,
  box: Box,
  target: TypedArray,
  offset: number,
  strides: readonly number[],
): void {
  const rank = box.length;
  const boxStrides = stridesOf(box.map((axis) => axis.count));
  const srcOffsets = box.map((axis, a) => Int32Array.from(axis.src, (s) => s * boxStrides[a]!));
  const dstOffsets = box.map((axis, a) => Float64Array.from(axis.dst, (d) => d * strides[a]!));
  const last = box[rank - 1]!;
  const run = strides[rank - 1] === 1 && consecutive(last.src) && consecutive(last.dst);
  const from = source as unknown as Indexable;
  const to = target as unknown as Indexable;
  const outer = box.slice(0, rank - 1).map((axis) => axis.src.length);
  const index = new Array<number>(rank - 1).fill(0);
  const lastSrc = srcOffsets[rank - 1]!;
  const lastDst = dstOffsets[rank - 1]!;
  const runLength = last.src.length;
  for (;;) {
    let s = 0;
    let d = offset;
    for (let a = 0; a < rank - 1; a++) {
      s += srcOffsets[a]![index[a]!]!;
      d += dstOffsets[a]![index[a]!]!;
    }
    if (run) {
      const begin = s + lastSrc[0]!;
      target.set(source.subarray(begin, begin + runLength) as never, d + lastDst[0]!);
    } else {
      for (let k = 0; k < runLength; k++) to[d + lastDst[k]!] = from[s + lastSrc[k]!]!;
    }
    let a = rank - 2;
    while (a >= 0 && ++index[a]! === outer[a]!) index[a--] = 0;
    if (a < 0) return;
  }
}
