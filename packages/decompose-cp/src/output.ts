/** CP's own output tables: the component table and a factor table per non-instance axis. */

import { idColumn, type Plan } from "@tt/decompose-core";
import {
  type AnyColumn,
  columnFromValues,
  MetaTable,
  type ReadableView,
  takeColumn,
} from "@tt/schema";

/**
 * The component table: weight and share of fit per component, in the reported order. The shares
 * come from `fitted`, the weights as the fit computed them (rescaled for data too large to
 * square), since a ratio has no unit.
 */
export function componentTable(weights: Float64Array, fitted: Float64Array = weights): MetaTable {
  const k = weights.length;
  const squares = fitted.reduce((a, w) => a + w * w, 0);
  return MetaTable.fromColumns({
    component: columnFromValues(
      "int32",
      Int32Array.from({ length: k }, (_, i) => i + 1),
    ),
    weight: columnFromValues("float64", Float64Array.from(weights)),
    share_of_fit: columnFromValues(
      "float64",
      fitted.map((w) => (squares > 0 ? (w * w) / squares : 0)),
    ),
  });
}

/** The factor table of a non-instance axis: its ids (kept positions) and factor_1..factor_k. */
export function axisFactorTable(
  view: ReadableView,
  plan: Plan,
  axis: string,
  factor: Float64Array,
  k: number,
): MetaTable {
  const kept = plan.kept[axis]!;
  const { name, column } = idColumn(view, axis);
  const columns: Record<string, AnyColumn> = {
    [name]: takeColumn(column, kept) as AnyColumn,
  };
  for (let c = 0; c < k; c++)
    columns[`factor_${c + 1}`] = columnFromValues(
      "float64",
      Float64Array.from({ length: kept.length }, (_, a) => factor[a * k + c]!),
    );
  return MetaTable.fromColumns(columns);
}
