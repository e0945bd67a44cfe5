/** The app's one job: PCA of a dataset bundle, keyed by the bundle's instance ids. */

import { pca } from "@tt/decompose-svd";
import { openBundleArrays } from "@tt/store-zarr";

type MethodOutput = Awaited<ReturnType<typeof pca.fit>>;

/** What {@link pcaOfBundle} returns. */
export interface BundlePca {
  /** The singular values of the centered data, largest first. */
  singularValues: number[];
  /** The fraction of the total variance each component explains (scikit-learn's definition). */
  explainedVarianceRatio: number[];
  /** The shape of the dataset. */
  shape: number[];
  /** The full method output: scores keyed by the instance ids, components, diagnostics. */
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
 * Runs PCA (`rank` components) on the whole dataset bundle at `location` (a directory or an
 * http(s) URL), using only `@tt/store-zarr` and `@tt/decompose-svd`: instances are the rows,
 * every other axis is flattened into the columns, and the scores are keyed by the bundle's ids.
 *
 * @example
 * ```ts
 * const { explainedVarianceRatio, output } = await pcaOfBundle("./iris-bundle", 2);
 * ```
 */
export async function pcaOfBundle(
  location: string,
  rank: number,
  options: BundlePcaOptions = {},
): Promise<BundlePca> {
  const view = await openBundleArrays(location, { signal: options.signal });
  const config = pca.validate({ rank });
  const output = await pca.fit(view, config, {
    seed: options.seed ?? 0,
    signal: options.signal,
    onProgress() {},
  });
  const component = output.factorTables.component!;
  const column = (name: string) => Array.from(component.column(name).values as Float64Array);
  return {
    singularValues: column("singular_value"),
    explainedVarianceRatio: column("explained_variance_ratio"),
    shape: [...view.shape],
    output,
  };
}
