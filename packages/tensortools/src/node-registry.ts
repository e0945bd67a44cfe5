/** The registry the Node entry uses when the caller brings none: the browser's plus HDF5. */

import type { Registry } from "@tt/schema";
import { hdf5Store } from "@tt/store-hdf5";
import { createDefaultRegistry as createBrowserRegistry } from "./default-registry.js";

/**
 * A fresh registry holding the built-in methods (`svd`, `pca`, `cp`), the Zarr and HDF5 array
 * stores and the Parquet metadata IO (which bundles record in their manifests and readers resolve
 * here: a bundle linked to an HDF5 file records `hdf5`). Each call returns a new one, so
 * registering a plugin of your own never changes what other callers get.
 *
 * @example
 * ```ts
 * const registry = createDefaultRegistry().register(myMethod);
 * registry.ids("array-store"); // ["hdf5", "zarr"]
 * ```
 */
export function createDefaultRegistry(): Registry {
  return createBrowserRegistry().register(hdf5Store);
}
