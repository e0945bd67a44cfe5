/**
 * Reading a selection of a compressed sparse matrix as a dense block: index pointers of the
 * selected compressed vectors, then their entries in bounded pieces, scattered (and summed, as
 * scipy sums duplicate entries) into the block.
 */

import { allocate, type DType, type TypedArray } from "@tt/schema";
import {
  clusters,
  type MajorGroups,
  type MinorMap,
  majorGroups,
  minorMap,
  type Piece,
  pieces,
  type Segment,
} from "./sparse-plan.js";
import { checkedIndices, checkedPointers, type SparseVector } from "./sparse-vectors.js";

/** How much a read reads at once (tests make them small to reach every path). */
export interface SparseReadLimits {
  /** Most entries (of `data` and of `indices` each) read at once. */
  readonly pieceEntries: number;
  /** Entries of unselected vectors read rather than starting a new piece. */
  readonly entryGap: number;
  /** Most index pointers read at once. */
  readonly pointerSpan: number;
  /** The most positions between selected vectors whose index pointers one read bridges. */
  readonly pointerGap: number;
}

/** The limits of reads: pieces of a million entries (4-8 MB per member), 64 Ki index pointers. */
export const READ_LIMITS: SparseReadLimits = Object.freeze({
  pieceEntries: 1 << 20,
  entryGap: 1 << 14,
  pointerSpan: 1 << 16,
  pointerGap: 1 << 12,
});
/** How long a read may hold the thread before it lets other work run. */
const SLICE_MS = 50;

/** The members of a sparse matrix and how its reported axes relate to them. */
export interface SparseSource {
  readonly data: SparseVector;
  readonly indices: SparseVector;
  readonly indptr: SparseVector;
  /** Number of stored entries. */
  readonly nnz: number;
  /** The reported axis the index pointers run along (0: rows are compressed, as in CSR). */
  readonly majorAxis: 0 | 1;
  /** Reported shape. */
  readonly shape: readonly [number, number];
}

/** A dense output block: C order over the selected reported shape, from `offset` on. */
interface Output {
  readonly target: TypedArray;
  readonly offset: number;
  /** Output stride of a major position and of a minor position. */
  readonly majorStride: number;
  readonly minorStride: number;
}

type Cells = { [i: number]: number };

/**
 * Adds entries `from..to - 1` (of the piece's arrays) of one selected vector, selected once, into
 * the output when every minor position is selected once in order: the common case, kept tight.
 */
function scatterRun(
  values: Cells,
  indices: Int32Array,
  [from, to]: [number, number],
  target: Cells,
  base: number,
  minorStride: number,
): void {
  if (minorStride === 1) for (let e = from; e < to; e++) target[base + indices[e]!]! += values[e]!;
  else for (let e = from; e < to; e++) target[base + indices[e]! * minorStride]! += values[e]!;
}

/** Adds the entries of one piece into the output (duplicates sum, as in scipy's `toarray`). */
function scatterPiece(
  piece: Piece,
  data: TypedArray,
  indices: Int32Array,
  groups: MajorGroups,
  minor: MinorMap,
  output: Output,
): void {
  const target = output.target as unknown as Cells;
  const values = data as unknown as Cells;
  const { offset, majorStride, minorStride } = output;
  for (const { group, from, to } of piece.segments) {
    const o0 = groups.start[group]!;
    const o1 = groups.start[group + 1]!;
    const range: [number, number] = [from - piece.start, to - piece.start];
    if (minor.identity && o1 - o0 === 1) {
      const base = offset + groups.out[o0]! * majorStride;
      scatterRun(values, indices, range, target, base, minorStride);
      continue;
    }
    for (let e = range[0]; e < range[1]; e++) {
      const k = indices[e]!;
      const value = values[e]!;
      const m0 = minor.identity ? k : minor.start[k]!;
      const m1 = minor.identity ? k + 1 : minor.start[k + 1]!;
      for (let m = m0; m < m1; m++) {
        const at = offset + (minor.identity ? k : minor.out[m]!) * minorStride;
        for (let o = o0; o < o1; o++) target[at + groups.out[o]! * majorStride]! += value;
      }
    }
  }
}

/** Lets other work run if this read has held the thread for a while. */
async function pause(since: { at: number }): Promise<void> {
  if (Date.now() - since.at < SLICE_MS) return;
  await new Promise((resolve) => setTimeout(resolve, 0));
  since.at = Date.now();
}

