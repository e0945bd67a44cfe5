/** The `hclust` method plugin: a plain object satisfying `DecompositionMethod` from @tt/schema. */

import type { DecompositionMethod } from "@tt/schema";
import { HCLUST_DEFAULTS, type HclustConfig, validateHclustConfig } from "./config.js";

/**
 * Agglomerative clustering of the instances with ml-hclust's `agnes`, the tree cut into `k`
 * clusters: of the view's values, or of first-axis metadata columns such as joined scores.
 * ml-hclust and ml-matrix load on the first fit.
 *
 * @example
 * ```ts
 * const registry = createDefaultRegistry().register(hclust);
 * const joined = joinResult(dataset, await decompose(dataset, "pca", { rank: 2 }), { prefix: "pca_" });
 * const result = await decompose(joined, "hclust", { k: 3, columns: ["pca_score_1", "pca_score_2"] }, { registry });
 * ```
 */
export const hclust = {
  id: "hclust",
  version: "0.1.0",
  description: "agglomerative clustering of the instances or their scores (ml-hclust)",
  defaults: HCLUST_DEFAULTS,
  validate: validateHclustConfig,
  async fit(view, config, context) {
    const { fitHclust } = await import("./fit.js");
    return fitHclust(view, config, context);
  },
} as const satisfies DecompositionMethod<HclustConfig>;
