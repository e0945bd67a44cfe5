/**
 * Uncompressed arrays chunked in whole slabs along the first axis: every slab is a byte range
 * of its chunk file, so reads fetch only the slabs they need and writes store bytes directly.
 */

import type { AxisSelection } from "@tt/schema";
import {
  allocate,
  bytesPerElement,
  cOrderStrides,
  DataError,
  type DType,
  type IOOptions,
  isBigIntDType,
  type KeyValueStore,
  resolveSelection,
  selectionShape,
  sizeOf,
  type TypedArray,
  typedArrayConstructor,
  type WritableKeyValueStore,
} from "@tt/schema";
import { forEachLimited } from "./limited.js";

/** What the slab reader needs to know of an array. */
export interface SlabLayout {
  path: string;
  shape: readonly number[];
  chunkRows: number;
  dtype: DType;
  axes: readonly string[];
  /** Value of never-written elements, or `null` when a missing chunk is an error. */
  fillValue: number | bigint | boolean | null;
  /** The chunk key of chunk `index` along the first axis. */
  chunkKey(index: number): string;
}

/** Whether a Zarr v3 array is laid out as raw slabs: only a little-endian bytes codec, chunks spanning the trailing axes. */
export function isSlabLayout(
  codecs: readonly { name: string; configuration?: Record<string, unknown> }[] | undefined,
  shape: readonly number[],
  chunkShape: readonly number[],
  dtype: DType,
): boolean {
  if (codecs?.length !== 1 || codecs[0]!.name !== "bytes") return false;
  const endian = codecs[0]!.configuration?.endian;
  if (!(endian === "little" || (endian === undefined && bytesPerElement(dtype) === 1)))
    return false;
  return shape.length >= 1 && chunkShape.every((n, i) => i === 0 || n === shape[i]);
}

/** A run of consecutive slabs `first..last` in one chunk. */
interface Run {
  chunk: number;
  first: number;
  last: number;
}

function runsOf(rows: Int32Array, chunkRows: number): Run[] {
  const sorted = Int32Array.from(new Set(rows)).sort();
  const runs: Run[] = [];
  for (const row of sorted) {
    const chunk = Math.floor(row / chunkRows);
    const previous = runs.at(-1);
    if (previous && previous.chunk === chunk && previous.last === row - 1) previous.last = row;
    else runs.push({ chunk, first: row, last: row });
  }
  return runs;
}

function fillSlabs(target: TypedArray, layout: SlabLayout, where: string): void {
  if (layout.fillValue === null) {
    throw new DataError(where, "is missing and the array has no fill value to stand in for it");
  }
  const value = layout.fillValue;
  (target as { fill(v: unknown): unknown }).fill(
    isBigIntDType(layout.dtype) ? BigInt(value) : Number(value),
  );
}

