/**
 * The SVD's component table (singular value, explained variance and its ratio per component) and
 * the outlier columns of its instance table.
 */

import { columnFromValues, MetaTable } from "@tt/schema";
import type { OutlierStatistics } from "./outliers.js";

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

/**
 * The instance table with `t2`, `q` and `outlier_score` appended: values of the used instances
 * (`usedRows`, positions in the table), nulls for dropped ones as for the scores.
 */
export function withOutlierColumns(
  table: MetaTable,
  usedRows: Int32Array,
  outliers: Pick<OutlierStatistics, "t2" | "q" | "outlierScore">,
): MetaTable {
  const n = table.numRows;
  const valid = new Uint8Array(n);
  for (const row of usedRows) valid[row] = 1;
  const spread = (values: Float64Array) => {
    const out = new Float64Array(n).fill(Number.NaN);
    usedRows.forEach((row, i) => {
      out[row] = values[i]!;
    });
    return columnFromValues("float64", out, valid);
  };
  // An outlier score without any limit (a single instance, no residual) is null as well.
  const scoreValid = Uint8Array.from(valid);
  const scores = new Float64Array(n).fill(Number.NaN);
  usedRows.forEach((row, i) => {
    const value = outliers.outlierScore[i]!;
    scores[row] = value;
    if (Number.isNaN(value)) scoreValid[row] = 0;
  });
  return table
    .withColumn("t2", spread(outliers.t2))
    .withColumn("q", spread(outliers.q))
    .withColumn("outlier_score", columnFromValues("float64", scores, scoreValid));
}
