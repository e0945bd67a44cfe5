/** Opening a result bundle on Node: a directory, an http(s) URL or any key-value store. */

import { openResultBundle, type ResultBundleOptions } from "@tt/result";
import { openResult as openResultPath } from "@tt/result/fs";
import type { DecompositionResult, KeyValueStore } from "@tt/schema";

/**
 * Opens the result bundle at `source` (a directory path, an `http(s)://` URL, or a key-value
 * store), checking every file against its manifest.
 *
 * @example
 * ```ts
 * const result = await openResult("./results/pca-eeg");
 * result.factorTables.instance.column("score_1"); // keyed by "instance_id"
 * ```
 */
export function openResult(
  source: string | KeyValueStore,
  options: ResultBundleOptions = {},
): Promise<DecompositionResult> {
  return typeof source === "string"
    ? openResultPath(source, options)
    : openResultBundle(source, options);
}
