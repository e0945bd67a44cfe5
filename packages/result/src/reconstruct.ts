/**
 * An instance rebuilt from its scores: `center + (Σ_k score_k · component_k) · scale / weights`
 * on the feature grid of the components, which undoes the centering, scaling and weighting a fit
 * applied before it decomposed the data.
 */

import { ArgumentError } from "@tt/schema";
import { featureCount, gridOf, type NamedArray } from "./feature-grid.js";

/** What an instance's reconstruction needs besides its scores, each on the feature grid. */
export interface ReconstructionParts {
  /** The mean subtracted before the fit, per feature; none when the fit did not center. */
  readonly center?: Float64Array;
  /** The scale divided out before the fit, per feature; none when it did not scale. */
  readonly scale?: Float64Array;
  /** The feature weights multiplied in before the fit; none without weights. */
  readonly weights?: Float64Array;
}

/**
 * The reconstruction of one instance from its scores: `center + (Σ_k scores[k] ·
 * components[k]) · scale / weights`, per feature of the components' grid (C order). Scores that
 * do not match the components in number are an ArgumentError.
 *
 * @example
 * ```ts
 * const components = { axes: ["component", "feature"], shape: [2, 3], data: [1, 0, 0, 0, 1, 0] };
 * reconstruct(components, [2, 3], { center: Float64Array.of(1, 1, 1) }); // [3, 4, 1]
 * ```
 */
export function reconstruct(
  components: NamedArray,
  scores: ArrayLike<number>,
  parts: ReconstructionParts = {},
): Float64Array {
  const rank = components.shape[0]!;
  const features = featureCount(gridOf(components));
  if (scores.length !== rank)
    throw new ArgumentError(
      "reconstruct",
      "scores",
      `${scores.length} scores for ${rank} components; they must match`,
    );
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
