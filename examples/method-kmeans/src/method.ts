/** The `kmeans` method plugin: a plain object satisfying `DecompositionMethod` from @tt/schema. */

import type { DecompositionMethod } from "@tt/schema";
import { KMEANS_DEFAULTS, type KmeansConfig, validateKmeansConfig } from "./config.js";

/**
 * k-means clustering of the instances: seeded greedy k-means++ starts, Lloyd iterations, the
 * best of `n_init` starts by inertia. The heavy code loads on the first fit.
 *
 * @example
 * ```ts
 * const registry = createDefaultRegistry().register(kmeans);
 * const result = await decompose(view, "kmeans", { k: 3 }, { registry });
 * ```
 */
export const kmeans = {
  id: "kmeans",
  version: "0.1.0",
  description: "k-means clustering of the instances (k-means++ starts, Lloyd iterations)",
  defaults: KMEANS_DEFAULTS,
  validate: validateKmeansConfig,
  async fit(view, config, context) {
    const { fitKmeans } = await import("./fit.js");
    return fitKmeans(view, config, context);
  },
} as const satisfies DecompositionMethod<KmeansConfig>;
