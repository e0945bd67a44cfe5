/**
 * Colouring instances by a metadata column: a palette and legend for categories, binned gradient
 * steps for numbers. Pure: it sees column values, never the page.
 */

import type { AnyColumn } from "tensortools/browser";

/** At most this many categories get their own colour; the rest share "other". */
export const MAX_CATEGORIES = 10;

/** An integer column with at most this many distinct values is coloured as categories. */
export const MAX_INTEGER_CATEGORIES = 12;

/** The number of gradient steps a numeric column is binned into. */
export const GRADIENT_STEPS = 8;

/** The colour of rows whose value is null (or NaN). */
export const NULL_COLOUR = "#b0b0b0";

/** The colour of the categories beyond {@link MAX_CATEGORIES}. */
export const OTHER_COLOUR = "#7f7f7f";

/** A categorical palette (Tableau 10), distinguishable on white. */
export const CATEGORY_PALETTE: readonly string[] = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

/** Stops of the viridis colour map, low to high, as RGB. */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

/** One colour group: a legend entry and the colour of its points. */
export interface ColourGroup {
  /** What the legend says, e.g. `target` or `0.25 – 0.50`. */
  readonly label: string;
  /** A CSS colour. */
  readonly colour: string;
}

/** How a column colours the rows of a table: a group per row, and the groups in legend order. */
export interface ColourScale {
  /** `categorical` (palette), `numeric` (gradient steps) or `none` (one colour for all). */
  readonly kind: "categorical" | "numeric" | "none";
  /** The legend entries; the group of a row indexes this list. */
  readonly groups: readonly ColourGroup[];
  /** The group of every row of the table. */
  readonly groupOfRow: Uint16Array;
  /** For a numeric scale, the finite value range the gradient spans. */
  readonly range?: readonly [number, number];
}

/** The colour of viridis at `t` in [0, 1], interpolated between its stops, as `rgb(...)`. */
export function gradientColour(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const position = clamped * (VIRIDIS.length - 1);
  const low = Math.floor(position);
  const high = Math.min(VIRIDIS.length - 1, low + 1);
  const fraction = position - low;
  const channel = (i: number) =>
    Math.round(VIRIDIS[low]![i]! + (VIRIDIS[high]![i]! - VIRIDIS[low]![i]!) * fraction);
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}

/** The value of row `row` as a number, or `NaN` when null or not numeric. */
function numberAt(column: AnyColumn, row: number): number {
  if (column.valid !== undefined && column.valid[row] === 0) return Number.NaN;
  const value = column.values[row];
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return Number.NaN;
}

/** The value of row `row` as a category label, or `null` when null. */
function labelAt(column: AnyColumn, row: number): string | null {
  if (column.valid !== undefined && column.valid[row] === 0) return null;
  const value = column.values[row];
  if (column.type === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

/** Whether the column is coloured by category: text, booleans, lists and few-valued integers. */
export function isCategorical(column: AnyColumn): boolean {
  if (column.type === "string" || column.type === "boolean" || column.type === "list<string>")
    return true;
  if (column.type !== "int32" && column.type !== "int64") return false;
  const seen = new Set<string>();
  for (let row = 0; row < column.values.length; row++) {
    const label = labelAt(column, row);
    if (label !== null) seen.add(label);
    if (seen.size > MAX_INTEGER_CATEGORIES) return false;
  }
  return true;
}

/** Categories by count (ties by first appearance), the top ones coloured, the rest "other". */
function categoricalScale(column: AnyColumn, rows: number): ColourScale {
  const counts = new Map<string, number>();
  let nulls = 0;
  for (let row = 0; row < rows; row++) {
    const label = labelAt(column, row);
    if (label === null) nulls++;
    else counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const byCount = [...counts].sort((a, b) => b[1] - a[1]).map(([label]) => label);
  const overflow = byCount.length > MAX_CATEGORIES;
  const named = overflow ? byCount.slice(0, MAX_CATEGORIES - 1) : byCount;
  const ordered = [...named].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const groups: ColourGroup[] = ordered.map((label, i) => ({
    label,
    colour: CATEGORY_PALETTE[i % CATEGORY_PALETTE.length]!,
  }));
  const groupOf = new Map(ordered.map((label, i) => [label, i]));
  const otherGroup = overflow ? groups.push({ label: "other", colour: OTHER_COLOUR }) - 1 : -1;
  const nullGroup = nulls > 0 ? groups.push({ label: "null", colour: NULL_COLOUR }) - 1 : -1;
  const groupOfRow = new Uint16Array(rows);
  for (let row = 0; row < rows; row++) {
    const label = labelAt(column, row);
    groupOfRow[row] = label === null ? nullGroup : (groupOf.get(label) ?? otherGroup);
  }
  return { kind: "categorical", groups, groupOfRow };
}

/** Short text for a bin edge. */
function edgeText(value: number): string {
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(2)
    : Number(value.toPrecision(3)).toString();
}

/** Equal-width bins over the finite range, each a step of the gradient; nulls and NaN grey. */
function numericScale(column: AnyColumn, rows: number): ColourScale {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let nulls = 0;
  for (let row = 0; row < rows; row++) {
    const value = numberAt(column, row);
    if (!Number.isFinite(value)) nulls++;
    else {
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  if (min > max) {
    const groupOfRow = new Uint16Array(rows);
    return { kind: "numeric", groups: [{ label: "null", colour: NULL_COLOUR }], groupOfRow };
  }
  const steps = min === max ? 1 : GRADIENT_STEPS;
  const width = (max - min) / steps;
  // An edge within a thousandth of a step from zero is zero, not rounding noise such as 8.8e-6.
  const edge = (i: number) => {
    const value = min + i * width;
    return edgeText(Math.abs(value) < width * 1e-3 ? 0 : value);
  };
  const groups: ColourGroup[] = Array.from({ length: steps }, (_, i) => ({
    label: steps === 1 ? edgeText(min) : `${edge(i)} – ${edge(i + 1)}`,
    colour: gradientColour(steps === 1 ? 0.5 : (i + 0.5) / steps),
  }));
  const nullGroup = nulls > 0 ? groups.push({ label: "null", colour: NULL_COLOUR }) - 1 : -1;
  const groupOfRow = new Uint16Array(rows);
  for (let row = 0; row < rows; row++) {
    const value = numberAt(column, row);
    groupOfRow[row] = !Number.isFinite(value)
      ? nullGroup
      : Math.min(steps - 1, Math.floor((value - min) / (width || 1)));
  }
  return { kind: "numeric", groups, groupOfRow, range: [min, max] };
}

/**
 * The colour scale of `column` over all its rows (so colours stay put while a query narrows the
 * points): categories for text, booleans and integers with few values, a gradient otherwise.
 * Without a column, every row is in one group.
 */
export function colourScale(column: AnyColumn | undefined, rows: number): ColourScale {
  if (column === undefined)
    return {
      kind: "none",
      groups: [{ label: "all", colour: CATEGORY_PALETTE[0]! }],
      groupOfRow: new Uint16Array(rows),
    };
  return isCategorical(column) ? categoricalScale(column, rows) : numericScale(column, rows);
}
