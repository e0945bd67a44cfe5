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

/** The runs of the wanted rows: consecutive rows of one chunk each, in row order. */
function runsOf(read: SlabRead, rows: Int32Array): Run[] {
  const { chunkRows } = read.layout;
  if (read.start !== undefined) return consecutiveRuns(read.start, rows.length, chunkRows);
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

/** The runs of rows `start..start + count - 1`: one per chunk they touch. */
function consecutiveRuns(start: number, count: number, chunkRows: number): Run[] {
  const runs: Run[] = [];
  for (let first = start; first < start + count; ) {
    const chunk = Math.floor(first / chunkRows);
    const last = Math.min(start + count, (chunk + 1) * chunkRows) - 1;
    runs.push({ chunk, first, last });
    first = last + 1;
  }
  return runs;
}

/** The first row when `rows` are consecutive and ascending (`start`, `start + 1`, ...), else undefined. */
function consecutiveStart(rows: Int32Array): number | undefined {
  const start = rows[0];
  if (start === undefined) return undefined;
  for (let i = 1; i < rows.length; i++) if (rows[i] !== start + i) return undefined;
  return start;
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

/** An output array written by element index. */
type IndexedTarget = { set(a: ArrayLike<unknown>, o: number): void; [i: number]: unknown };

/** One read of a selection: where each wanted slab goes in the output, and how to copy it. */
interface SlabRead {
  store: KeyValueStore;
  layout: SlabLayout;
  signal: AbortSignal | undefined;
  /** The output, C order over the selection's shape. */
  out: TypedArray;
  /** The bytes of `out`, for reads straight into it. */
  outBytes: Uint8Array;
  /**
   * When the wanted rows are consecutive and ascending, the first: row `r` goes to output
   * position `r - start`, and `positions` is not built (a read of many rows allocates nothing
   * per row).
   */
  start: number | undefined;
  /** Otherwise, the output positions along the first axis of each wanted slab (a slab may repeat). */
  positions: Map<number, number[]> | undefined;
  /** Elements per stored slab, and bytes per element. */
  slab: number;
  width: number;
  /** The indices wanted along each axis after the first. */
  inner: Int32Array[];
  /** Whether every slab is wanted whole and in order, so it is copied in one piece. */
  innerWhole: boolean;
  /** Elements per output slab. */
  outSlab: number;
  slabStrides: number[];
  outStrides: number[];
}

/** The output positions along the first axis of `row`, a wanted slab. */
function positionsOf(read: SlabRead, row: number): readonly number[] {
  return read.start !== undefined ? [row - read.start] : read.positions!.get(row)!;
}

/** Where each wanted slab goes: the output positions of each row along the first axis. */
function slabPositions(rows: Int32Array): Map<number, number[]> {
  const positions = new Map<number, number[]>();
  rows.forEach((row, position) => {
    const list = positions.get(row);
    if (list) list.push(position);
    else positions.set(row, [position]);
  });
  return positions;
}

/** Whether `entry` picks every position of an axis of `length`, in order. */
function selectsWhole(entry: AxisSelection | undefined, length: number): boolean {
  if (entry === null || entry === undefined) return true;
  if (!("length" in entry)) return entry.start === 0 && entry.stop === length;
  if (entry.length !== length) return false;
  for (let i = 0; i < length; i++) if (entry[i] !== i) return false;
  return true;
}

/** Plans the read of `selection`: the output and where every wanted slab lands in it. */
function planSlabRead(
  store: KeyValueStore,
  layout: SlabLayout,
  selection: readonly AxisSelection[],
  signal: AbortSignal | undefined,
  into?: { target: TypedArray; offset: number },
): { read: SlabRead; rows: Int32Array } {
  // Whole trailing axes (a lookup by id reads whole rows) are not resolved into positions.
  const innerWhole =
    selection.length <= layout.shape.length &&
    layout.shape.every((length, axis) => axis === 0 || selectsWhole(selection[axis], length));
  const resolved = innerWhole
    ? [...resolveSelection(layout.shape.slice(0, 1), selection.slice(0, 1), layout.axes)]
    : resolveSelection(layout.shape, selection, layout.axes);
  const outShape = innerWhole
    ? [resolved[0]!.length, ...layout.shape.slice(1)]
    : selectionShape(resolved);
  const size = sizeOf(outShape);
  const out =
    into === undefined
      ? allocate(layout.dtype, size)
      : ((into.target as Float32Array).subarray(into.offset, into.offset + size) as TypedArray);
  const inner = resolved.slice(1);
  const start = consecutiveStart(resolved[0]!);
  const read: SlabRead = {
    store,
    layout,
    signal,
    out,
    outBytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
    start,
    positions: start === undefined ? slabPositions(resolved[0]!) : undefined,
    slab: sizeOf(layout.shape.slice(1)),
    width: bytesPerElement(layout.dtype),
    inner,
    innerWhole,
    outSlab: sizeOf(outShape.slice(1)),
    slabStrides: cOrderStrides(layout.shape.slice(1)),
    outStrides: cOrderStrides(outShape.slice(1)),
  };
  return { read, rows: resolved[0]! };
}

/** Copies the wanted elements of inner axes `axis..` of one slab, element by element. */
function copyInner(
  read: SlabRead,
  source: TypedArray,
  axis: number,
  outOffset: number,
  inOffset: number,
): void {
  const target = read.out as unknown as IndexedTarget;
  const indices = read.inner[axis]!;
  if (axis === read.inner.length - 1) {
    for (let i = 0; i < indices.length; i++)
      target[outOffset + i] = (source as unknown as unknown[])[inOffset + indices[i]!];
    return;
  }
  for (let i = 0; i < indices.length; i++)
    copyInner(
      read,
      source,
      axis + 1,
      outOffset + i * read.outStrides[axis]!,
      inOffset + indices[i]! * read.slabStrides[axis]!,
    );
}

/** Places slab `sourceSlab` of `source` at output position `position`. */
function placeSlab(read: SlabRead, source: TypedArray, sourceSlab: number, position: number) {
  const target = read.out as unknown as IndexedTarget;
  const base = sourceSlab * read.slab;
  if (read.innerWhole) {
    target.set((source as Float32Array).subarray(base, base + read.slab), position * read.outSlab);
    return;
  }
  if (read.inner.length === 0) target[position] = (source as unknown as unknown[])[base];
  else copyInner(read, source, 0, position * read.outSlab, base);
}

/** Whether a run's slabs land whole and in order in the output, so it can be read into it. */
function landsInPlace(read: SlabRead, run: Run): boolean {
  if (!read.innerWhole || read.store.readInto === undefined) return false;
  if (read.start !== undefined) return true;
  const first = read.positions!.get(run.first)!;
  if (first.length !== 1) return false;
  for (let row = run.first + 1; row <= run.last; row++) {
    const at = read.positions!.get(row)!;
    if (at.length !== 1 || at[0] !== first[0]! + (row - run.first)) return false;
  }
  return true;
}

/** The error of a chunk that holds fewer bytes than the slabs of `run` need. */
function truncatedChunk(key: string, run: Run, got: number, length: number, offset: number) {
  return new DataError(
    `chunk '${key}'`,
    `holds too few bytes for slabs ${run.first}..${run.last} (got ${got} of ${length} at offset ${offset}); the chunk file is truncated or corrupt`,
  );
}

/** Reads the slabs of `run` (bytes `offset..` of chunk `key`) straight into the output. */
async function readRunInPlace(read: SlabRead, run: Run, key: string, offset: number) {
  const { slab, width } = read;
  const length = (run.last - run.first + 1) * slab * width;
  const at = positionsOf(read, run.first)[0]! * slab * width;
  const out = (read.out as Float32Array).subarray(at / width, (at + length) / width);
  await readBytesInto(read.store, read.layout, key, run, offset, out, read.signal);
}

/**
 * Reads the bytes of the slabs of `run` (from byte `offset` of chunk `key`) straight into `out`
 * (exactly their elements); a missing chunk fills `out` with the fill value, a short one is a
 * DataError.
 */
async function readBytesInto(
  store: KeyValueStore,
  layout: SlabLayout,
  key: string,
  run: Run,
  offset: number,
  out: TypedArray,
  signal: AbortSignal | undefined,
): Promise<void> {
  const length = out.byteLength;
  const bytes = new Uint8Array(out.buffer, out.byteOffset, length);
  const got = await store.readInto!(key, { offset, length }, bytes, 0, { signal });
  if (got === undefined) fillSlabs(out, layout, `chunk '${key}'`);
  else if (got !== length) throw truncatedChunk(key, run, got, length, offset);
}

/** Fetches the slabs of `run` (bytes `offset..` of chunk `key`) and places each where it goes. */
async function readRunByRange(read: SlabRead, run: Run, key: string, offset: number) {
  const { layout, slab, width } = read;
  const count = run.last - run.first + 1;
  const bytes = await read.store.get(key, {
    range: { offset, length: count * slab * width },
    signal: read.signal,
  });
  let values: TypedArray;
  if (bytes === undefined) {
    values = allocate(layout.dtype, count * slab);
    fillSlabs(values, layout, `chunk '${key}'`);
  } else {
    if (bytes.byteLength !== count * slab * width)
      throw truncatedChunk(key, run, bytes.byteLength, count * slab * width, offset);
    const aligned = bytes.byteOffset % width === 0 ? bytes : bytes.slice();
    const Typed = typedArrayConstructor(layout.dtype);
    values = new Typed(aligned.buffer, aligned.byteOffset, count * slab);
  }
  for (let row = run.first; row <= run.last; row++) {
    for (const position of positionsOf(read, row))
      placeSlab(read, values, row - run.first, position);
  }
}

/** Reads one run of consecutive slabs of one chunk into the output. */
async function readRun(read: SlabRead, run: Run): Promise<void> {
  read.signal?.throwIfAborted();
  const key = read.layout.chunkKey(run.chunk);
  const offset = (run.first - run.chunk * read.layout.chunkRows) * read.slab * read.width;
  if (landsInPlace(read, run)) await readRunInPlace(read, run, key, offset);
  else await readRunByRange(read, run, key, offset);
}

/**
 * The row of a read of one whole row (a lookup by id), else undefined: such a read skips the
 * planning of runs and positions.
 */
function singleRow(layout: SlabLayout, selection: readonly AxisSelection[]): number | undefined {
  const first = selection[0];
  if (first === null || first === undefined || !("length" in first) || first.length !== 1)
    return undefined;
  const row = first[0]!;
  if (!Number.isInteger(row) || row < 0 || row >= layout.shape[0]!) return undefined;
  if (selection.length > layout.shape.length) return undefined;
  for (let axis = 1; axis < layout.shape.length; axis++)
    if (!selectsWhole(selection[axis], layout.shape[axis]!)) return undefined;
  return row;
}

/** Reads one whole row: one ranged read of its chunk straight into the output. */
async function readOneRow(
  store: KeyValueStore,
  layout: SlabLayout,
  row: number,
  signal: AbortSignal | undefined,
): Promise<TypedArray> {
  const slab = sizeOf(layout.shape.slice(1));
  const chunk = Math.floor(row / layout.chunkRows);
  const offset = (row - chunk * layout.chunkRows) * slab * bytesPerElement(layout.dtype);
  const run = { chunk, first: row, last: row };
  signal?.throwIfAborted();
  const out = allocate(layout.dtype, slab);
  await readBytesInto(store, layout, layout.chunkKey(chunk), run, offset, out, signal);
  return out;
}

/** Reads `selection` by fetching only the byte ranges of the needed slabs. */
export async function readSlabs(
  store: KeyValueStore,
  layout: SlabLayout,
  selection: readonly AxisSelection[],
  options: IOOptions = {},
): Promise<TypedArray> {
  const row = store.readInto === undefined ? undefined : singleRow(layout, selection);
  if (row !== undefined && sizeOf(layout.shape.slice(1)) > 0)
    return readOneRow(store, layout, row, options.signal);
  const { read, rows } = planSlabRead(store, layout, selection, options.signal);
  await readPlanned(read, rows, options);
  return read.out;
}

/**
 * Reads `selection` into `target` from element `offset` on: whole slabs in order land there
 * straight from the store (`readInto` of the key-value store), others are copied into it.
 */
export async function readSlabsInto(
  store: KeyValueStore,
  layout: SlabLayout,
  selection: readonly AxisSelection[],
  target: TypedArray,
  offset: number,
  options: IOOptions = {},
): Promise<void> {
  const { read, rows } = planSlabRead(store, layout, selection, options.signal, { target, offset });
  await readPlanned(read, rows, options);
}

async function readPlanned(read: SlabRead, rows: Int32Array, options: IOOptions) {
  if (read.out.length === 0) return;
  await forEachLimited(runsOf(read, rows), options.concurrency ?? 16, (run) => readRun(read, run));
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
