/** Centering and scaling statistics: where they are taken, how they accumulate, how they apply. */

import { ConfigError, type ReadableView } from "@tt/schema";
import type { PreprocessConfig } from "./config-fields.js";
import { type Plan, resolveAxis } from "./plan.js";

/** Where one statistic (a mean, a scale) is taken: which axes it reduces, which cells it has. */
export interface StatLayout {
  kind: "mean" | "zscore" | "robust";
  /** The reduced axes, resolved. */
  over: string[];
  /** True when the instance axis is not reduced: one value per instance and cell. */
  perRow: boolean;
  /** The cell of each matrix column. */
  cellOfColumn: Int32Array;
  /** Cells per instance (per-row) or in all (per-column). */
  cells: number;
  /** The axes the statistic keeps (instance first when per row), and their lengths. */
  keptAxes: string[];
  keptShape: number[];
}

function layout(
  view: ReadableView,
  plan: Plan,
  kind: StatLayout["kind"],
  overNames: readonly string[] | "all",
  field: string,
): StatLayout {
  const over =
    overNames === "all"
      ? [...plan.axes]
      : overNames.map((name, i) => resolveAxis(view, name, `${field}[${i}]`));
  const reduced = new Set(over);
  const keptColumnAxes = plan.columnAxes.filter((axis) => !reduced.has(axis));
  const keptColumnShape = keptColumnAxes.map((axis) => plan.kept[axis]!.length);
  const cells = keptColumnShape.reduce((a, b) => a * b, 1);
  const cellOfColumn = new Int32Array(plan.p);
  const index = new Array<number>(plan.columnAxes.length).fill(0);
  for (let j = 0; j < plan.p; j++) {
    let cell = 0;
    plan.columnAxes.forEach((axis, d) => {
      if (!reduced.has(axis)) cell = cell * plan.kept[axis]!.length + index[d]!;
    });
    cellOfColumn[j] = cell;
    for (let d = plan.columnAxes.length - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < plan.columnShape[d]!) break;
      index[d] = 0;
    }
  }
  const perRow = !reduced.has(plan.rowAxis);
  return {
    kind,
    over,
    perRow,
    cellOfColumn,
    cells,
    keptAxes: perRow ? [plan.rowAxis, ...keptColumnAxes] : keptColumnAxes,
    keptShape: perRow ? [-1, ...keptColumnShape] : keptColumnShape,
  };
}

/** The layouts of the centering and the scaling of `config`, or undefined for "none". */
export function statLayouts(
  view: ReadableView,
  plan: Plan,
  config: PreprocessConfig,
): { center?: StatLayout; scale?: StatLayout } {
  const out: { center?: StatLayout; scale?: StatLayout } = {};
  if (config.center === "global") out.center = layout(view, plan, "mean", "all", "center");
  else if (config.center !== "none")
    out.center = layout(view, plan, "mean", config.center.over, "center.over");
  if (config.scale !== "none") {
    const kind = "zscore" in config.scale ? "zscore" : "robust";
    const over = "zscore" in config.scale ? config.scale.zscore.over : config.scale.robust.over;
    out.scale = layout(view, plan, kind, over, `scale.${kind}.over`);
  }
  return out;
}

/** Per-column sums about a shift, accumulated over the rows that count; f64. */
export interface ColumnMoments {
  shift: Float64Array;
  count: Float64Array;
  sum: Float64Array;
  sumSquares: Float64Array;
}

/** Empty accumulators with the given shift (a typical value per column, for accuracy). */
export function columnMoments(shift: Float64Array): ColumnMoments {
  const p = shift.length;
  return {
    shift,
    count: new Float64Array(p),
    sum: new Float64Array(p),
    sumSquares: new Float64Array(p),
  };
}

