/** Tucker's view of the data: a tensor of 3 or more axes unfolded along the instance axis, and its ranks. */

import { type Plan, type PreprocessConfig, planUnfolding } from "@tt/decompose-core";
import { ConfigError, DataError, type ReadableView } from "@tt/schema";

/**
 * Resolves `config` against `view` of 3 or more axes; the plan's column axes are the non-instance
 * axes in the view's order. Every mismatch is a ConfigError naming the field.
 */
export function planTensor(view: ReadableView, config: PreprocessConfig): Plan {
  if (view.axes.length < 3)
    throw new ConfigError(
      "(view)",
      `Tucker needs a view of 3 or more axes (instances and at least two more), got ${view.axes.length} (${view.axes.join(", ")}); use svd or pca for matrices`,
    );
  return planUnfolding(view, config);
}

/**
 * The rank of every mode (instance mode first) from the config's `ranks` and the plan: each at
 * most its mode's length and at most the product of the other ranks (a larger rank would leave
 * a part of the core that is identically zero). A mismatch is a ConfigError naming `ranks`.
 */
export function resolveRanks(ranks: number | readonly number[], plan: Plan): number[] {
  const axes = [plan.rowAxis, ...plan.columnAxes];
  const lengths = [plan.n, ...plan.columnShape];
  const resolved = typeof ranks === "number" ? axes.map(() => ranks) : [...ranks];
  if (resolved.length !== axes.length)
    throw new ConfigError(
      "ranks",
      `needs one rank per axis (${axes.join(", ")}): ${axes.length} numbers, got ${resolved.length}`,
    );
  const total = resolved.reduce((a, b) => a * b, 1);
  resolved.forEach((rank, k) => {
    if (rank > lengths[k]!)
      throw new ConfigError(
        "ranks",
        `rank ${rank} of axis '${axes[k]}' exceeds its length ${lengths[k]}; use at most ${lengths[k]}`,
      );
    if (rank * rank > total)
      throw new ConfigError(
        "ranks",
        `rank ${rank} of axis '${axes[k]}' exceeds the product of the other ranks (${total / rank}); use at most that`,
      );
  });
  return resolved;
}

/** Refuses an instance rank larger than the instances left after `missing: "drop"`. */
export function assertInstanceRank(rank: number, used: number, axis: string): void {
  if (rank > used)
    throw new DataError(
      `axis '${axis}'`,
      `rank ${rank} of the instance axis exceeds the ${used} instance(s) left after dropping those with missing values`,
    );
}
