/** Reads of dataset instances by id on Node: from a directory, a URL or any key-value store. */

import {
  type InstanceReader,
  type OpenInstancesOptions,
  openInstances as openIn,
} from "@tt/bundle";
import { openDatasetInstances } from "@tt/bundle/fs";
import { ConfigError, type KeyValueStore, type TensorDataset } from "@tt/schema";
import { createDefaultRegistry } from "./node-registry.js";

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
  if (typeof source === "string") return openDatasetInstances(source, withRegistry);
  if ("get" in source && typeof source.get === "function")
    return openIn(source as KeyValueStore, withRegistry);
  const { location } = source as TensorDataset;
  if (location === undefined)
    throw new ConfigError("source", "is a dataset held in memory; index it by writing it first");
  return openDatasetInstances(location, withRegistry);
}
