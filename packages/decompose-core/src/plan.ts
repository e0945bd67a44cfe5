/** Resolves a validated config against a view: axes, the unfolding, subsets, weights and limits. */

import { ConfigError, INSTANCE_TABLE, type ReadableView } from "@tt/schema";
import type { PreprocessConfig } from "./config-fields.js";
import { assertViewHasData } from "./empty-view.js";

/**
 * Everything about the data a fit works on that follows from the view and the config. The fit
 * sees it unfolded along the instance axis: an n × p matrix, p the product of the lengths of the
 * column axes (after `sample_mask`), last axis fastest.
 */
export interface Plan {
  /** The view's axes; the first is the instance axis. */
  axes: readonly string[];
  /** The instance (row) axis. */
  rowAxis: string;
  /** Instances in the view. */
  n: number;
  /** The column axes, in the order their positions vary (last fastest). */
  columnAxes: string[];
  /** Kept positions (into the view) of each column axis, after `sample_mask`. */
  kept: Record<string, Int32Array>;
  /** Length of each column axis after `sample_mask` (for CP, the dims of the factors). */
  columnShape: number[];
  /** Number of matrix columns. */
  p: number;
  /** Elements per instance in the view (the stride of the first axis). */
  slab: number;
  /** For each matrix column, its offset within an instance's slab of the view; null if identical. */
  columnSource: Int32Array | null;
  /** The product of the weights of each matrix column, or null without weights. */
  columnWeights: Float64Array | null;
}

/** Resolves an axis name of the config: the view's axis, or `"instance"` for the first axis. */
export function resolveAxis(view: ReadableView, name: string, field: string): string {
  if (view.axes.includes(name)) return name;
  if (name === "instance") return view.axes[0]!;
  throw new ConfigError(
    field,
    `the view has no axis '${name}'; its axes are ${view.axes.join(", ")} ("instance" names the first)`,
  );
}

function keptPositions(view: ReadableView, config: PreprocessConfig, axis: string): Int32Array {
  const length = view.shape[view.axes.indexOf(axis)]!;
  const mask = config.sample_mask;
  if (mask === null || resolveAxis(view, mask.axis, "sample_mask.axis") !== axis)
    return Int32Array.from({ length }, (_, i) => i);
  if ("indices" in mask) {
    const bad = mask.indices.findIndex((i) => i >= length);
    if (bad >= 0)
      throw new ConfigError(
        `sample_mask.indices[${bad}]`,
        `position ${mask.indices[bad]} is outside axis '${axis}' of length ${length}`,
      );
    return Int32Array.from(mask.indices);
  }
  if ("mask" in mask) {
    if (mask.mask.length !== length)
      throw new ConfigError(
        "sample_mask.mask",
        `has ${mask.mask.length} entries for axis '${axis}' of length ${length}`,
      );
    const kept = mask.mask.flatMap((keep, i) => (keep ? [i] : []));
    if (kept.length === 0) throw new ConfigError("sample_mask.mask", "keeps no element");
    return Int32Array.from(kept);
  }
  if (mask.stop > length)
    throw new ConfigError(
      "sample_mask.stop",
      `${mask.stop} is beyond the end of axis '${axis}' (length ${length})`,
    );
  return Int32Array.from({ length: mask.stop - mask.start }, (_, i) => mask.start + i);
}

/**
 * Resolves `config` against `view`; every mismatch is a ConfigError naming the field, and a view
 * with an empty axis is an InvalidSelectionError (or a DataError without selectors). The column
 * axes are the view's axes after the first, in the view's order, unless `orderColumns` orders them
 * (it runs after the instance axis is checked, and should throw a ConfigError on a bad order).
 */
