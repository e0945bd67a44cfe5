/** The SVD's component table: singular value, explained variance and its ratio per component. */

import { columnFromValues, MetaTable } from "@tt/schema";

/** The component table: singular value, explained variance and its ratio per component. */
export function componentTable(
  singularValues: Float64Array,
  k: number,
  n: number,
  totalSquares: number,
): MetaTable {
  const s = Float64Array.from(singularValues.subarray(0, k));
  const variance = s.map((x) => (x * x) / Math.max(n - 1, 1));
  const ratio = s.map((x) => (x * x) / totalSquares);
  let sum = 0;
  const cumulative = ratio.map((r) => (sum += r));
  return MetaTable.fromColumns({
    component: columnFromValues(
      "int32",
      Int32Array.from({ length: k }, (_, i) => i + 1),
    ),
    singular_value: columnFromValues("float64", s),
    explained_variance: columnFromValues("float64", variance),
    explained_variance_ratio: columnFromValues("float64", ratio),
    cumulative_explained_variance_ratio: columnFromValues("float64", cumulative),
  });
}
