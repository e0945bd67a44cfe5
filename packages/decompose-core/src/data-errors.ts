/** The DataErrors of the data itself: an infinite value, values too large, nothing to decompose. */

import { DataError, type ReadableView } from "@tt/schema";
import type { PreprocessConfig } from "./config-fields.js";
import type { Entry } from "./magnitude.js";
import type { Plan } from "./plan.js";

/** The id of the instance at view position `row`, or `#row` when the axis has no ids. */
export function instanceName(view: ReadableView, plan: Plan, row: number): string {
  const ids = view.ids(plan.rowAxis);
  return ids === undefined ? `#${row}` : String(ids[row]);
}

/**
 * Where an entry is, by axis: `epoch e4, sample 12, channel C3` (ids where the axis has them,
 * else positions in the view); `entry.row` is a view position, `entry.column` a column of the plan.
 *
 * @example
 * ```ts
 * import { describeEntry, planUnfolding, validatePreprocessConfig } from "@tt/decompose-core";
 * import { createTensor } from "@tt/schema";
 * import { viewFromTensor } from "@tt/schema/testing";
 *
 * const view = viewFromTensor(
 *   createTensor({
 *     data: new Float64Array(12),
 *     shape: [2, 3, 2],
 *     axes: ["epoch", "sample", "channel"],
 *     axisIndex: { epoch: ["e0", "e1"], channel: ["C3", "C4"] },
 *   }),
 * );
 * const config = validatePreprocessConfig({
 *   center: "none",
 *   scale: "none",
 *   missing: "error",
 *   weights: {},
 *   sample_mask: null,
 * });
 * const plan = planUnfolding(view, config);
 * console.log(describeEntry(view, plan, { row: 1, column: 5, value: -1 })); // "epoch e1, sample 2, channel C4"
 * ```
 */
export function describeEntry(view: ReadableView, plan: Plan, entry: Entry): string {
  const parts = [`${plan.rowAxis} ${instanceName(view, plan, entry.row)}`];
  let rest = entry.column;
  const positions = new Array<number>(plan.columnAxes.length);
  for (let d = plan.columnAxes.length - 1; d >= 0; d--) {
    positions[d] = rest % plan.columnShape[d]!;
    rest = Math.floor(rest / plan.columnShape[d]!);
  }
  plan.columnAxes.forEach((axis, d) => {
    const position = plan.kept[axis]![positions[d]!]!;
    const ids = view.ids(axis);
    parts.push(`${axis} ${ids === undefined ? position : String(ids[position])}`);
  });
  return parts.join(", ");
}

/** An infinite value in the data. */
export function infiniteValueError(view: ReadableView, plan: Plan, entry: Entry): DataError {
  return new DataError(
    describeEntry(view, plan, entry),
    `has an infinite value (${entry.value}); a decomposition needs finite numbers: replace it, or make it missing (NaN) and set missing to "drop" or "mask"`,
  );
}

/**
 * A result (`what`, e.g. the explained variance) that float64 cannot hold because the data is
 * too large, though finite: names the first value whose square overflows (else the largest
 * value) and a power of ten to divide the data by. `log2` is log2 of the result's magnitude and
 * `power` its degree in the data (2 for variances).
 */
export function tooLargeError(
  view: ReadableView,
  plan: Plan,
  entry: Entry | undefined,
  what: string,
  log2: number,
  power: number,
): DataError {
  // Bring the result to about 1e300, inside float64 with room for sums (or, when its size is
  // not known, the value named to about 1e140).
  const divisor = Math.max(
    1,
    Number.isFinite(log2)
      ? Math.ceil((log2 * Math.log10(2) - 300) / power)
      : Math.ceil(Math.log10(Math.abs(entry?.value ?? 1e300))) - 140,
  );
  const size = Number.isFinite(log2) ? ` (about 2^${Math.round(log2)})` : "";
  const huge = entry !== undefined && entry.value * entry.value === Number.POSITIVE_INFINITY;
  const problem =
    entry === undefined
      ? "the values are finite, but too large to decompose together"
      : huge
        ? `the value ${entry.value} is finite, but its square is not`
        : `the values are finite (the row of largest norm has ${entry.value} here), but too large to decompose together`;
  return new DataError(
    entry === undefined ? "the data" : describeEntry(view, plan, entry),
    `${problem}: the ${what}${size} would exceed the float64 range (1.8e308); divide the data by 1e${divisor} or more and decompose again`,
  );
}

/**
 * Nothing to decompose: every value of the preprocessed matrix is 0. With centering this is data
 * without variance (each value equals its mean), for which explained-variance ratios are 0/0.
 */
export function allZeroError(plan: Plan, config: PreprocessConfig, n: number): DataError {
  const where = `the data (${n} instance${n === 1 ? "" : "s"} x ${plan.p} feature${plan.p === 1 ? "" : "s"})`;
  const adjusted = config.scale !== "none" || Object.keys(config.weights).length > 0;
  if (config.center !== "none")
    return new DataError(
      where,
      "has zero variance after centering (every value equals its mean): nothing to decompose",
    );
  return new DataError(
    where,
    `is all zeros${adjusted ? " after scaling and weights" : ""}: nothing to decompose`,
  );
}
