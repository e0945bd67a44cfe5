/**
 * An example third-party tensortools method wrapping an ml.js algorithm: agglomerative
 * clustering of the instances (or of their scores) with ml-hclust, read through `@tt/mljs`'s
 * `toMatrix` / `readMatrix` and written back with `fromMatrix` as an instance table that joins
 * onto the dataset by id like the built-in methods' results.
 *
 * @example
 * ```ts
 * import { createDefaultRegistry, decompose, joinResult, openDataset } from "tensortools";
 * import { hclust } from "tensortools-example-hclust";
 *
 * const registry = createDefaultRegistry().register(hclust);
 * const dataset = await openDataset("./iris-bundle");
 * const pca = joinResult(dataset, await decompose(dataset, "pca", { rank: 2 }), { prefix: "pca_" });
 * const columns = ["pca_score_1", "pca_score_2"];
 * const result = await decompose(pca, "hclust", { k: 3, columns }, { registry });
 * joinResult(dataset, result, { prefix: "hc_" }).query("instance", "hc_cluster == 1");
 * ```
 *
 * @packageDocumentation
 */

export { HCLUST_DEFAULTS, type HclustConfig, LINKAGES, validateHclustConfig } from "./config.js";
export { hclust } from "./method.js";
