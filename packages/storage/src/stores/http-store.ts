/** A read-only key-value store over HTTP: any static web server, with range requests. */

import { type GetOptions, IoError, type KeyValueStore } from "@tt/schema";
import { systemErrorCode } from "../bytes.js";

/** Options of {@link createHttpStore}. */
export interface HttpStoreOptions {
  /** The fetch to use (defaults to the global one). */
  fetch?: typeof globalThis.fetch;
  /** Extra request headers, e.g. authorization. */
  headers?: Readonly<Record<string, string>>;
  /**
   * The URL of each key, instead of the key resolved against the store's URL: for stores whose
   * files each have an address of their own, such as presigned URLs. `undefined` reads as a
   * missing key, without a request.
   */
  urlOf?: (key: string) => string | URL | undefined;
}

/** The statuses that say a key is absent: the only answers read as "no such key". */
const ABSENT = new Set([404, 410]);

/** The failure of a request the server answered with `response`, which is not a success. */
function failedAnswer(href: string, response: Response): IoError {
  const { status } = response;
  const answer = `${href} answered HTTP ${status}${response.statusText ? ` ${response.statusText}` : ""}`;
  const remedy =
    status === 401 || status === 403
      ? "the server refuses access; check the credentials (the store's headers) or its permissions"
      : status >= 500
        ? "the server failed; try again later, or check the server's log"
        : "the server did not answer the request with the data";
  return new IoError(href, `${answer}: ${remedy}`, { status });
}

/** Whether a request asks for a byte range. */
function hasRange(init: RequestInit): boolean {
  return (init.headers as Record<string, string> | undefined)?.Range !== undefined;
}

/**
 * A read-only {@link KeyValueStore} for the bundle at `url`. Keys resolve relative to it (or
 * through `options.urlOf`); a 404 or 410 reads as a missing key; a byte range becomes a `Range`
 * request. A request that fails for another reason (no connection, 401 or 403, a server error)
 * is an {@link IoError} naming the URL, with the HTTP status or the system error code where
 * known.
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
  const resolve = (key: string): URL | undefined => {
    if (options.urlOf === undefined) return new URL(key.replace(/^\/+/, ""), base);
    const url = options.urlOf(key);
    return url === undefined ? undefined : new URL(url);
  };

  const request = async (key: string, init: RequestInit): Promise<Response | undefined> => {
    const target = resolve(key);
    if (target === undefined) return undefined;
    let response: Response;
    try {
      response = await fetcher(target, init);
    } catch (error) {
      if ((error as Error)?.name === "AbortError") throw error;
      const code = systemErrorCode(error);
      throw new IoError(
        target.href,
        `could not reach ${target.href}: ${(error as Error).message}`,
        {
          cause: error,
          ...(code === undefined ? {} : { code }),
        },
      );
    }
    if (response.ok) return response;
    // The body of an answer that is not read is released, so the connection can be reused.
    await response.body?.cancel().catch(() => undefined);
    if (ABSENT.has(response.status)) return undefined;
    // A range that starts past the end holds no bytes, as a file read there gives none: the
    // caller that expected bytes names the short file.
    if (response.status === 416 && hasRange(init)) return response;
    throw failedAnswer(target.href, response);
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
      if (response.status === 416) return new Uint8Array(0);
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
