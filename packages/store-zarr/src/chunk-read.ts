/** Reads a selection chunk by chunk: each needed chunk is fetched and decoded once. */

import {
  type AxisSelection,
  allocate,
  cOrderStrides,
  DataError,
  type DType,
  type IOOptions,
  resolveSelection,
  selectionShape,
  sizeOf,
  type TypedArray,
} from "@tt/schema";
import { forEachLimited } from "./limited.js";

/** A decoded chunk: its elements and their strides. */
export interface DecodedChunk {
  data: TypedArray;
  stride: readonly number[];
}

/** Where the wanted positions of one axis fall: per chunk, output positions and in-chunk offsets. */
interface AxisPlan {
  chunk: number;
  out: Int32Array;
  inner: Int32Array;
}

function planAxis(indices: Int32Array, chunkLength: number): AxisPlan[] {
  const byChunk = new Map<number, { out: number[]; inner: number[] }>();
  for (let i = 0; i < indices.length; i++) {
    const chunk = Math.floor(indices[i]! / chunkLength);
    let entry = byChunk.get(chunk);
    if (entry === undefined) {
      entry = { out: [], inner: [] };
      byChunk.set(chunk, entry);
    }
    entry.out.push(i);
    entry.inner.push(indices[i]! - chunk * chunkLength);
  }
  return [...byChunk]
    .sort(([a], [b]) => a - b)
    .map(([chunk, { out, inner }]) => ({
      chunk,
      out: Int32Array.from(out),
      inner: Int32Array.from(inner),
    }));
}

function isRun(values: Int32Array): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]! + 1) return false;
  return true;
}

/**
 * Reads `selection` from an array of `shape` and `chunkShape` through `getChunk`, copying each
 * chunk's wanted elements straight into a C-order output. Rows that are contiguous in both the
 * chunk and the output are copied as whole runs.
 */
export async function readChunked(
  shape: readonly number[],
  chunkShape: readonly number[],
  dtype: DType,
  axes: readonly string[],
  selection: readonly AxisSelection[],
  getChunk: (coords: number[], signal?: AbortSignal) => Promise<DecodedChunk>,
  options: IOOptions = {},
): Promise<TypedArray> {
  const resolved = resolveSelection(shape, selection, axes);
  const outShape = selectionShape(resolved);
  const out = allocate(dtype, sizeOf(outShape));
  if (out.length === 0) return out;
  const outStride = cOrderStrides(outShape);
  const plans = resolved.map((indices, axis) => planAxis(indices, chunkShape[axis]!));
  const rank = shape.length;

  const jobs: AxisPlan[][] = [[]];
  for (const axisPlans of plans) {
    const grown: AxisPlan[][] = [];
    for (const job of jobs) for (const plan of axisPlans) grown.push([...job, plan]);
    jobs.splice(0, jobs.length, ...grown);
  }

  const target = out as unknown as {
    set(a: ArrayLike<unknown>, offset: number): void;
    [i: number]: unknown;
  };
  await forEachLimited(jobs, options.concurrency ?? 8, async (job) => {
    options.signal?.throwIfAborted();
    const coords = job.map((plan) => plan.chunk);
    const chunk = await getChunk(coords, options.signal);
    const source = chunk.data as unknown as {
      subarray(a: number, b: number): ArrayLike<unknown>;
      [i: number]: unknown;
    };
    const last = job[rank - 1]!;
    const contiguous = chunk.stride[rank - 1] === 1 && isRun(last.inner) && isRun(last.out);
    const copy = (axis: number, outOffset: number, inOffset: number) => {
      const plan = job[axis]!;
      if (axis === rank - 1) {
        if (contiguous) {
          const start = inOffset + last.inner[0]!;
          target.set(source.subarray(start, start + last.inner.length), outOffset + last.out[0]!);
        } else {
          const stride = chunk.stride[axis]!;
          for (let i = 0; i < plan.out.length; i++)
            target[outOffset + plan.out[i]!] = source[inOffset + plan.inner[i]! * stride];
        }
        return;
      }
      for (let i = 0; i < plan.out.length; i++) {
        copy(
          axis + 1,
          outOffset + plan.out[i]! * outStride[axis]!,
          inOffset + plan.inner[i]! * chunk.stride[axis]!,
        );
      }
    };
    copy(0, 0, 0);
  });
  return out;
}

/** Checks that a decoded chunk holds as many elements as the chunk shape says. */
export function checkChunkLength(
  key: string,
  chunk: DecodedChunk,
  chunkShape: readonly number[],
): void {
  const expected = sizeOf(chunkShape);
  if (chunk.data.length !== expected) {
    throw new DataError(
      `chunk '${key}'`,
      `decoded to ${chunk.data.length} elements, the chunk shape [${chunkShape.join(", ")}] needs ${expected}; the chunk file is truncated or corrupt`,
    );
  }
}
