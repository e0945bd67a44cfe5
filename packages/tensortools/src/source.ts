/** What the Node openers of the umbrella accept as a dataset source. */

import { ConfigError, type KeyValueStore, type TensorDataset } from "@tt/schema";
import { isS3Location, s3StoreAt } from "./s3-locations.js";

/**
 * Opens `source` with `byLocation` (a directory path or an `http(s)://` URL, given or the
 * location of an opened dataset) or `byStore` (a key-value store, or the store of an `s3://`
 * location); a dataset held in memory is a ConfigError saying `inMemory`.
 */
export function openBySource<T>(
  source: string | KeyValueStore | TensorDataset,
  byLocation: (location: string) => Promise<T>,
  byStore: (store: KeyValueStore) => Promise<T>,
  inMemory: string,
): Promise<T> {
  const atLocation = (location: string) =>
    isS3Location(location) ? s3StoreAt(location).then(byStore) : byLocation(location);
  if (typeof source === "string") return atLocation(source);
  if ("get" in source && typeof source.get === "function") return byStore(source as KeyValueStore);
  const { location } = source as TensorDataset;
  if (location === undefined) throw new ConfigError("source", inMemory);
  return atLocation(location);
}