/** Adds the finite entries of the rows of `data` (rows×p) for which `use(row)` holds. */
export function addRows(
  moments: ColumnMoments,
  data: Float32Array | Float64Array,
  rows: number,
  use: (row: number) => boolean,
): void {
  const { shift, count, sum, sumSquares } = moments;
  const p = shift.length;
  for (let i = 0; i < rows; i++) {
    if (!use(i)) continue;
    const base = i * p;
    for (let j = 0; j < p; j++) {
      const x = data[base + j]!;
      if (Number.isNaN(x)) continue;
      const d = x - shift[j]!;
      count[j]!++;
      sum[j]! += d;
      sumSquares[j]! += d * d;
    }
  }
}

/** Mean and standard deviation (ddof 0) per cell of a per-column layout, from column moments. */
export function cellMoments(
  stat: StatLayout,
  moments: ColumnMoments,
): { mean: Float64Array; std: Float64Array } {
  const { shift, count, sum, sumSquares } = moments;
  const n = new Float64Array(stat.cells);
  for (let j = 0; j < shift.length; j++) n[stat.cellOfColumn[j]!]! += count[j]!;
  // The mean as a weighted mean of the column means (shift + mean difference), which stays
  // finite wherever the data does: count · shift alone overflows for values near 1e308.
  const mean = n.map((total) => (total > 0 ? 0 : Number.NaN));
  for (let j = 0; j < shift.length; j++) {
    const c = stat.cellOfColumn[j]!;
    if (count[j]! > 0) mean[c]! += (count[j]! / n[c]!) * (shift[j]! + sum[j]! / count[j]!);
  }
  const squares = new Float64Array(stat.cells);
  for (let j = 0; j < shift.length; j++) {
    const c = stat.cellOfColumn[j]!;
    const d = shift[j]! - mean[c]!;
    squares[c]! += sumSquares[j]! + 2 * d * sum[j]! + count[j]! * d * d;
  }
  const std = squares.map((s, c) => Math.sqrt(Math.max(0, s / n[c]!)));
  return { mean, std };
}

/** The q-quantile of sorted values with numpy's default linear interpolation. */
function quantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (position - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Interquartile range per cell of the finite values `valuesOf(cell)` lists. */
export function cellIqr(cells: number, valuesOf: (cell: number) => number[]): Float64Array {
  const out = new Float64Array(cells);
  for (let c = 0; c < cells; c++) {
    const values = Float64Array.from(valuesOf(c)).sort();
    out[c] = values.length === 0 ? Number.NaN : quantile(values, 0.75) - quantile(values, 0.25);
  }
  return out;
}

/** Scales of zero (constant data) become 1, as scikit-learn's scalers do; NaN (no data) too. */
export function safeScale(scale: Float64Array): Float64Array {
  return scale.map((s) => (s === 0 || Number.isNaN(s) ? 1 : s));
}

/** Per-row statistics of one instance's row: mean, std or IQR per cell over its finite entries. */
export function rowStatistic(
  stat: StatLayout,
  row: Float32Array | Float64Array,
  rowOffset: number,
  p: number,
  out: Float64Array,
  outOffset: number,
): void {
  const values: number[][] = Array.from({ length: stat.cells }, () => []);
  for (let j = 0; j < p; j++) {
    const x = row[rowOffset + j]!;
    if (!Number.isNaN(x)) values[stat.cellOfColumn[j]!]!.push(x);
  }
  for (let c = 0; c < stat.cells; c++) {
    const v = values[c]!;
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    let result = mean;
    if (stat.kind === "zscore") {
      const squares = v.reduce((a, b) => a + (b - mean) * (b - mean), 0);
      result = Math.sqrt(squares / v.length);
    } else if (stat.kind === "robust") {
      result = cellIqr(1, () => v)[0]!;
    }
    out[outOffset + c] = result;
  }
}

/** Refuses statistics that cannot be computed while streaming. */
export function assertStreamable(stat: StatLayout | undefined, budget: number): void {
  if (stat?.kind === "robust" && !stat.perRow)
    throw new ConfigError(
      "scale.robust",
      `medians and quartiles over the instances need the data in memory, which exceeds memory_budget (${budget} bytes); raise memory_budget or use zscore`,
    );
}
