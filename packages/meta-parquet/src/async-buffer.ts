/** hyparquet's AsyncBuffer over a KeyValueStore key (ranged reads) or over bytes in memory. */

import { DataError, type KeyValueStore, NotFoundError } from "@tt/schema";
import type { AsyncBuffer } from "hyparquet";

/**
 * An AsyncBuffer that reads `key` of `store` with one ranged `get` per slice, so that a remote
 * store fetches only the footer and the column chunks a read needs. A missing key is a
 * {@link NotFoundError} naming the key and the store.
 */
export async function storeAsyncBuffer(
  store: KeyValueStore,
  key: string,
  signal?: AbortSignal,
): Promise<AsyncBuffer> {
  const byteLength = await store.size(key, { signal });
  if (byteLength === undefined) {
    throw new NotFoundError(key, `no Parquet file at '${key}' in ${store.location}`);
  }
  return {
    byteLength,
    async slice(start, end = byteLength) {
      const length = end - start;
      const bytes = await store.get(key, { range: { offset: start, length }, signal });
      if (bytes === undefined) {
        throw new NotFoundError(key, `'${key}' in ${store.location} disappeared while being read`);
      }
      if (bytes.byteLength !== length) {
        throw new DataError(
          key,
          `asked ${store.location} for bytes ${start}..${end} and got ${bytes.byteLength} bytes ` +
            `instead of ${length}; the file may have changed while being read`,
        );
      }
      return toArrayBuffer(bytes);
    },
  };
}

/** An AsyncBuffer over bytes already in memory, copying only the slices asked for. */
export function bytesAsyncBuffer(bytes: Uint8Array | ArrayBuffer): AsyncBuffer {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return {
    byteLength: view.byteLength,
    slice: (start, end = view.byteLength) => toArrayBuffer(view.subarray(start, end)),
  };
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes;
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) {
    return buffer;
  }
  // A copy of exactly these bytes: `slice` of a Node Buffer is a view of its (pooled) memory.
  const copy = new Uint8Array(byteLength);
  copy.set(bytes);
  return copy.buffer;
}
