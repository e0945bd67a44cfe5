/**
 * An instance rebuilt from a decomposition: center + (sum_k score_k * component_k) * scale /
 * weight, on the feature grid of the components. Pure arithmetic on plain arrays.
 */

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

/** What an instance's reconstruction needs besides its scores, each on the feature grid. */
export interface ReconstructionParts {
  /** The mean subtracted before the fit, per feature; none when the fit did not center. */
  readonly center?: Float64Array;
  /** The scale divided out before the fit, per feature; none when it did not scale. */
  readonly scale?: Float64Array;
  /** The feature weights multiplied in before the fit; none without weights. */
  readonly weights?: Float64Array;
}

/** The number of features of a grid. */
export function featureCount(grid: FeatureGrid): number {
  return grid.shape.reduce((a, b) => a * b, 1);
}

/** The feature grid of a components array whose first axis is the component axis. */
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
 * it keeps the instance axis too (one value per instance), `row` picks the instance's slice.
 * An axis the grid does not have, or a length that differs, is an error naming it.
 */
export function broadcast(
  statistic: NamedArray,
  grid: FeatureGrid,
  instance?: { axis: string; row: number },
): Float64Array {
  const strides = new Array<number>(statistic.axes.length);
  let stride = 1;
  for (let d = statistic.axes.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= statistic.shape[d]!;
  }
  let base = 0;
  const featureStrides = grid.axes.map(() => 0);
  statistic.axes.forEach((axis, d) => {
    if (instance !== undefined && axis === instance.axis) {
      base = instance.row * strides[d]!;
      return;
    }
    const position = grid.axes.indexOf(axis);
    if (position < 0)
      throw new Error(
        `the statistic has axis '${axis}', which the components do not have (${grid.axes.join(", ")})`,
      );
    if (statistic.shape[d] !== grid.shape[position])
      throw new Error(
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
 * Per-feature weights from per-axis weight lists (`config.weights` of a PCA), where `positions`
 * gives, for each feature axis, the dataset position of each of its elements on the grid.
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

/**
 * The reconstruction of one instance from its scores: `center + (sum_k scores[k] *
 * components[k]) * scale / weights`, per feature of the components' grid.
 */
export function reconstruct(
  components: NamedArray,
  scores: ArrayLike<number>,
  parts: ReconstructionParts = {},
): Float64Array {
  const rank = components.shape[0]!;
  const features = featureCount(gridOf(components));
  if (scores.length !== rank)
    throw new Error(`${scores.length} scores for ${rank} components; they must match`);
  const values = new Float64Array(features);
  for (let k = 0; k < rank; k++) {
    const score = scores[k]!;
    const offset = k * features;
    for (let j = 0; j < features; j++) values[j]! += score * Number(components.data[offset + j]);
  }
  const { center, scale, weights } = parts;
  for (let j = 0; j < features; j++) {
    let value = values[j]!;
    if (weights !== undefined) value /= weights[j]!;
    if (scale !== undefined) value *= scale[j]!;
    if (center !== undefined) value += center[j]!;
    values[j] = value;
  }
  return values;
}
