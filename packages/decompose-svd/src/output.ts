/** The SVD's component table: singular value, explained variance and its ratio per component. */

import { columnFromValues, MetaTable } from "@tt/schema";

/**
 * The component table: singular value, explained variance and its ratio per component, given in
 * the data's units (the ratio has none).
 */
export function componentTable(
  singularValues: Float64Array,
  variance: Float64Array,
  ratio: Float64Array,
): MetaTable {
  const k = singularValues.length;
  let sum = 0;
  const cumulative = ratio.map((r) => (sum += r));
  return MetaTable.fromColumns({
    component: columnFromValues(
      "int32",
      Int32Array.from({ length: k }, (_, i) => i + 1),
    ),
    singular_value: columnFromValues("float64", singularValues),
    explained_variance: columnFromValues("float64", variance),
    explained_variance_ratio: columnFromValues("float64", ratio),
    cumulative_explained_variance_ratio: columnFromValues("float64", cumulative),
  });
}
