/** An in-memory key-value store: for bundles built in memory and the reference store of tests. */

import {
  AlreadyExistsError,
  type GetOptions,
  NotFoundError,
  type WritableKeyValueStore,
} from "@tt/schema";

/** A {@link WritableKeyValueStore} backed by a `Map`; `location` names it in messages. */
export function createMemoryStore(location = "memory://"): WritableKeyValueStore & {
  /** The keys and values, for inspection in tests. */
  readonly entries: Map<string, Uint8Array>;
} {
  const entries = new Map<string, Uint8Array>();
  const checkSignal = (signal: AbortSignal | undefined) => signal?.throwIfAborted();
  return {
    location,
    entries,
    async get(key: string, options: GetOptions = {}) {
      checkSignal(options.signal);
      const value = entries.get(key);
      if (value === undefined) return undefined;
      if (options.range === undefined) return value.slice();
      const { offset, length } = options.range;
      return value.slice(offset, offset + length);
    },
    async size(key: string) {
      return entries.get(key)?.byteLength;
    },
    async set(key: string, value: Uint8Array, options: { signal?: AbortSignal } = {}) {
      checkSignal(options.signal);
      entries.set(key, value.slice());
    },
    async delete(key: string) {
      entries.delete(key);
    },
    async link(from: string, to: string) {
      const value = entries.get(from);
      if (value === undefined)
        throw new NotFoundError(from, `no key '${from}' in ${location} to link`);
      if (entries.has(to))
        throw new AlreadyExistsError(to, `'${to}' already exists in ${location}`);
      entries.set(to, value);
    },
    async swap(key: string, value: Uint8Array, expected: Uint8Array | undefined) {
      const current = entries.get(key);
      const same =
        current === undefined || expected === undefined
          ? current === expected
          : current.length === expected.length && current.every((byte, i) => byte === expected[i]);
      if (same) entries.set(key, value.slice());
      return same;
    },
    async *list(prefix = "") {
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) yield key;
    },
  };
}
