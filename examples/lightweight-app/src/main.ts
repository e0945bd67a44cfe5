/** The app's one job: PCA of a dataset bundle directory. */

import { pca } from "@tt/decompose-svd";
import { MetaTable, type MethodOutput } from "@tt/schema";
import { createDirectoryStore } from "@tt/schema/fs";
import { openBundleView } from "./bundle-view.js";

/** What {@link pcaOfBundle} returns. */
export interface BundlePca {
  /** The singular values of the centered data, largest first. */
  singularValues: number[];
  /** The fraction of the total variance each component explains (scikit-learn's definition). */
  explainedVarianceRatio: number[];
  /** The shape of the dataset. */
  shape: number[];
  /** The full method output: scores by instance position, components, diagnostics. */
  output: MethodOutput;
}

/** Options of {@link pcaOfBundle}. */
export interface BundlePcaOptions {
  /** The seed for the randomized solver (default 0). */
  seed?: number;
  /** Stops the fit. */
  signal?: AbortSignal;
}

/**
 * Runs PCA (`rank` components) on the whole dataset bundle in directory `dir`, using only
 * `@tt/store-zarr` and `@tt/decompose-svd`: instances are the rows, every other axis is
 * flattened into the columns.
 *
 * @example
 * ```ts
 * const { explainedVarianceRatio } = await pcaOfBundle("./iris-bundle", 2);
 * ```
 */
export async function pcaOfBundle(
  dir: string,
  rank: number,
  options: BundlePcaOptions = {},
): Promise<BundlePca> {
  const view = await openBundleView(createDirectoryStore(dir));
  const config = pca.validate({ rank });
  const output = await pca.fit(view, config, {
    seed: options.seed ?? 0,
    signal: options.signal,
    onProgress() {},
  });
  const component = output.factorTables.component ?? MetaTable.empty();
  const column = (name: string) => Array.from(component.column(name).values as Float64Array);
  return {
    singularValues: column("singular_value"),
    explainedVarianceRatio: column("explained_variance_ratio"),
    shape: [...view.shape],
    output,
  };
}
