/** Opening a dataset bundle on Node: a directory, an http(s) URL or any key-value store. */

import { type OpenBundleOptions, openBundle } from "@tt/bundle";
import { openStoredDataset } from "@tt/bundle/fs";
import { createDataset } from "@tt/query";
import type { KeyValueStore, TensorDataset } from "@tt/schema";
import { createDefaultRegistry } from "./node-registry.js";

/**
 * Opens the dataset bundle at `source` (a directory path, an `http(s)://` URL, or a
 * key-value store) with full validation, as a {@link TensorDataset}: the view of everything,
 * with `query`, `filter`, `slice` and `take`.
 *
 * @example
 * ```ts
 * const dataset = await openDataset("./eeg-bundle");
 * const view = dataset.query("epoch", "lock_position == 1 and rt_ms > 400");
 * ```
 */
export async function openDataset(
  source: string | KeyValueStore,
  options: OpenBundleOptions = {},
): Promise<TensorDataset> {
  const withRegistry = { ...options, registry: options.registry ?? createDefaultRegistry() };
  const stored =
    typeof source === "string"
      ? await openStoredDataset(source, withRegistry)
      : await openBundle(source, withRegistry);
  return createDataset(stored);
}
