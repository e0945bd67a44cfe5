/** Pyramids of dataset bundles on Node: built into a directory, opened from a directory or a URL. */

import type { OpenPyramidOptions, Pyramid } from "@tt/bundle";
import { openPyramid as openPyramidIn } from "@tt/bundle";
import {
  type BuildDatasetPyramidOptions as BundleBuildDatasetPyramidOptions,
  buildDatasetPyramid,
  openDatasetPyramid,
} from "@tt/bundle/fs";
import type { KeyValueStore, Manifest, TensorDataset } from "@tt/schema";
import { directoryOf } from "./annotate.js";
import { type CatalogOptions, recordWrite } from "./catalog-runs.js";
import { createDefaultRegistry } from "./node-registry.js";
import { runParams } from "./run-params.js";
import { openBySource } from "./source.js";

/**
 * Options of {@link buildPyramid}: those of `buildDatasetPyramid` of `@tt/bundle/fs` (`factor`,
 * `sortBy`, `graceMs`, ...), and `catalog`.
 */
export interface BuildDatasetPyramidOptions
  extends BundleBuildDatasetPyramidOptions,
    CatalogOptions {}

/**
 * Builds the multiscale pyramid of the dataset at directory `dataset` (a path, or a dataset
 * opened from one) as its next version: mean, min and max levels downsampled by `factor` along
 * the first two axes, optionally in the order of `sortBy` (see `buildPyramid` of `@tt/bundle`).
 * With a catalog (`options.catalog`, or `TT_CATALOG`), the build is recorded as a run
 * `buildPyramid`: the options as its parameters, the bundle as it was before as its input, the
 * new version as its output.
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
  const directory = directoryOf(dataset, "given a pyramid");
  const { catalog, ...rest } = options;
  return recordWrite(
    catalog,
    () => ({
      transform: "buildPyramid",
      params: runParams(rest),
      inputs: [{ location: directory }],
      output: directory,
    }),
    () =>
      buildDatasetPyramid(directory, {
        ...rest,
        registry: rest.registry ?? createDefaultRegistry(),
      }),
  );
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