/** The segments of the groups `g0..g1 - 1` given their index pointers from position `first`. */
function* segmentsOf(
  groups: MajorGroups,
  g0: number,
  g1: number,
  pointers: Float64Array,
  first: number,
): Generator<Segment> {
  for (let group = g0; group < g1; group++) {
    const at = groups.values[group]! - first;
    yield { group, from: pointers[at]!, to: pointers[at + 1]! };
  }
}

/** Buffers a read reuses from piece to piece, grown to the largest piece it meets. */
interface Scratch {
  indices?: TypedArray;
  data?: TypedArray;
  checked?: Int32Array;
}

/** What the clusters of one read share. */
interface ReadContext {
  readonly source: SparseSource;
  readonly groups: MajorGroups;
  readonly minor: MinorMap;
  readonly output: Output;
  readonly limits: SparseReadLimits;
  readonly signal: AbortSignal | undefined;
  readonly since: { at: number };
  readonly scratch: Scratch;
}

/** `buffer` if it holds `length` elements, else a new one of `dtype`. */
function room<T extends TypedArray>(buffer: T | undefined, dtype: DType, length: number): T {
  return buffer !== undefined && buffer.length >= length ? buffer : (allocate(dtype, length) as T);
}

/** The scratch buffers, with room for the largest piece of `planned`. */
function scratchFor(context: ReadContext, planned: readonly Piece[]): Required<Scratch> {
  const { scratch, source } = context;
  const largest = planned.reduce((n, piece) => Math.max(n, piece.stop - piece.start), 0);
  scratch.indices = room(scratch.indices, source.indices.dtype, largest);
  scratch.data = room(scratch.data, source.data.dtype, largest);
  scratch.checked = room(scratch.checked, "int32", largest);
  return scratch as Required<Scratch>;
}

/** Reads and scatters the selected vectors `g0..g1 - 1` (one cluster). */
async function readCluster(context: ReadContext, [g0, g1]: [number, number]): Promise<void> {
  const { source, groups, limits, signal } = context;
  const { data, indices, indptr, nnz } = source;
  const first = groups.values[g0]!;
  const stop = groups.values[g1 - 1]! + 2;
  const raw = await indptr.readRange(first, stop, signal);
  const pointers = checkedPointers(raw, nnz, indptr.where, first);
  const segments = segmentsOf(groups, g0, g1, pointers, first);
  const planned = pieces(segments, limits.entryGap, limits.pieceEntries);
  const scratch = scratchFor(context, planned);
  const minorLength = source.shape[1 - source.majorAxis]!;
  for (const piece of planned) {
    signal?.throwIfAborted();
    const [from, to] = [piece.start, piece.stop];
    const rawIndices = await indices.readRange(from, to, signal, scratch.indices);
    const values = await data.readRange(from, to, signal, scratch.data);
    const checked = checkedIndices(rawIndices, minorLength, indices.where, from, scratch.checked);
    scatterPiece(piece, values, checked, groups, context.minor, context.output);
    await pause(context.since);
  }
}

/**
 * Adds the selected elements (`positions`: stored positions per reported axis, output order) of
 * the matrix into `target` from `offset` on, in C order of the selected shape; the caller zeroes
 * the block first. Only the index pointers of the selected compressed vectors and the pieces of
 * entries that hold them are read; selecting along the uncompressed axis alone reads every entry.
 */
export async function readSparse(
  source: SparseSource,
  positions: readonly [Int32Array, Int32Array],
  target: TypedArray,
  offset: number,
  signal: AbortSignal | undefined,
  limits: SparseReadLimits = READ_LIMITS,
): Promise<void> {
  const { majorAxis } = source;
  const minorAxis = 1 - majorAxis;
  const columns = positions[1].length;
  if (positions[0].length === 0 || columns === 0 || source.nnz === 0) return;
  const groups = majorGroups(positions[majorAxis]!);
  const minor = minorMap(positions[minorAxis]!, source.shape[minorAxis]!);
  const output: Output = {
    target,
    offset,
    majorStride: majorAxis === 0 ? columns : 1,
    minorStride: majorAxis === 0 ? 1 : columns,
  };
  const bounds = clusters(groups.values, limits.pointerGap, limits.pointerSpan);
  const since = { at: Date.now() };
  const context = { source, groups, minor, output, limits, signal, since, scratch: {} };
  for (let c = 0; c + 1 < bounds.length; c++) {
    signal?.throwIfAborted();
    await readCluster(context, [bounds[c]!, bounds[c + 1]!]);
  }
}
