/**
 * The scatter's data: the matching rows split into one x/y series per colour group, and the
 * point nearest to a click. Pure, so it runs in Node tests.
 */

/** The points of one colour group: coordinates and the table row each point stands for. */
export interface PointSeries {
  /** The x values. */
  readonly x: Float64Array;
  /** The y values. */
  readonly y: Float64Array;
  /** The table row of each point. */
  readonly rows: Int32Array;
}

/**
 * One series per colour group holding the rows of `rows` whose x and y are both finite, in row
 * order. Rows without a score (null or NaN) are left out: they have no place on the plane.
 */
export function splitByGroup(
  rows: Int32Array,
  groupOfRow: Uint16Array,
  groupCount: number,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
): PointSeries[] {
  const counts = new Int32Array(groupCount);
  for (const row of rows)
    if (Number.isFinite(xs[row]!) && Number.isFinite(ys[row]!)) counts[groupOfRow[row]!]!++;
  const series = Array.from(counts, (count) => ({
    x: new Float64Array(count),
    y: new Float64Array(count),
    rows: new Int32Array(count),
  }));
  const filled = new Int32Array(groupCount);
  for (const row of rows) {
    const x = xs[row]!;
    const y = ys[row]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const group = groupOfRow[row]!;
    const at = filled[group]!++;
    const target = series[group]!;
    target.x[at] = x;
    target.y[at] = y;
    target.rows[at] = row;
  }
  return series;
}

/**
 * The points of the rows of a table not in `rows` whose x and y are both finite: the context a
 * query's selection is drawn in.
 *
 * @example
 * ```ts
 * otherPoints(3, Int32Array.of(1), [0, 1, 2], [0, 1, Number.NaN]).rows; // Int32Array [0]
 * ```
 */
export function otherPoints(
  rowCount: number,
  rows: Int32Array,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
): PointSeries {
  const chosen = new Uint8Array(rowCount);
  for (const row of rows) chosen[row] = 1;
  const others = Int32Array.from({ length: rowCount }, (_, row) => row).filter(
    (row) => chosen[row] === 0,
  );
  return splitByGroup(others, new Uint16Array(rowCount), 1, xs, ys)[0]!;
}

/** The number of points over all series. */
export function pointCount(series: readonly PointSeries[]): number {
  return series.reduce((sum, s) => sum + s.rows.length, 0);
}

/** Where a click landed and how data units map to pixels on each axis. */
export interface ClickTarget {
  /** The click in data units. */
  readonly x: number;
  readonly y: number;
  /** Pixels per data unit along x and y (absolute values). */
  readonly pixelsPerX: number;
  readonly pixelsPerY: number;
  /** How far, in pixels, a point may be from the click and still be hit. */
  readonly radius: number;
}

/** The table row of the point nearest to the click within its radius, or `undefined`. */
export function nearestRow(
  series: readonly PointSeries[],
  target: ClickTarget,
): number | undefined {
  let best: number | undefined;
  let bestDistance = target.radius * target.radius;
  for (const s of series) {
    for (let i = 0; i < s.rows.length; i++) {
      const dx = (s.x[i]! - target.x) * target.pixelsPerX;
      const dy = (s.y[i]! - target.y) * target.pixelsPerY;
      const distance = dx * dx + dy * dy;
      if (distance <= bestDistance) {
        bestDistance = distance;
        best = s.rows[i]!;
      }
    }
  }
  return best;
}