export function planUnfolding(
  view: ReadableView,
  config: PreprocessConfig,
  orderColumns: () => string[] = () => view.axes.slice(1),
): Plan {
  const rowAxis = instanceAxis(view, config);
  const columnAxes = orderColumns();
  const kept: Record<string, Int32Array> = {};
  for (const axis of columnAxes) kept[axis] = keptPositions(view, config, axis);
  const columnShape = columnAxes.map((axis) => kept[axis]!.length);
  const p = columnShape.reduce((a, b) => a * b, 1);
  const { strides, slab } = viewStrides(view);
  const weights = weightAxes(view, config, rowAxis);
  const { columnSource, columnWeights } = unfoldColumns(
    { columnAxes, kept, columnShape, p },
    strides,
    weights,
  );
  const identity = p === slab && columnSource.every((offset, j) => offset === j);
  return {
    axes: view.axes,
    rowAxis,
    n: view.shape[0]!,
    columnAxes,
    kept,
    columnShape,
    p,
    slab,
    columnSource: identity ? null : columnSource,
    columnWeights: weights.length > 0 ? columnWeights : null,
  };
}

/**
 * The instance axis (the view's first), after checking that the view can be unfolded: at least 2
 * axes, none empty, and no `sample_mask` on the instance axis.
 */
function instanceAxis(view: ReadableView, config: PreprocessConfig): string {
  if (view.axes.length < 2)
    throw new ConfigError(
      "(view)",
      `needs at least 2 axes (instances and features), got ${view.axes.length}`,
    );
  assertViewHasData(view);
  const rowAxis = view.axes[0]!;
  if (view.axes.indexOf(INSTANCE_TABLE) > 0)
    throw new ConfigError(
      "(view)",
      `has an axis named '${INSTANCE_TABLE}' that is not its first: a result names the first axis's table '${INSTANCE_TABLE}', so rename that axis or transpose the data to put it first`,
    );
  if (
    config.sample_mask !== null &&
    resolveAxis(view, config.sample_mask.axis, "sample_mask.axis") === rowAxis
  )
    throw new ConfigError(
      "sample_mask.axis",
      `cannot subset the instance axis '${rowAxis}': select instances with the view (query, filter) instead`,
    );
  return rowAxis;
}

/** The stride of each axis after the first in the view (C order), and of the first: the slab. */
function viewStrides(view: ReadableView): { strides: Map<string, number>; slab: number } {
  const strides = new Map<string, number>();
  let stride = 1;
  for (let d = view.axes.length - 1; d >= 1; d--) {
    strides.set(view.axes[d]!, stride);
    stride *= view.shape[d]!;
  }
  return { strides, slab: stride };
}

/** A weighted axis and its weights, one per position of the view's axis. */
interface WeightAxis {
  axis: string;
  list: number[];
}

/** The axes of `config.weights`, checked: feature axes, one weight per position. */
function weightAxes(view: ReadableView, config: PreprocessConfig, rowAxis: string): WeightAxis[] {
  return Object.entries(config.weights).map(([name, list]) => {
    const axis = resolveAxis(view, name, `weights.${name}`);
    if (axis === rowAxis)
      throw new ConfigError(
        `weights.${name}`,
        "weights apply to the feature axes, not to the instances",
      );
    const length = view.shape[view.axes.indexOf(axis)]!;
    if (list.length !== length)
      throw new ConfigError(
        `weights.${name}`,
        `has ${list.length} entries for axis '${axis}' of length ${length}`,
      );
    return { axis, list };
  });
}

/**
 * For each matrix column (the kept positions of the column axes, last fastest), its offset within
 * an instance's slab of the view and the product of its weights.
 */
function unfoldColumns(
  columns: Pick<Plan, "columnAxes" | "kept" | "columnShape" | "p">,
  strides: ReadonlyMap<string, number>,
  weights: readonly WeightAxis[],
): { columnSource: Int32Array; columnWeights: Float64Array } {
  const { columnAxes, kept, columnShape, p } = columns;
  const columnSource = new Int32Array(p);
  const columnWeights = new Float64Array(p).fill(1);
  const index = new Array<number>(columnAxes.length).fill(0);
  for (let j = 0; j < p; j++) {
    let offset = 0;
    let weight = 1;
    columnAxes.forEach((axis, d) => {
      const position = kept[axis]![index[d]!]!;
      offset += position * strides.get(axis)!;
      for (const w of weights) if (w.axis === axis) weight *= w.list[position]!;
    });
    columnSource[j] = offset;
    columnWeights[j] = weight;
    for (let d = columnAxes.length - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < columnShape[d]!) break;
      index[d] = 0;
    }
  }
  return { columnSource, columnWeights };
}
