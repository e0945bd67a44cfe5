/**
 * A key-value store that remembers the values (or byte ranges) of the keys it is told to (array
 * chunks), up to a byte budget, least recently used first out. A pyramid tile holds every
 * channel, and the reader reads one channel at a time: without this, each channel's read would
 * fetch the same chunk (or the same rows of the base) again. Bundle files are immutable (each version writes new names), so a remembered value
 * never goes stale.
 */

import { createHttpStore, type KeyValueStore } from "tensortools/browser";

type GetOptions = Parameters<KeyValueStore["get"]>[1];

/** The byte budget of {@link cachingStore} unless given: a few screens of tiles. */
export const CACHE_BYTES = 96 * 1024 * 1024;

/**
 * `store` with reads of the keys `remember` accepts shared and remembered, whole or by the same
 * byte range: reads of a key (and range) in flight at once make one request, and later reads none
 * while it stays in the budget. Other keys go straight to `store`. (The signal of a shared read is
 * not passed on: one reader giving up must not fail the others.)
 *
 * @example
 * ```ts
 * const store = cachingStore(createHttpStore(url), (key) => key.includes(".pyramid."));
 * ```
 */
export function cachingStore(
  store: KeyValueStore,
  remember: (key: string) => boolean,
  budget = CACHE_BYTES,
): KeyValueStore {
  const values = new Map<string, Promise<Uint8Array | undefined>>();
  const sizes = new Map<string, number>();
  let held = 0;
  const evict = () => {
    for (const [key, size] of sizes) {
      if (held <= budget) return;
      sizes.delete(key);
      values.delete(key);
      held -= size;
    }
  };
  const get = (key: string, options?: GetOptions) => {
    if (!remember(key)) return store.get(key, options);
    const range = options?.range;
    const id = range === undefined ? key : `${key}@${range.offset}+${range.length}`;
    let value = values.get(id);
    if (value === undefined) {
      value = store.get(key, { ...(range && { range }) });
      values.set(id, value);
      value.then(
        (bytes) => {
          if (!values.has(id)) return;
          sizes.set(id, bytes?.byteLength ?? 0);
          held += bytes?.byteLength ?? 0;
          evict();
        },
        () => values.delete(id),
      );
    } else if (sizes.has(id)) {
      // Most recently used last.
      const size = sizes.get(id)!;
      sizes.delete(id);
      sizes.set(id, size);
    }
    return value.then((bytes) => bytes?.slice());
  };
  return {
    location: store.location,
    get,
    size: (key, options) => store.size(key, options),
    ...(store.modified && { modified: store.modified.bind(store) }),
  };
}

/** The page's store of each bundle URL (see {@link bundleStore}). */
const stores = new Map<string, KeyValueStore>();

/**
 * The page's one store for the bundle at `url`: its manifest (read once, so every reader of the
 * page sees the same version) and every chunk read (whole, or by byte range) are remembered, so
 * the session, the pyramid and each channel of the ERP image share what they fetch.
 *
 * @example
 * ```ts
 * const dataset = await openDataset(bundleStore("http://127.0.0.1:8080/dataset/"));
 * ```
 */
export function bundleStore(url: string): KeyValueStore {
  let store = stores.get(url);
  if (store === undefined) {
    store = cachingStore(
      createHttpStore(url),
      (key) => key === "manifest.json" || key.includes("/c/"),
    );
    stores.set(url, store);
  }
  return store;
}
