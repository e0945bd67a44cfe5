/**
 * Planning a read of a compressed sparse matrix: which compressed vectors (rows of a CSR
 * matrix, columns of a CSC one) are selected and where each lands, where each selected position
 * of the other axis lands, and how the entries are read in bounded pieces.
 */

/**
 * Where the selected positions of the uncompressed ("minor") axis land: for stored position `k`,
 * output positions `out[start[k]..start[k + 1] - 1]` (several when the selection repeats `k`,
 * none when it leaves `k` out). `identity` when every position is selected once, in order.
 */
export interface MinorMap {
  readonly identity: boolean;
  readonly start: Int32Array;
  readonly out: Int32Array;
}

/**
 * The selected vectors of the compressed ("major") axis: distinct stored positions `values` in
 * ascending order, and for the `g`-th of them the output positions `out[start[g]..start[g + 1] - 1]`.
 */
export interface MajorGroups {
  readonly values: Int32Array;
  readonly start: Int32Array;
  readonly out: Int32Array;
}

/** Entries `from..to - 1` of the selected vector number `group` (of {@link MajorGroups}). */
export interface Segment {
  readonly group: number;
  readonly from: number;
  readonly to: number;
}

/** A range of entries read at once and the segments of selected vectors it covers. */
export interface Piece {
  readonly start: number;
  readonly stop: number;
  readonly segments: readonly Segment[];
}

function iota(length: number): Int32Array {
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = i;
  return out;
}

/** Where each selected minor position lands (see {@link MinorMap}). */
export function minorMap(positions: Int32Array, length: number): MinorMap {
  let identity = positions.length === length;
  for (let i = 0; identity && i < positions.length; i++) identity = positions[i] === i;
  if (identity) return { identity, start: new Int32Array(0), out: new Int32Array(0) };
  const start = new Int32Array(length + 1);
  for (const k of positions) start[k + 1]!++;
  for (let k = 0; k < length; k++) start[k + 1]! += start[k]!;
  const filled = start.slice(0, length);
  const out = new Int32Array(positions.length);
  positions.forEach((k, i) => {
    out[filled[k]!++] = i;
  });
  return { identity, start, out };
}

/** The selected major positions grouped by stored position (see {@link MajorGroups}). */
export function majorGroups(positions: Int32Array): MajorGroups {
  let ascending = true;
  for (let i = 1; ascending && i < positions.length; i++)
    ascending = positions[i]! > positions[i - 1]!;
  if (ascending)
    return { values: positions, start: iota(positions.length + 1), out: iota(positions.length) };
  const order = iota(positions.length).sort((a, b) => positions[a]! - positions[b]! || a - b);
  const values: number[] = [];
  const start: number[] = [];
  order.forEach((i, rank) => {
    if (rank === 0 || positions[i] !== positions[order[rank - 1]!]) {
      values.push(positions[i]!);
      start.push(rank);
    }
  });
  start.push(order.length);
  return { values: Int32Array.from(values), start: Int32Array.from(start), out: order };
}

/**
 * The groups `first..` split into clusters whose index pointers are read at once: neighbours at
 * most `gap` positions apart, a cluster spanning at most `span` positions. Returns the first
 * group of each cluster and, last, the number of groups.
 */
export function clusters(values: Int32Array, gap: number, span: number): number[] {
  const bounds: number[] = [];
  for (let g = 0; g < values.length; g++) {
    const first = bounds[bounds.length - 1];
    if (
      first === undefined ||
      values[g]! - values[g - 1]! > gap ||
      values[g]! - values[first]! >= span
    )
      bounds.push(g);
  }
  bounds.push(values.length);
  return bounds;
}

/**
 * The pieces that read the entries of `segments` (in ascending order of entries): neighbouring
 * segments share a piece when at most `gap` entries lie between them and the piece stays within
 * `limit` entries; a segment longer than `limit` is cut into pieces of `limit`.
 */
export function pieces(segments: Iterable<Segment>, gap: number, limit: number): Piece[] {
  const out: Piece[] = [];
  let current: { start: number; stop: number; segments: Segment[] } | undefined;
  const push = (segment: Segment) => {
    if (
      current !== undefined &&
      segment.from - current.stop <= gap &&
      segment.to - current.start <= limit
    ) {
      current.segments.push(segment);
      current.stop = segment.to;
      return;
    }
    if (current !== undefined) out.push(current);
    current = { start: segment.from, stop: segment.to, segments: [segment] };
  };
  for (const segment of segments) {
    if (segment.from === segment.to) continue;
    for (let from = segment.from; from < segment.to; from += limit)
      push({ group: segment.group, from, to: Math.min(segment.to, from + limit) });
  }
  if (current !== undefined) out.push(current);
  return out;
}
