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
 * How many trailing axes of `box` are copied as one run, and the run's length: an axis joins the
 * run while its picks are consecutive in the box and in the output and the run so far spans the
 * axes inside it whole on both sides (the box's and the output's stride along it equal the run).
 * A box that reads whole slabs of an output laid out alike is then one copy per slab, not one per
 * innermost row (4 elements, say, for 4 channels).
 */
function trailingRun(box: Box, boxStrides: readonly number[], strides: readonly number[]) {
  let inner = box.length;
  let length = 1;
  while (inner > 0) {
    const axis = box[inner - 1]!;
    const joins =
      strides[inner - 1] === length &&
      boxStrides[inner - 1] === length &&
      consecutive(axis.src) &&
      consecutive(axis.dst);
    if (!joins) break;
    length *= axis.src.length;
    inner--;
  }
  return { inner, length };
}

/**
 * Copies the picked elements of `source` (the box's data, C order over its counts) to `target`:
 * an element picked at `dst[a]` along each axis `a` lands at `offset + sum(dst[a] * strides[a])`.
 * The strides are those of the output's axes in the dataset's order, so a reversed (MATLAB)
 * output is a matter of strides. Trailing axes that are contiguous on both sides are copied as
 * one run (see {@link trailingRun}); otherwise the last axis is copied element by element.
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
  const merged = trailingRun(box, boxStrides, strides);
  const run = merged.inner < rank;
  // Without a run the last axis is walked element by element inside the loop over the others.
  const inner = run ? merged.inner : rank - 1;
  let runSrc = 0;
  let runDst = 0;
  for (let a = inner; a < rank && run; a++) {
    runSrc += srcOffsets[a]![0]!;
    runDst += dstOffsets[a]![0]!;
  }
  const from = source as unknown as Indexable;
  const to = target as unknown as Indexable;
  const outer = box.slice(0, inner).map((axis) => axis.src.length);
  const index = new Array<number>(inner).fill(0);
  const lastSrc = srcOffsets[rank - 1]!;
  const lastDst = dstOffsets[rank - 1]!;
  const lastLength = box[rank - 1]!.src.length;
  for (;;) {
    let s = 0;
    let d = offset;
    for (let a = 0; a < inner; a++) {
      s += srcOffsets[a]![index[a]!]!;
      d += dstOffsets[a]![index[a]!]!;
    }
    if (run) {
      const begin = s + runSrc;
      target.set(source.subarray(begin, begin + merged.length) as never, d + runDst);
    } else {
      for (let k = 0; k < lastLength; k++) to[d + lastDst[k]!] = from[s + lastSrc[k]!]!;
    }
    let a = inner - 1;
    while (a >= 0 && ++index[a]! === outer[a]!) index[a--] = 0;
    if (a < 0) return;
  }
}
