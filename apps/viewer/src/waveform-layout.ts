/**
 * Laying values on the feature grid out as panels of curves: one panel per element of the panel
 * axis (e.g. a channel), each a curve along the x axis (e.g. samples). Pure.
 */

import type { FeatureGrid } from "tensortools/browser";

/** Which grid axis runs along x and which one makes the panels. */
export interface PanelLayout {
  /** The axis along x. */
  readonly xAxis: string;
  /** The axis with one panel per element, or `undefined` for a single panel. */
  readonly panelAxis: string | undefined;
}

/**
 * The layout for a grid of one or two feature axes: x is the axis that comes first in
 * `axisOrder` (the dataset's axis order), panels are the other. More axes are an error.
 */
export function panelLayout(grid: FeatureGrid, axisOrder: readonly string[]): PanelLayout {
  if (grid.axes.length === 0 || grid.axes.length > 2)
    throw new Error(
      `the viewer draws components with one or two feature axes; these have ${grid.axes.length} (${grid.axes.join(", ")})`,
    );
  const rank = (axis: string) => {
    const at = axisOrder.indexOf(axis);
    return at < 0 ? Number.POSITIVE_INFINITY : at;
  };
  const [first, second] = [...grid.axes].sort((a, b) => rank(a) - rank(b));
  return { xAxis: first!, panelAxis: second };
}

/**
 * The curves of `values` (one value per feature, C order on the grid, starting at `offset`) for
 * each panel: `curves[p]` holds the values along the x axis at element `p` of the panel axis.
 */
export function panelCurves(
  values: ArrayLike<number | bigint>,
  grid: FeatureGrid,
  layout: PanelLayout,
  offset = 0,
): Float64Array[] {
  const strides = new Array<number>(grid.axes.length);
  let stride = 1;
  for (let d = grid.axes.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= grid.shape[d]!;
  }
  const xAt = grid.axes.indexOf(layout.xAxis);
  const panelAt = layout.panelAxis === undefined ? -1 : grid.axes.indexOf(layout.panelAxis);
  const length = grid.shape[xAt]!;
  const panels = panelAt < 0 ? 1 : grid.shape[panelAt]!;
  return Array.from({ length: panels }, (_, p) => {
    const curve = new Float64Array(length);
    const base = offset + (panelAt < 0 ? 0 : p * strides[panelAt]!);
    for (let i = 0; i < length; i++) curve[i] = Number(values[base + i * strides[xAt]!]);
    return curve;
  });
}

/**
 * The curves of component `k` of a components array (component first, then the grid), as
 * {@link panelCurves} lays them out.
 */
export function componentCurves(
  data: ArrayLike<number | bigint>,
  k: number,
  grid: FeatureGrid,
  layout: PanelLayout,
): Float64Array[] {
  const features = grid.shape.reduce((a, b) => a * b, 1);
  return panelCurves(data, grid, layout, k * features);
}
