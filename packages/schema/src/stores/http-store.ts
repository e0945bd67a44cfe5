/** A read-only key-value store over HTTP: any static web server, with range requests. */

import { DataError, NotFoundError } from "../errors.js";
import type { GetOptions, KeyValueStore } from "../key-value-store.js";

/** Options of {@link createHttpStore}. */
export interface HttpStoreOptions {
  /** The fetch to use (defaults to the global one). */
  fetch?: typeof globalThis.fetch;
  /** Extra request headers, e.g. authorization. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * A read-only {@link KeyValueStore} for the bundle at `url`. Keys resolve relative to it;
 * a 404 reads as a missing key; a byte range becomes a `Range` request.
 *
 * @example
 * ```ts
 * const store = createHttpStore("http://localhost:8080/bundles/demo/");
 * const manifest = await store.get("manifest.json");
 * ```
 */
export function createHttpStore(url: string | URL, options: HttpStoreOptions = {}): KeyValueStore {
  const base = new URL(url.toString().endsWith("/") ? url.toString() : `${url}/`);
  const fetcher = options.fetch ?? globalThis.fetch;
  const resolve = (key: string) => new URL(key.replace(/^\/+/, ""), base);

  const request = async (key: string, init: RequestInit): Promise<Response | undefined> => {
    const target = resolve(key);
    let response: Response;
    try {
      response = await fetcher(target, init);
    } catch (error) {
      if ((error as Error)?.name === "AbortError") throw error;
      throw new NotFoundError(
        target.href,
        `could not reach ${target.href}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (response.status === 404 || response.status === 403) return undefined;
    if (!response.ok) {
      throw new DataError(target.href, `HTTP ${response.status} ${response.statusText}`);
    }
    return response;
  };

  return {
    location: base.href,
    async get(key: string, getOptions: GetOptions = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const { range, signal } = getOptions;
      if (range !== undefined)
        headers.Range = `bytes=${range.offset}-${range.offset + range.length - 1}`;
      const response = await request(key, { headers, signal });
      if (response === undefined) return undefined;
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (range !== undefined && response.status !== 206) {
        return bytes.subarray(range.offset, range.offset + range.length);
      }
      return bytes;
    },
    async size(key: string, sizeOptions: { signal?: AbortSignal } = {}) {
      const response = await request(key, {
        method: "HEAD",
        headers: { ...options.headers },
        signal: sizeOptions.signal,
      });
      if (response === undefined) return undefined;
      const length = response.headers.get("content-length");
      if (length !== null) return Number(length);
      const whole = await this.get(key, sizeOptions);
      return whole?.byteLength;
    },
  };
}
