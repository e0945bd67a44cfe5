/** The registry the umbrella uses when the caller brings none. */

import { cp } from "@tt/decompose-cp";
import { pca, svd } from "@tt/decompose-svd";
import { parquetMetaIO } from "@tt/meta-parquet";
import { createRegistry, type Registry } from "@tt/schema";
import { zarrStore } from "@tt/store-zarr";

/**
 * A fresh registry holding the built-in methods (`svd`, `pca`, `cp`), the Zarr array store and
 * the Parquet metadata IO (which bundles record in their manifests and readers resolve here).
 * Each call returns a new one, so registering a plugin of your own never changes what other
 * callers get.
 *
 * @example
 * ```ts
 * const registry = createDefaultRegistry().register(myMethod);
 * registry.ids("method"); // ["cp", "myMethod", "pca", "svd"]
 * ```
 */
export function createDefaultRegistry(): Registry {
  return createRegistry([svd, pca, cp, zarrStore, parquetMetaIO]);
}
