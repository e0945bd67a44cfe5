/** Lets zarrita read and write through a tensortools key-value store. */

import { DataError, type KeyValueStore, type WritableKeyValueStore } from "@tt/schema";

type AbsolutePath = `/${string}`;
type RangeQuery = { offset: number; length: number } | { suffixLength: number };

/** What is known about the array being read, so that a missing chunk can be judged. */
export interface ChunkPolicy {
  /** Key prefix of the array's chunks, e.g. `arrays/data.zarr/c/`. */
  chunkPrefix: string;
  /** Whether a missing chunk may be read as the fill value. */
  allowMissing: boolean;
}

/** A zarrita store over `store`; a missing chunk under `policy` is a DataError naming it. */
export function zarritaStore(store: KeyValueStore, policy?: ChunkPolicy) {
  const keyOf = (key: AbsolutePath) => key.slice(1);
  const missing = (key: string) => {
    if (policy !== undefined && !policy.allowMissing && key.startsWith(policy.chunkPrefix)) {
      throw new DataError(
        `chunk '${key}'`,
        `is missing in ${store.location} and the array has no fill value to stand in for it`,
      );
    }
    return undefined;
  };
  return {
    async get(key: AbsolutePath, options?: { signal?: AbortSignal }) {
      const k = keyOf(key);
      return (await store.get(k, { signal: options?.signal })) ?? missing(k);
    },
    async getRange(key: AbsolutePath, range: RangeQuery, options?: { signal?: AbortSignal }) {
      const k = keyOf(key);
      if ("suffixLength" in range) {
        const size = await store.size(k, options);
        if (size === undefined) return missing(k);
        const offset = Math.max(0, size - range.suffixLength);
        return store.get(k, { range: { offset, length: size - offset }, signal: options?.signal });
      }
      return (await store.get(k, { range, signal: options?.signal })) ?? missing(k);
    },
    async set(key: AbsolutePath, value: Uint8Array) {
      await (store as WritableKeyValueStore).set(keyOf(key), value);
    },
  };
}
