/** The registry the umbrella uses when the caller brings none. */

import { cp } from "@tt/decompose-cp";
import { pca, svd } from "@tt/decompose-svd";
import { createRegistry, type Registry } from "@tt/schema";

/**
 * A fresh registry holding the built-in methods (`svd`, `pca`, `cp`). Each call returns a new one, so
 * registering a method of your own never changes what other callers get.
 *
 * @example
 * ```ts
 * const registry = createDefaultRegistry().register(myMethod);
 * registry.ids("method"); // ["cp", "myMethod", "pca", "svd"]
 * ```
 */
export function createDefaultRegistry(): Registry {
  return createRegistry([svd, pca, cp]);
}
