/** The SVD's matrix: the view flattened to instances × features, in `flatten`'s column order. */

import { type Plan, planUnfolding, resolveAxis } from "@tt/decompose-core";
import { ConfigError, type ReadableView } from "@tt/schema";
import type { SvdConfig } from "./config.js";

function columnAxesOf(view: ReadableView, config: SvdConfig): string[] {
  const rowAxis = view.axes[0]!;
  const others = view.axes.slice(1);
  if (config.flatten === null) return others;
  const rows = config.flatten.rows.map((a, i) => resolveAxis(view, a, `flatten.rows[${i}]`));
  if (rows.length !== 1 || rows[0] !== rowAxis)
    throw new ConfigError(
      "flatten.rows",
      `must be ["${rowAxis}"]: the rows are the instances, so that scores are keyed by instance`,
    );
  const columns = config.flatten.columns.map((a, i) =>
    resolveAxis(view, a, `flatten.columns[${i}]`),
  );
  const missing = others.filter((axis) => !columns.includes(axis));
  if (missing.length > 0 || columns.length !== others.length)
    throw new ConfigError(
      "flatten.columns",
      `must list every axis but the first exactly once (${others.join(", ")}), got ${columns.join(", ")}`,
    );
  return columns;
}

/** Resolves `config` against `view`; every mismatch is a ConfigError naming the field. */
export function planMatrix(view: ReadableView, config: SvdConfig): Plan {
  return planUnfolding(view, config, () => columnAxesOf(view, config));
}
