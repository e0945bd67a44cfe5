/** Reads of dataset instances by id on Node: from a directory, a URL or any key-value store. */

import {
  type InstanceReader,
  type OpenInstancesOptions,
  openInstances as openIn,
} from "@tt/bundle";
import { openDatasetInstances } from "@tt/bundle/fs";
import type { KeyValueStore, TensorDataset } from "@tt/schema";
import { createDefaultRegistry } from "./node-registry.js";
import { openBySource } from "./source.js";

/**
 * Opens a dataset (a directory path, an `http(s)://` URL, a key-value store, or a dataset opened
 * from one of those) for reads by id through its on-disk id index: `getInstance(id)` and
 * `getMany(ids, { fields })` (see `openInstances` of `@tt/bundle`). Opening reads the manifest
 * and the index's directory, not every id.
 *
 * @example
 * ```ts
 * import { openInstances } from "tensortools";
 *
 * const reader = await openInstances("./eeg");
 * const { ids, fields } = await reader.getMany(["rec01-e17", "rec02-e03"], { missing: "skip" });
 * await reader.close();
 * ```
 */
export async function openInstances(
  source: string | KeyValueStore | TensorDataset,
  options: OpenInstancesOptions = {},
): Promise<InstanceReader> {
  const withRegistry = { ...options, registry: options.registry ?? createDefaultRegistry() };
  return openBySource(
    source,
    (location) => openDatasetInstances(location, withRegistry),
    (store) => openIn(store, withRegistry),
    "is a dataset held in memory, which has no id index; write it first",
  );
}
