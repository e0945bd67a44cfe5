/** The registry the umbrella uses when the caller brings none. */

import { pca, svd } from "@tt/decompose-svd";
import { createRegistry, type Registry } from "@tt/schema";

/**
 * A fresh registry holding the built-in methods (`svd`, `pca`). Each call returns a new one, so
 * registering a method of your own never changes what other callers get.
 *
 * @example
 * ```ts
 * const registry = createDefaultRegistry().register(myMethod);
 * registry.ids("method"); // ["myMethod", "pca", "svd"]
 * ```
 */
export function createDefaultRegistry(): Registry {
  return createRegistry([svd, pca]);
}
