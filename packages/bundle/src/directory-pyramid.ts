/** Pyramids of bundles in local directories (or served over HTTP, to read). */

import type { Manifest } from "@tt/schema";
import { createHttpStore } from "@tt/storage";
import { type BuildPyramidOptions, buildPyramid } from "./build-pyramid.js";
import { existingStore } from "./directory-bundle.js";
import { type OpenPyramidOptions, openPyramid, type Pyramid } from "./open-pyramid.js";
import { cleanupBundle } from "./version.js";

/**
 * Options of {@link buildDatasetPyramid}.
 *
 * @example
 * ```ts
 * const options: BuildDatasetPyramidOptions = { factor: 2, graceMs: 0 };
 * ```
 */
export interface BuildDatasetPyramidOptions extends BuildPyramidOptions {
  /** How long files of the replaced version stay for readers that opened it (default ten minutes). */
  graceMs?: number;
}

/**
 * Builds the pyramid of the dataset at directory `path` as its next version (see
 * `buildPyramid`), then removes the files of replaced versions past the grace period.
 *
 * @example
 * ```ts
 * await buildDatasetPyramid("./eeg", { factor: 4, sortBy: "rt_ms" });
 * ```
 */
export async function buildDatasetPyramid(
  path: string,
  options: BuildDatasetPyramidOptions = {},
): Promise<Manifest> {
  const store = await existingStore(path);
  const manifest = await buildPyramid(store, options);
  await cleanupBundle(store, { graceMs: options.graceMs });
  return manifest;
}

/**
 * Opens the pyramid of the dataset at a directory path or an `http(s)://` URL (see
 * `openPyramid`).
 *
 * @example
 * ```ts
 * const pyramid = await openDatasetPyramid("./eeg", { sortBy: "rt_ms" });
 * ```
 */
export async function openDatasetPyramid(
  pathOrUrl: string,
  options: OpenPyramidOptions = {},
): Promise<Pyramid> {
  if (/^https?:\/\//i.test(pathOrUrl)) return openPyramid(createHttpStore(pathOrUrl), options);
  return openPyramid(await existingStore(pathOrUrl), options);
}
