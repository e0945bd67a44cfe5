/**
 * An example third-party tensortools method: k-means clustering of the instances of a view, as
 * a plain `DecompositionMethod` object that depends on `@tt/schema` only. Register it into a
 * registry and run it through `decompose` like the built-in methods.
 *
 * @example
 * ```ts
 * import { createDefaultRegistry, decompose, openDataset, writeResult } from "tensortools";
 * import { kmeans } from "tensortools-example-kmeans";
 *
 * const registry = createDefaultRegistry().register(kmeans);
 * const dataset = await openDataset("./iris-bundle");
 * const result = await decompose(dataset, "kmeans", { k: 3, seed: 42 }, { registry });
 * console.log(result.diagnostics.inertia, result.factorTables.component.toRecords());
 * await writeResult("./iris-kmeans", result);
 * ```
 *
 * @packageDocumentation
 */

export { KMEANS_DEFAULTS, type KmeansConfig, validateKmeansConfig } from "./config.js";
export { kmeans } from "./method.js";
