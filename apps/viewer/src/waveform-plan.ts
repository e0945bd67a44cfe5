/**
 * How the components' feature grid maps onto the page and onto the dataset: the x values and
 * panel labels of the curves, and where each grid element sits along the dataset's axes.
 */

import {
  type AxisAnnotatedTensor,
  type FeatureGrid,
  gridOf,
  type NamedArray,
  type TensorDataset,
} from "tensortools/browser";
import { axisCoordinates } from "./sample-axis.js";
import { type PanelLayout, panelLayout } from "./waveform-layout.js";

/** Everything fixed about drawing curves on the components' grid. */
export interface WaveformPlan {
  /** The components as a plain named array. */
  readonly components: NamedArray;
  /** Their feature grid. */
  readonly grid: FeatureGrid;
  /** Which axis runs along x and which makes panels. */
  readonly layout: PanelLayout;
  /** The x value of each element of the x axis. */
  readonly x: Float64Array;
  /** What x is: `time_s`, or the axis name. */
  readonly xLabel: string;
  /** One label per panel, e.g. the channel ids. */
  readonly panelLabels: readonly string[];
  /** For each grid axis, the dataset position of each of its elements. */
  readonly positions: readonly Int32Array[];
}

/**
 * The dataset positions of the elements of `axis` on the grid, found by id; when either side has
 * no ids, the grid must span the whole axis and positions are the identity.
 */
function datasetPositions(
  dataset: TensorDataset,
  tensor: AxisAnnotatedTensor,
  axis: string,
  length: number,
): Int32Array {
  const index = tensor.axisIndex[axis];
  const datasetLength = dataset.shape[dataset.axes.indexOf(axis)];
  if (datasetLength === undefined)
    throw new Error(`the components have axis '${axis}', which the dataset does not have`);
  const hasIds = dataset.axisIndexColumns[axis] !== undefined;
  if (index !== undefined && hasIds) {
    const positions = new Int32Array(length);
    let found = true;
    for (let i = 0; i < length && found; i++) {
      const at = dataset.indexOf(axis, index[i] as string | number | bigint);
      if (at === undefined) found = false;
      else positions[i] = at;
    }
    if (found) return positions;
  }
  if (length !== datasetLength)
    throw new Error(
      `the components cover ${length} of the ${datasetLength} elements of '${axis}' and their ids do not match the dataset's`,
    );
  return Int32Array.from({ length }, (_, i) => i);
}

/** The plan for drawing the components and instances of a session on the components' grid. */
export function waveformPlan(dataset: TensorDataset, tensor: AxisAnnotatedTensor): WaveformPlan {
  const components: NamedArray = { axes: tensor.axes, shape: tensor.shape, data: tensor.data };
  const grid = gridOf(components);
  const layout = panelLayout(grid, dataset.axes);
  const xLength = grid.shape[grid.axes.indexOf(layout.xAxis)]!;
  const { values: x, label } = axisCoordinates(
    tensor.axisMeta[layout.xAxis],
    tensor.axisIndex[layout.xAxis],
    layout.xAxis,
    xLength,
  );
  const panelAxis = layout.panelAxis;
  const panels = panelAxis === undefined ? 1 : grid.shape[grid.axes.indexOf(panelAxis)]!;
  const panelIds = panelAxis === undefined ? undefined : tensor.axisIndex[panelAxis];
  const panelLabels = Array.from({ length: panels }, (_, p) =>
    panelAxis === undefined
      ? ""
      : panelIds !== undefined
        ? `${panelAxis} ${String(panelIds[p])}`
        : `${panelAxis} ${p}`,
  );
  const positions = grid.axes.map((axis, d) =>
    datasetPositions(dataset, tensor, axis, grid.shape[d]!),
  );
  return { components, grid, layout, x, xLabel: label, panelLabels, positions };
}
