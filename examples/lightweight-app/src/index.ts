/**
 * The lightweight path of tensortools: open a dataset bundle and run PCA with only
 * `@tt/store-zarr` and `@tt/decompose-svd` installed (and `@tt/schema`, their dependency). No
 * Parquet reader, no query engine, no umbrella package.
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

export { type BundleView, openBundleView } from "./bundle-view.js";
export { type BundlePca, type BundlePcaOptions, pcaOfBundle } from "./main.js";
