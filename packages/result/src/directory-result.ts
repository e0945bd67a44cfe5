/** Results in local directories: written under a temporary name and renamed into place. */

import { resolve } from "node:path";
import { openDataset } from "@tt/bundle/fs";
import {
  createHttpStore,
  type DecompositionResult,
  NotFoundError,
  type TensorView,
} from "@tt/schema";
import { createDirectoryStore, pathExists, writeDirectoryAtomically } from "@tt/schema/fs";
import type { ResultBundleOptions } from "./layout.js";
import { openResultBundle } from "./open-result.js";
import { type ReopenInputOptions, reopenInput as reopenWith } from "./reopen-input.js";
import type { ResultManifest } from "./result-manifest.js";
import { writeResultBundle } from "./write-result.js";

/** Options of {@link writeResult}. */
export interface WriteResultOptions extends ResultBundleOptions {
  /** Replace a result already at the path. */
  overwrite?: boolean;
}

/**
 * Writes `result` as a result bundle at directory `path`, atomically: everything goes to a
 * temporary sibling directory that is renamed into place when complete, so a failure or crash
 * leaves the old result (or nothing), never a torn one. An existing path is an
 * AlreadyExistsError unless `overwrite` is set.
 *
 * @example
 * ```ts
 * await writeResult("./results/pca-eeg", result);
 * ```
 */
export async function writeResult(
  path: string,
  result: DecompositionResult,
  options: WriteResultOptions = {},
): Promise<ResultManifest> {
  return writeDirectoryAtomically(
    path,
    (store) => writeResultBundle(store, result, options),
    options,
  );
}

/**
 * Opens the result bundle at a directory path or an `http(s)://` URL (any static web server;
 * only the manifest and the files it names are fetched).
 *
 * @example
 * ```ts
 * const result = await openResult("./results/pca-eeg");
 * ```
 */
export async function openResult(
  pathOrUrl: string,
  options: ResultBundleOptions = {},
): Promise<DecompositionResult> {
  if (/^https?:\/\//i.test(pathOrUrl)) return openResultBundle(createHttpStore(pathOrUrl), options);
  const directory = resolve(pathOrUrl);
  if (!(await pathExists(directory)))
    throw new NotFoundError(directory, `no result bundle at ${directory}`);
  return openResultBundle(createDirectoryStore(directory), options);
}

/**
 * `reopenInput` of `@tt/result`, whose default opener here also handles directory paths (with
 * `openDataset` of `@tt/bundle/fs`) besides `http(s)://` URLs.
 *
 * @example
 * ```ts
 * const view = await reopenInput(await openResult("./results/pca-eeg"));
 * ```
 */
export function reopenInput(
  result: DecompositionResult,
  options: ReopenInputOptions = {},
): Promise<TensorView> {
  return reopenWith(result, { open: options.open ?? ((location) => openDataset(location)) });
}
