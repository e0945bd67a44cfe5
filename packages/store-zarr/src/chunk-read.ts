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

/** The shortest run of the last axis copied with `set` rather than element by element. */
const MIN_RUN = 16;

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

  const jobs: AxisPlan[][] = [[]];
  for (const axisPlans of plans) {
    const grown: AxisPlan[][] = [];
    for (const job of jobs) for (const plan of axisPlans) grown.push([...job, plan]);
    jobs.splice(0, jobs.length, ...grown);
  }

  await forEachLimited(jobs, options.concurrency ?? 8, async (job) => {
    options.signal?.throwIfAborted();
    const chunk = await getChunk(
      job.map((plan) => plan.chunk),
      options.signal,
    );
    copyChunk(job, chunk, out, outStride);
  });
  return out;
}

/** Copies the elements `job` wants of a decoded chunk into the output (strides `outStride`). */
function copyChunk(
  job: readonly AxisPlan[],
  chunk: DecodedChunk,
  out: TypedArray,
  outStride: readonly number[],
): void {
  const target = out as unknown as {
    set(a: ArrayLike<unknown>, offset: number): void;
    [i: number]: unknown;
  };
  const source = chunk.data as unknown as {
    subarray(a: number, b: number): ArrayLike<unknown>;
    [i: number]: unknown;
  };
  const rank = job.length;
  const last = job[rank - 1]!;
  const lastStride = chunk.stride[rank - 1]!;
  // Whole runs are copied with `set` when long enough to pay for a subarray each.
  const contiguous =
    lastStride === 1 && last.inner.length >= MIN_RUN && isRun(last.inner) && isRun(last.out);
  /** The last axis at `outOffset` / `inOffset`: a run, or element by element. */
  const copyLast = (outOffset: number, inOffset: number) => {
    if (contiguous) {
      const start = inOffset + last.inner[0]!;
      target.set(source.subarray(start, start + last.inner.length), outOffset + last.out[0]!);
      return;
    }
    const { out: lastOut, inner: lastInner } = last;
    for (let i = 0; i < lastOut.length; i++)
      target[outOffset + lastOut[i]!] = source[inOffset + lastInner[i]! * lastStride];
  };
  const copy = (axis: number, outOffset: number, inOffset: number) => {
    const plan = job[axis]!;
    if (axis === rank - 1) {
      copyLast(outOffset, inOffset);
      return;
    }
    if (axis === rank - 2 && !contiguous && last.out.length === 1) {
      // One element of the last axis (a channel of a tile): a flat loop, no call per row.
      const outStep = outStride[axis]!;
      const inStep = chunk.stride[axis]!;
      const o = outOffset + last.out[0]!;
      const n = inOffset + last.inner[0]! * lastStride;
      for (let i = 0; i < plan.out.length; i++)
        target[o + plan.out[i]! * outStep] = source[n + plan.inner[i]! * inStep];
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
