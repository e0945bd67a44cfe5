/** CP's view of the data: a tensor of 3 or more axes, unfolded along the instance axis. */

import { type Plan, type PreprocessConfig, planUnfolding } from "@tt/decompose-core";
import { ConfigError, type ReadableView } from "@tt/schema";

/**
 * Resolves `config` against `view` of 3 or more axes; the plan's column axes are the non-instance
 * axes in the view's order and its column shape the dims of the CP factors. Every mismatch is a
 * ConfigError naming the field.
 */
export function planTensor(view: ReadableView, config: PreprocessConfig): Plan {
  if (view.axes.length < 3)
    throw new ConfigError(
      "(view)",
      `CP needs a view of 3 or more axes (instances and at least two more), got ${view.axes.length} (${view.axes.join(", ")}); use svd or pca for matrices`,
    );
  return planUnfolding(view, config);
}
