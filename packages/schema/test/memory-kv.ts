/**
 * A key-value store on a Map, enough for the conformance kits' own tests (the stores users use
 * live in @tt/storage, above this package).
 */

import type { GetOptions, WritableKeyValueStore } from "../src/index.js";

export function memoryKeyValueStore(): WritableKeyValueStore {
  const entries = new Map<string, Uint8Array>();
  return {
    location: "memory://test",
    async get(key: string, options: GetOptions = {}) {
      const value = entries.get(key);
      if (value === undefined || options.range === undefined) return value?.slice();
      return value.slice(options.range.offset, options.range.offset + options.range.length);
    },
    size: async (key: string) => entries.get(key)?.byteLength,
    async set(key: string, value: Uint8Array) {
      entries.set(key, value.slice());
    },
    async delete(key: string) {
      entries.delete(key);
    },
    async *list(prefix = "") {
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) yield key;
    },
  };
}
