/** Pyramids of dataset bundles on Node: built into a directory, opened from a directory or a URL. */

import type { OpenPyramidOptions, Pyramid } from "@tt/bundle";
import { openPyramid as openPyramidIn } from "@tt/bundle";
import {
  type BuildDatasetPyramidOptions,
  buildDatasetPyramid,
  openDatasetPyramid,
} from "@tt/bundle/fs";
import type { KeyValueStore, Manifest, TensorDataset } from "@tt/schema";
import { directoryOf } from "./annotate.js";
import { createDefaultRegistry } from "./node-registry.js";
import { openBySource } from "./source.js";

/**
 * Builds the multiscale pyramid of the dataset at directory `dataset` (a path, or a dataset
 * opened from one) as its next version: mean, min and max levels downsampled by `factor` along
 * the first two axes, optionally in the order of `sortBy` (see `buildPyramid` of `@tt/bundle`).
 *
 * @example
 * ```ts
 * import { buildPyramid, openPyramid } from "tensortools";
 *
 * await buildPyramid("./eeg", { factor: 2, sortBy: "rt_ms" });
 * const pyramid = await openPyramid("./eeg", { sortBy: "rt_ms" });
 * ```
 */
export async function buildPyramid(
  dataset: string | TensorDataset,
  options: BuildDatasetPyramidOptions = {},
): Promise<Manifest> {
  return buildDatasetPyramid(directoryOf(dataset, "given a pyramid"), {
    ...options,
    registry: options.registry ?? createDefaultRegistry(),
  });
}

/**
 * Opens the pyramid of a dataset (a directory path, an `http(s)://` URL, a key-value store, or a
 * dataset opened from one of those) for tile reads (see `openPyramid` of `@tt/bundle`).
 *
 * @example
 * ```ts
 * const pyramid = await openPyramid("./eeg");
 * const coarsest = pyramid.levels.at(-1)!;
 * const tile = await pyramid.readTile(coarsest.level, "max", { start: 0, stop: coarsest.shape[0] }, { start: 0, stop: coarsest.shape[1] }, 0);
 * ```
 */
export async function openPyramid(
  source: string | KeyValueStore | TensorDataset,
  options: OpenPyramidOptions = {},
): Promise<Pyramid> {
  const withRegistry = { ...options, registry: options.registry ?? createDefaultRegistry() };
  return openBySource(
    source,
    (location) => openDatasetPyramid(location, withRegistry),
    (store) => openPyramidIn(store, withRegistry),
    "is a dataset held in memory, which has no pyramid",
  );
}
