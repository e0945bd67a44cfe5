/** Opening dataset and result bundles in the browser: from an http(s) URL or any key-value store. */

import {
  type OpenBundleOptions,
  type OpenPyramidOptions,
  openBundle,
  openPyramid as openPyramidIn,
  type Pyramid,
} from "@tt/bundle";
import { createDataset } from "@tt/query";
import { openResultBundle, type ResultBundleOptions } from "@tt/result";
import {
  ConfigError,
  type DecompositionResult,
  type KeyValueStore,
  type TensorDataset,
} from "@tt/schema";
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

/**
 * Opens the pyramid of the dataset at `source` (an `http(s)://` URL, a key-value store, or a
 * dataset opened from a URL) for tile reads: levels with shape, scale and chunk shape, and
 * `readTile` (see `openPyramid` of `@tt/bundle`). Only the manifest, the group's and the levels'
 * `zarr.json` (and a sorted pyramid's order) are fetched until tiles are read.
 *
 * @example
 * ```ts
 * const pyramid = await openPyramid("https://example.org/data/eeg/", { sortBy: "rt_ms" });
 * const level = pyramid.levels[2]!;
 * const tile = await pyramid.readTile(2, "mean", { start: 0, stop: 256 }, { start: 0, stop: 256 }, 0);
 * ```
 */
export async function openPyramid(
  source: string | KeyValueStore | TensorDataset,
  options: OpenPyramidOptions = {},
): Promise<Pyramid> {
  const registry = options.registry ?? createDefaultRegistry();
  const location =
    typeof source === "string" || "get" in source ? source : (source as TensorDataset).location;
  if (location === undefined)
    throw new ConfigError("source", "is a dataset held in memory, which has no pyramid");
  return openPyramidIn(storeOf(location as string | KeyValueStore, "source"), {
    ...options,
    registry,
  });
}