/** Reads `selection` by fetching only the byte ranges of the needed slabs. */
export async function readSlabs(
  store: KeyValueStore,
  layout: SlabLayout,
  selection: readonly AxisSelection[],
  options: IOOptions = {},
): Promise<TypedArray> {
  const resolved = resolveSelection(layout.shape, selection, layout.axes);
  const outShape = selectionShape(resolved);
  const out = allocate(layout.dtype, sizeOf(outShape));
  if (out.length === 0) return out;
  const slab = sizeOf(layout.shape.slice(1));
  const width = bytesPerElement(layout.dtype);
  const Typed = typedArrayConstructor(layout.dtype);
  const inner = resolved.slice(1);
  const innerWhole = inner.every(
    (indices, i) => indices.length === layout.shape[i + 1] && indices.every((v, j) => v === j),
  );
  const outSlab = sizeOf(outShape.slice(1));
  const slabStrides = cOrderStrides(layout.shape.slice(1));
  const outStrides = cOrderStrides(outShape.slice(1));
  const positions = new Map<number, number[]>();
  resolved[0]!.forEach((row, position) => {
    const list = positions.get(row);
    if (list) list.push(position);
    else positions.set(row, [position]);
  });
  const target = out as unknown as {
    set(a: ArrayLike<unknown>, o: number): void;
    [i: number]: unknown;
  };

  const place = (source: TypedArray, sourceSlab: number, position: number) => {
    const base = sourceSlab * slab;
    if (innerWhole) {
      target.set((source as Float32Array).subarray(base, base + slab), position * outSlab);
      return;
    }
    const copy = (axis: number, outOffset: number, inOffset: number) => {
      const indices = inner[axis]!;
      if (axis === inner.length - 1) {
        for (let i = 0; i < indices.length; i++)
          target[outOffset + i] = (source as unknown as unknown[])[inOffset + indices[i]!];
        return;
      }
      for (let i = 0; i < indices.length; i++)
        copy(
          axis + 1,
          outOffset + i * outStrides[axis]!,
          inOffset + indices[i]! * slabStrides[axis]!,
        );
    };
    if (inner.length === 0) target[position] = (source as unknown as unknown[])[base];
    else copy(0, position * outSlab, base);
  };

  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  // A run whose slabs land whole and in order in the output can be read straight into it.
  const landsInPlace = (run: Run) => {
    if (!innerWhole || store.readInto === undefined) return false;
    const first = positions.get(run.first)!;
    if (first.length !== 1) return false;
    for (let row = run.first + 1; row <= run.last; row++) {
      const at = positions.get(row)!;
      if (at.length !== 1 || at[0] !== first[0]! + (row - run.first)) return false;
    }
    return true;
  };

  await forEachLimited(
    runsOf(resolved[0]!, layout.chunkRows),
    options.concurrency ?? 16,
    async (run) => {
      options.signal?.throwIfAborted();
      const key = layout.chunkKey(run.chunk);
      const count = run.last - run.first + 1;
      const offset = (run.first - run.chunk * layout.chunkRows) * slab * width;
      if (landsInPlace(run)) {
        const length = count * slab * width;
        const at = positions.get(run.first)![0]! * slab * width;
        const got = await store.readInto!(key, { offset, length }, outBytes, at, {
          signal: options.signal,
        });
        if (got === undefined) {
          fillSlabs(
            (out as Float32Array).subarray(at / width, (at + length) / width),
            layout,
            `chunk '${key}'`,
          );
          return;
        }
        if (got !== length) {
          throw new DataError(
            `chunk '${key}'`,
            `holds too few bytes for slabs ${run.first}..${run.last} (got ${got} of ${length} at offset ${offset}); the chunk file is truncated or corrupt`,
          );
        }
        return;
      }
      const bytes = await store.get(key, {
        range: { offset, length: count * slab * width },
        signal: options.signal,
      });
      let values: TypedArray;
      if (bytes === undefined) {
        values = allocate(layout.dtype, count * slab);
        fillSlabs(values, layout, `chunk '${key}'`);
      } else {
        if (bytes.byteLength !== count * slab * width) {
          throw new DataError(
            `chunk '${key}'`,
            `holds too few bytes for slabs ${run.first}..${run.last} (got ${bytes.byteLength} of ${count * slab * width} at offset ${offset}); the chunk file is truncated or corrupt`,
          );
        }
        const aligned = bytes.byteOffset % width === 0 ? bytes : bytes.slice();
        values = new Typed(aligned.buffer, aligned.byteOffset, count * slab);
      }
      for (let row = run.first; row <= run.last; row++) {
        for (const position of positions.get(row)!) place(values, row - run.first, position);
      }
    },
  );
  return out;
}

/** Writes `block` (whole slabs) at slab `start`: whole chunks directly, partial ones by read-modify-write. */
export async function writeSlabs(
  store: WritableKeyValueStore,
  layout: SlabLayout,
  start: number,
  block: TypedArray,
  options: IOOptions = {},
): Promise<void> {
  const slab = sizeOf(layout.shape.slice(1));
  const width = bytesPerElement(layout.dtype);
  const rows = slab === 0 ? 0 : block.length / slab;
  const chunkElements = layout.chunkRows * slab;
  const firstChunk = Math.floor(start / layout.chunkRows);
  const lastChunk = Math.floor((start + rows - 1) / layout.chunkRows);
  const chunks = Array.from(
    { length: Math.max(0, lastChunk - firstChunk + 1) },
    (_, i) => firstChunk + i,
  );
  await forEachLimited(chunks, options.concurrency ?? 4, async (chunk) => {
    options.signal?.throwIfAborted();
    const key = layout.chunkKey(chunk);
    const chunkStart = chunk * layout.chunkRows;
    const from = Math.max(start, chunkStart);
    const to = Math.min(start + rows, chunkStart + layout.chunkRows);
    const part = (block as Float32Array).subarray((from - start) * slab, (to - start) * slab);
    const validRows = Math.min(layout.chunkRows, layout.shape[0]! - chunkStart);
    let chunkData: TypedArray;
    if (from === chunkStart && to - from >= validRows) {
      chunkData = part.length === chunkElements ? part : allocate(layout.dtype, chunkElements);
    } else {
      const existing = await store.get(key, { signal: options.signal });
      chunkData = allocate(layout.dtype, chunkElements);
      if (existing !== undefined && existing.byteLength === chunkElements * width) {
        new Uint8Array(chunkData.buffer).set(existing);
      } else if (layout.fillValue !== null) {
        fillSlabs(chunkData, layout, `chunk '${key}'`);
      }
    }
    if (chunkData !== part)
      (chunkData as Float32Array).set(part as Float32Array, (from - chunkStart) * slab);
    await store.set(
      key,
      new Uint8Array(chunkData.buffer, chunkData.byteOffset, chunkData.byteLength),
      options,
    );
  });
}
