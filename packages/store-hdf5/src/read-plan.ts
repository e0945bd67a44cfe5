/**
 * Planning a read: a selection (positions per axis, in any order, with repeats) becomes a few
 * hyperslabs ("boxes") that touch only the chunks holding selected elements, each chunk in one
 * box, and each box knows where its elements go in the output.
 */

/** One axis of a box: the range it reads, and which elements of that range go where. */
export interface BoxAxis {
  /** First position read along the axis. */
  readonly start: number;
  /** How many positions are read. */
  readonly count: number;
  /** Position within the box of each element taken from it. */
  readonly src: Int32Array;
  /** Position in the output (along this axis) of each element taken, matching `src`. */
  readonly dst: Int32Array;
}

/** A hyperslab to read: one {@link BoxAxis} per axis of the dataset. */
export type Box = readonly BoxAxis[];

/** Beyond this many boxes, axes are read as one bounding range each (fewer, larger reads). */
const MAX_BOXES = 4096;

function iota(length: number, from = 0): Int32Array {
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = from + i;
  return out;
}

/** Whether `positions` are consecutive and ascending. */
function isRun(positions: Int32Array): boolean {
  for (let i = 1; i < positions.length; i++) if (positions[i] !== positions[0]! + i) return false;
  return true;
}

/**
 * The ranges one axis is read in. Selected positions are sorted; two neighbours share a range
 * when they lie in the same chunk or in adjacent chunks (`span` positions a chunk), so a range
 * covers only chunks that hold selected positions. A consecutive selection is one range.
 */
export function axisRanges(positions: Int32Array, span: number): BoxAxis[] {
  const length = positions.length;
  if (length === 0) return [];
  if (isRun(positions))
    return [{ start: positions[0]!, count: length, src: iota(length), dst: iota(length) }];
  const unique = Int32Array.from(new Set(positions)).sort();
  const starts: number[] = [unique[0]!];
  const stops: number[] = [];
  for (let k = 1; k < unique.length; k++) {
    if (Math.floor(unique[k]! / span) - Math.floor(unique[k - 1]! / span) > 1) {
      stops.push(unique[k - 1]! + 1);
      starts.push(unique[k]!);
    }
  }
  stops.push(unique[unique.length - 1]! + 1);
  const rangeOf = (value: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= value) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const owners = Int32Array.from(positions, rangeOf);
  const sizes = new Int32Array(starts.length);
  for (const owner of owners) sizes[owner]!++;
  const ranges = starts.map((start, r) => ({
    start,
    count: stops[r]! - start,
    src: new Int32Array(sizes[r]!),
    dst: new Int32Array(sizes[r]!),
  }));
  const filled = new Int32Array(starts.length);
  owners.forEach((owner, i) => {
    const range = ranges[owner]!;
    range.src[filled[owner]!] = positions[i]! - range.start;
    range.dst[filled[owner]!++] = i;
  });
  return ranges;
}

/** The ranges of an axis joined into one bounding range. */
function joined(ranges: BoxAxis[]): BoxAxis {
  const start = ranges[0]!.start;
  const last = ranges[ranges.length - 1]!;
  const src = new Int32Array(ranges.reduce((n, r) => n + r.src.length, 0));
  const dst = new Int32Array(src.length);
  let at = 0;
  for (const range of ranges) {
    for (let k = 0; k < range.src.length; k++, at++) {
      src[at] = range.src[k]! + range.start - start;
      dst[at] = range.dst[k]!;
    }
  }
  return { start, count: last.start + last.count - start, src, dst };
}

/** Every combination of one range per axis. */
function product(axes: BoxAxis[][]): Box[] {
  let boxes: BoxAxis[][] = [[]];
  for (const ranges of axes) boxes = boxes.flatMap((box) => ranges.map((r) => [...box, r]));
  return boxes;
}

/** The part of `axis` that lies in positions `from..to` (absolute), or undefined if none. */
function cut(axis: BoxAxis, from: number, to: number): BoxAxis | undefined {
  const lo = from - axis.start;
  const hi = to - axis.start;
  const keep: number[] = [];
  for (let k = 0; k < axis.src.length; k++)
    if (axis.src[k]! >= lo && axis.src[k]! < hi) keep.push(k);
  if (keep.length === 0) return undefined;
  return {
    start: from,
    count: to - from,
    src: Int32Array.from(keep, (k) => axis.src[k]! - lo),
    dst: Int32Array.from(keep, (k) => axis.dst[k]!),
  };
}

/**
 * `box` cut into boxes of at most `limit` bytes where it can be: along the first axis that can
 * be cut, at multiples of the chunk length (so no chunk is read by two boxes), then the next axis.
 */
export function splitBox(
  box: Box,
  units: readonly number[],
  itemSize: number,
  limit: number,
): Box[] {
  const bytes = box.reduce((n, axis) => n * axis.count, itemSize);
  if (bytes <= limit) return [box];
  for (let a = 0; a < box.length; a++) {
    const axis = box[a]!;
    const unit = units[a]!;
    const step = Math.max(1, Math.floor((limit * axis.count) / bytes / unit)) * unit;
    if (step >= axis.count) continue;
    const pieces: Box[] = [];
    const end = axis.start + axis.count;
    for (let from = axis.start; from < end; from = (Math.floor(from / step) + 1) * step) {
      const piece = cut(axis, from, Math.min(end, (Math.floor(from / step) + 1) * step));
      if (piece === undefined) continue;
      const next = box.map((other, b) => (b === a ? piece : other));
      pieces.push(...splitBox(next, units, itemSize, limit));
    }
    return pieces;
  }
  return [box];
}

/**
 * The boxes that read `positions` (one list per axis, output order) of a dataset chunked in
 * `chunks` (`null`: contiguous), each at most about `limit` bytes. A contiguous dataset reads
 * runs of consecutive positions along its first axis and bounding ranges along the others (its
 * rows lie one after another in the file).
 */
export function planBoxes(
  shape: readonly number[],
  chunks: readonly number[] | null,
  positions: readonly Int32Array[],
  itemSize: number,
  limit: number,
): Box[] {
  const spans = chunks ?? shape.map((n, a) => (a === 0 ? 1 : Math.max(1, n)));
  const axes = positions.map((p, a) => axisRanges(p, spans[a]!));
  if (axes.some((ranges) => ranges.length === 0)) return [];
  let count = axes.reduce((n, ranges) => n * ranges.length, 1);
  while (count > MAX_BOXES) {
    const widest = axes.reduce((w, ranges, a) => (ranges.length > axes[w]!.length ? a : w), 0);
    count /= axes[widest]!.length;
    axes[widest] = [joined(axes[widest]!)];
  }
  const units = chunks ?? shape.map(() => 1);
  return product(axes).flatMap((box) => splitBox(box, units, itemSize, limit));
}
