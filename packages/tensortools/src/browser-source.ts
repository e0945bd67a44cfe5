/** Where a browser reads bundles from: an http(s) URL (relative to the page) or a store. */

import { ConfigError, type KeyValueStore } from "@tt/schema";
import { createHttpStore } from "@tt/storage";

/**
 * The key-value store for `source`: the store itself, or an HTTP store for a URL. A relative URL
 * is resolved against the page (`document.baseURI`, else `location.href`) when there is one.
 */
export function storeOf(source: string | KeyValueStore, what: string): KeyValueStore {
  if (typeof source !== "string") return source;
  const base =
    (globalThis as { document?: { baseURI?: string } }).document?.baseURI ??
    (globalThis as { location?: { href?: string } }).location?.href;
  let url: URL;
  try {
    url = new URL(source, base);
  } catch (error) {
    throw new ConfigError(
      what,
      `'${source}' is not a URL; in the browser pass an http(s) URL or a KeyValueStore (directories need the Node entry "tensortools")`,
      { cause: error },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(
      what,
      `'${source}' is a ${url.protocol} URL; in the browser pass an http(s) URL or a KeyValueStore`,
    );
  }
  return createHttpStore(url);
}
