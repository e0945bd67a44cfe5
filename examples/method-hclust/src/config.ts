/** The hclust config: its defaults and its validation, with a ConfigError naming each bad field. */

import { ConfigError, isPlainObject } from "@tt/schema";
import type { AgglomerationMethod } from "ml-hclust";

/**
 * The linkages of ml-hclust's `agnes`, by its names.
 *
 * @example
 * ```ts
 * LINKAGES.includes("average"); // true
 * ```
 */
export const LINKAGES: readonly AgglomerationMethod[] = Object.freeze([
  "ward2",
  "ward",
  "complete",
  "average",
  "upgma",
  "wpgma",
  "single",
  "centroid",
  "upgmc",
  "median",
  "wpgmc",
]);

/**
 * The config of the `hclust` method; plain JSON, stored complete with every result.
 *
 * @example
 * ```ts
 * const config: HclustConfig = { k: 3, linkage: "ward2", columns: ["pca_score_1", "pca_score_2"] };
 * ```
 */
export interface HclustConfig {
  /** The number of clusters the tree is cut into. */
  k: number;
  /**
   * How the distance between two clusters is updated after a merge, by ml-hclust's names:
   * `ward2` is Ward's minimum-variance criterion on Euclidean distances (R's `ward.D2`,
   * scipy's and scikit-learn's `ward`); `ward` is R's `ward.D`.
   */
  linkage: AgglomerationMethod;
  /**
   * First-axis metadata columns to cluster (the scores `joinResult` attached, say) instead of
   * the view's values; `null` clusters the values, the axes after the first flattened.
   */
  columns: string[] | null;
}

/**
 * The defaults: three clusters by Ward's criterion, of the view's values.
 *
 * @example
 * ```ts
 * decompose(view, "hclust", { ...HCLUST_DEFAULTS, k: 5 }, { registry });
 * ```
 */
export const HCLUST_DEFAULTS: Readonly<HclustConfig> = Object.freeze({
  k: 3,
  linkage: "ward2",
  columns: null,
});

const KEYS = new Set(Object.keys(HCLUST_DEFAULTS));

function checkColumns(columns: unknown): string[] | null {
  if (columns === null) return null;
  if (
    !Array.isArray(columns) ||
    columns.length === 0 ||
    columns.some((name) => typeof name !== "string" || name === "")
  ) {
    throw new ConfigError(
      "columns",
      `must be null or a non-empty list of column names such as ["pca_score_1", "pca_score_2"], got ${JSON.stringify(columns)}`,
    );
  }
  return [...columns];
}

/**
 * The complete config for `config` (defaults filled in), or a ConfigError naming the field:
 * `k` a positive integer, `linkage` one of {@link LINKAGES}, `columns` null or a list of
 * names, no unknown keys.
 *
 * @example
 * ```ts
 * validateHclustConfig({ k: 4 }); // { k: 4, linkage: "ward2", columns: null }
 * validateHclustConfig({ k: 0 }); // throws ConfigError on 'k'
 * ```
 */
export function validateHclustConfig(config: unknown): HclustConfig {
  const given = config === undefined ? {} : config;
  if (!isPlainObject(given)) {
    throw new ConfigError(
      "(config)",
      `must be an object such as { "k": 3 }, got ${JSON.stringify(config)}`,
    );
  }
  for (const key of Object.keys(given)) {
    if (!KEYS.has(key)) {
      throw new ConfigError(
        key,
        `is not an hclust option; the options are ${[...KEYS].join(", ")}`,
      );
    }
  }
  const full = { ...HCLUST_DEFAULTS, ...given } as Record<string, unknown>;
  const { k, linkage } = full;
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1) {
    throw new ConfigError("k", `must be a positive integer, got ${JSON.stringify(k)}`);
  }
  if (!LINKAGES.includes(linkage as AgglomerationMethod)) {
    throw new ConfigError(
      "linkage",
      `must be one of ${LINKAGES.join(", ")}, got ${JSON.stringify(linkage)}`,
    );
  }
  return { k, linkage: linkage as AgglomerationMethod, columns: checkColumns(full.columns) };
}
