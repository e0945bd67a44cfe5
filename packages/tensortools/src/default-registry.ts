/** The registry the umbrella uses when the caller brings none. */

import { cp } from "@tt/decompose-cp";
import { ica } from "@tt/decompose-ica";
import { nmf } from "@tt/decompose-nmf";
import { pca, svd } from "@tt/decompose-svd";
import { tucker } from "@tt/decompose-tucker";
import { parquetMetaIO } from "@tt/meta-parquet";
import { createRegistry, type Registry } from "@tt/schema";
import { zarrStore } from "@tt/store-zarr";

/**
 * A fresh registry holding the built-in methods (`svd`, `pca`, `cp`, `ica`, `tucker`, `nmf`),
 * the Zarr array store and
 * the Parquet metadata IO (which bundles record in their manifests and readers resolve here).
 * Each call returns a new one, so registering a plugin of your own never changes what other
 * callers get.
 *
 * @example
 * ```ts
 * const registry = createDefaultRegistry().register(myMethod);
 * registry.ids("method"); // ["cp", "ica", "myMethod", "nmf", "pca", "svd", "tucker"]
 * ```
 */
export function createDefaultRegistry(): Registry {
  return createRegistry([svd, pca, cp, ica, tucker, nmf, zarrStore, parquetMetaIO]);
}
