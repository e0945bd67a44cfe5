/**
 * The lightweight path of tensortools: open a dataset bundle and run PCA with only
 * `@tt/store-zarr` and `@tt/decompose-svd` installed. No Parquet reader, no query engine, no
 * umbrella package; the instance ids come from the bundle's coordinate arrays.
 *
 * @example
 * ```ts
 * import { pcaOfBundle } from "tensortools-example-lightweight";
 *
 * const { singularValues, explainedVarianceRatio } = await pcaOfBundle("./iris-bundle", 2);
 * console.log(singularValues, explainedVarianceRatio); // [...], [0.9246..., 0.0530...]
 * ```
 *
 * @packageDocumentation
 */

export { type BundlePca, type BundlePcaOptions, pcaOfBundle } from "./main.js";
