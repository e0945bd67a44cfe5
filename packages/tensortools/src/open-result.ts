/** Opening a result bundle on Node: a directory, an http(s) URL, an s3:// location or any store. */

import { openResultBundle, type ResultBundleOptions } from "@tt/result";
import { openResult as openResultPath } from "@tt/result/fs";
import type { DecompositionResult, KeyValueStore } from "@tt/schema";
import { isS3Location, s3StoreAt } from "./s3-locations.js";

/**
 * Opens the result bundle at `source` (a directory path, an `http(s)://` URL, an
 * `s3://<bucket>/<prefix>` location read with the AWS environment variables as `openDataset`
 * does, or a key-value store), checking every file against its manifest.
 *
 * @example
 * ```ts
 * const result = await openResult("./results/pca-eeg");
 * const inBucket = await openResult("s3://studies/results/pca-eeg");
 * result.factorTables.instance.column("score_1"); // keyed by "instance_id"
 * ```
 */
export async function openResult(
  source: string | KeyValueStore,
  options: ResultBundleOptions = {},
): Promise<DecompositionResult> {
  if (typeof source !== "string") return openResultBundle(source, options);
  if (isS3Location(source)) return openResultBundle(await s3StoreAt(source), options);
  return openResultPath(source, options);
}
