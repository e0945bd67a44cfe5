/** Adding fields to, and updating instances of, dataset bundles in local directories. */

import type { Manifest, StoredDataset, TypedArray } from "@tt/schema";
import { UnsupportedError } from "@tt/schema";
import { type AddFieldOptions, addFieldToBundle, type FieldSource } from "./add-field.js";
import { existingStore } from "./directory-bundle.js";
import {
  type InstanceIds,
  type UpdateInstancesOptions,
  updateBundleInstances,
} from "./update-instances.js";
import { cleanupBundle } from "./version.js";

/** The directory of a dataset given by path or as an opened dataset; a URL is read-only. */
function directoryOf(datasetOrPath: string | StoredDataset, verb: string): string {
  const location = typeof datasetOrPath === "string" ? datasetOrPath : datasetOrPath.location;
  if (location === undefined || /^https?:\/\//i.test(location))
    throw new UnsupportedError(
      `${verb} of ${location === undefined ? "a dataset held in memory" : location}`,
      `${verb} writes a new version of a bundle in a local directory; ${location === undefined ? "this dataset is held in memory" : `${location} is read over HTTP`}: write it to a directory first`,
    );
  return location;
}

/** Options of {@link addField}. */
export interface AddFieldToDatasetOptions extends AddFieldOptions {
  /** How long files of the replaced version stay for readers that opened it (default ten minutes). */
  graceMs?: number;
}

/**
 * Adds field `name` to the dataset at directory `path` (or the opened dataset's directory) as its
 * next version, streamed block by block (see `addFieldToBundle`): `source` is a tensor, a stream
 * of blocks along the first axis or a view, with one row per instance of the dataset.
 *
 * @example
 * ```ts
 * await addField("./events", "spectrogram", spectrogram, { axes: ["event", "freq", "time"] });
 * const view = (await openDataset("./events")).field("spectrogram");
 * ```
 */
export async function addField(
  datasetOrPath: string | StoredDataset,
  name: string,
  source: FieldSource,
  options: AddFieldToDatasetOptions = {},
): Promise<Manifest> {
  const store = await existingStore(directoryOf(datasetOrPath, "addField"));
  const manifest = await addFieldToBundle(store, name, source, options);
  await cleanupBundle(store, { graceMs: options.graceMs });
  return manifest;
}

/** Options of {@link updateInstances}. */
export interface UpdateDatasetInstancesOptions extends UpdateInstancesOptions {
  /** How long files of the replaced version stay for readers that opened it (default ten minutes). */
  graceMs?: number;
}

/**
 * Replaces the values of the instances `ids` of `field` in the dataset at directory `path` (or
 * the opened dataset's directory) as its next version (see `updateBundleInstances`): readers of
 * the old version see none of it, and results computed from the field before are stale.
 *
 * @example
 * ```ts
 * await updateInstances("./events", "waveform", ["e3", "e7"], new Float32Array(2 * 40));
 * ```
 */
export async function updateInstances(
  datasetOrPath: string | StoredDataset,
  field: string,
  ids: InstanceIds,
  values: TypedArray,
  options: UpdateDatasetInstancesOptions = {},
): Promise<Manifest> {
  const store = await existingStore(directoryOf(datasetOrPath, "updateInstances"));
  const manifest = await updateBundleInstances(store, field, ids, values, options);
  await cleanupBundle(store, { graceMs: options.graceMs });
  return manifest;
}
