/**
 * The feature grid of a result, the axes after `component` of its components, and the
 * per-feature values that undo a fit's preprocessing on it: a statistic (a mean or a scale)
 * repeated over the grid, and the product of the per-axis weights. Pure arithmetic on plain
 * arrays.
 */

import { ArgumentError, cOrderStrides } from "@tt/schema";

/** A dense array in C order with named axes, as a result stores its component tensors. */
export interface NamedArray {
  /** The axis names. */
  readonly axes: readonly string[];
  /** The length of each axis. */
  readonly shape: readonly number[];
  /** The values, last axis fastest. */
  readonly data: ArrayLike<number | bigint>;
}

/** The feature grid of a result: the axes after `component`, with their lengths. */
export interface FeatureGrid {
  /** The feature axes in the components' order, e.g. `["sample", "channel"]`. */
  readonly axes: readonly string[];
  /** Their lengths. */
  readonly shape: readonly number[];
}

/**
 * The number of features of a grid: the product of its lengths.
 *
 * @example
 * ```ts
 * featureCount({ axes: ["sample", "channel"], shape: [384, 32] }); // 12288
 * ```
 */
export function featureCount(grid: FeatureGrid): number {
  return grid.shape.reduce((a, b) => a * b, 1);
}

/**
 * The feature grid of a components array whose first axis is the component axis.
 *
 * @example
 * ```ts
 * gridOf(result.componentTensors.components); // { axes: ["sample", "channel"], shape: [384, 32] }
 * ```
 */
export function gridOf(components: NamedArray): FeatureGrid {
  return { axes: components.axes.slice(1), shape: components.shape.slice(1) };
}

/** Calls `visit(feature, index)` for every feature of the grid in C order with its multi-index. */
function forEachFeature(
  grid: FeatureGrid,
  visit: (feature: number, index: readonly number[]) => void,
): void {
  const index = new Array<number>(grid.axes.length).fill(0);
  const count = featureCount(grid);
  for (let feature = 0; feature < count; feature++) {
    visit(feature, index);
    for (let d = grid.axes.length - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < grid.shape[d]!) break;
      index[d] = 0;
    }
  }
}

/**
 * A statistic (a mean or a scale kept over some feature axes) repeated over the whole grid. When
 * it keeps the instance axis too (one value per instance), `instance.row` picks the instance's
 * slice. An axis the grid does not have, or a length that differs, is an ArgumentError naming it.
 *
 * @example
 * ```ts
 * const perChannel = { axes: ["channel"], shape: [2], data: [10, 20] };
 * broadcast(perChannel, { axes: ["sample", "channel"], shape: [3, 2] }); // [10, 20, 10, 20, 10, 20]
 * ```
 */
export function broadcast(
  statistic: NamedArray,
  grid: FeatureGrid,
  instance?: { axis: string; row: number },
): Float64Array {
  const strides = cOrderStrides(statistic.shape);
  let base = 0;
  const featureStrides = grid.axes.map(() => 0);
  statistic.axes.forEach((axis, d) => {
    if (instance !== undefined && axis === instance.axis) {
      base = instance.row * strides[d]!;
      return;
    }
    const position = grid.axes.indexOf(axis);
    if (position < 0)
      throw new ArgumentError(
        "broadcast",
        "statistic",
        `the statistic has axis '${axis}', which the components do not have (${grid.axes.join(", ")})`,
      );
    if (statistic.shape[d] !== grid.shape[position])
      throw new ArgumentError(
        "broadcast",
        "statistic",
        `the statistic's axis '${axis}' has ${statistic.shape[d]} elements, the components' has ${grid.shape[position]}`,
      );
    featureStrides[position] = strides[d]!;
  });
  const values = new Float64Array(featureCount(grid));
  forEachFeature(grid, (feature, index) => {
    let offset = base;
    for (let d = 0; d < index.length; d++) offset += index[d]! * featureStrides[d]!;
    values[feature] = Number(statistic.data[offset]);
  });
  return values;
}

/**
 * Per-feature weights from per-axis weight lists (`config.weights` of a fit), where `positions`
 * gives, for each feature axis, the position in its weight list of each of its elements on the
 * grid; `undefined` when no grid axis has weights.
 *
 * @example
 * ```ts
 * const grid = { axes: ["sample", "channel"], shape: [2, 3] };
 * weightsOnGrid({ channel: [1, 2, 0.5] }, grid, () => [0, 1, 2]); // [1, 2, 0.5, 1, 2, 0.5]
 * ```
 */
export function weightsOnGrid(
  weights: Readonly<Record<string, readonly number[]>>,
  grid: FeatureGrid,
  positions: (axis: string) => ArrayLike<number>,
): Float64Array | undefined {
  const lists = grid.axes.map((axis) => {
    const list = weights[axis];
    return list === undefined ? undefined : { list, at: positions(axis) };
  });
  if (lists.every((entry) => entry === undefined)) return undefined;
  const values = new Float64Array(featureCount(grid));
  forEachFeature(grid, (feature, index) => {
    let weight = 1;
    lists.forEach((entry, d) => {
      if (entry !== undefined) weight *= entry.list[entry.at[index[d]!]!]!;
    });
    values[feature] = weight;
  });
  return values;
}
