/** Opening dataset and result bundles in the browser: from an http(s) URL or any key-value store. */

import { type OpenBundleOptions, openBundle } from "@tt/bundle";
import { createDataset } from "@tt/query";
import { openResultBundle, type ResultBundleOptions } from "@tt/result";
import type { DecompositionResult, KeyValueStore, TensorDataset } from "@tt/schema";
import { storeOf } from "./browser-source.js";
import { createDefaultRegistry } from "./default-registry.js";

/**
 * Opens the dataset bundle at `source` (an `http(s)://` URL, relative to the page if need be, or
 * a key-value store) with full validation, as a {@link TensorDataset}. Only the manifest, the
 * metadata and the chunks read are fetched.
 *
 * @example
 * ```ts
 * const dataset = await openDataset("https://example.org/data/eeg/");
 * const view = dataset.query("epoch", "lock_position == 1");
 * ```
 */
export async function openDataset(
  source: string | KeyValueStore,
  options: OpenBundleOptions = {},
): Promise<TensorDataset> {
  const registry = options.registry ?? createDefaultRegistry();
  return createDataset(await openBundle(storeOf(source, "source"), { ...options, registry }));
}

/**
 * Opens the result bundle at `source` (an `http(s)://` URL or a key-value store), checking
 * every file against its manifest.
 *
 * @example
 * ```ts
 * const result = await openResult("https://example.org/results/pca-eeg/");
 * ```
 */
export function openResult(
  source: string | KeyValueStore,
  options: ResultBundleOptions = {},
): Promise<DecompositionResult> {
  return openResultBundle(storeOf(source, "source"), options);
}
