/** A read-only store over a bundle's presigned URLs: what a page without credentials reads. */

import {
  ConfigError,
  type GetOptions,
  IoError,
  isTensorToolsError,
  type KeyValueStore,
} from "@tt/schema";
import { createHttpStore } from "@tt/storage";
import type { PresignedBundle, PresignedFile } from "./presign.js";

/** A store over presigned URLs: a key-value store that lists its keys and knows its expiry. */
export interface PresignedStore extends KeyValueStore {
  /** When the URLs stop working. */
  readonly expires: Date;
  /** Every key of the bundle that starts with `prefix`, from the URL map. */
  list(prefix?: string): AsyncIterable<string>;
}

/** Options of {@link createPresignedStore}. */
export interface PresignedStoreOptions {
  /** The fetch to send requests with (default the global one). */
  fetch?: typeof globalThis.fetch;
}

/** `bundle` checked, as it may come from anywhere (a page's request): a ConfigError names the fault. */
function checkedBundle(bundle: PresignedBundle): { location: string; expires: Date } {
  const fault = (what: string) =>
    new ConfigError("bundle", `${what}; pass what presignBundle returned (JSON of it)`);
  if (typeof bundle !== "object" || bundle === null) throw fault("is not a presigned bundle");
  const { location, expires, files } = bundle;
  if (typeof location !== "string" || !/^s3:\/\/[^/]+\/(.*\/)?$/.test(location))
    throw fault(`its location ${JSON.stringify(location)} is not an s3://<bucket>/<prefix>/`);
  const expiry = new Date(typeof expires === "string" ? expires : Number.NaN);
  if (Number.isNaN(expiry.getTime()))
    throw fault(`its expiry ${JSON.stringify(expires)} is not an ISO 8601 time`);
  if (typeof files !== "object" || files === null) throw fault("it has no files");
  for (const [key, file] of Object.entries(files)) {
    const { url, size } = (file ?? {}) as Partial<PresignedFile>;
    if (
      typeof url !== "string" ||
      !/^https?:\/\//.test(url) ||
      !Number.isSafeInteger(size) ||
      size! < 0
    )
      throw fault(`its file ${JSON.stringify(key)} is not { url: "http(s)://…", size: <bytes> }`);
  }
  return { location, expires: expiry };
}

/**
 * `error` of reading `key` through its presigned URL, as an IoError naming the key and the
 * bundle (not the URL, whose signature is as good as a password until it expires): a refusal
 * (401, 403) says whether the URL expired or was refused before its time.
 */
function readError(location: string, key: string, expires: Date, error: unknown): unknown {
  if (!isTensorToolsError(error, "io")) return error;
  const { status, code } = error;
  const until = expires.toISOString();
  const reason =
    status === 401 || status === 403
      ? Date.now() >= expires.getTime()
        ? `the URL expired at ${until} (HTTP ${status}): presign the bundle again`
        : `the server refused the URL (HTTP ${status}) before its expiry at ${until}: it was altered, or the credentials that signed it no longer hold`
      : status === undefined
        ? `the server could not be reached${code === undefined ? "" : ` (${code})`}`
        : `the server answered HTTP ${status}`;
  return new IoError(
    `${location}${key}`,
    `could not read '${key}' of ${location} through its presigned URL: ${reason}`,
    {
      cause: error,
      ...(status === undefined ? {} : { status }),
      ...(code === undefined ? {} : { code }),
    },
  );
}

/**
 * A read-only key-value store over the presigned URLs of a bundle (see `presignBundle`), for
 * `openBundle`, `openResultBundle` and `openDataset` of `tensortools/browser`, in a page or in
 * Node, with no credentials: a key reads from its URL (a byte range as a `Range` request, through
 * `createHttpStore` of `@tt/storage`), its size comes from the map, a key the map does not hold is
 * missing. A URL that has expired, or is refused, is an IoError naming the key. The bucket needs
 * a CORS rule for the page's origin that allows GET and the `Range` header.
 *
 * @example
 * ```ts
 * import { openDataset } from "tensortools/browser";
 * import { createPresignedStore } from "@tt/storage-s3";
 *
 * const presigned = await (await fetch("/api/presign?bundle=eeg/night-1")).json();
 * const dataset = await openDataset(createPresignedStore(presigned));
 * ```
 */
export function createPresignedStore(
  bundle: PresignedBundle,
  options: PresignedStoreOptions = {},
): PresignedStore {
  const { location, expires } = checkedBundle(bundle);
  const files = new Map(Object.entries(bundle.files));
  const fileOf = (key: string) => files.get(key.replace(/^\/+/, ""));
  const http = createHttpStore(location, {
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    urlOf: (key) => fileOf(key)?.url,
  });
  return {
    location,
    expires,
    async get(key: string, getOptions: GetOptions = {}) {
      if (getOptions.range?.length === 0)
        return fileOf(key) === undefined ? undefined : new Uint8Array(0);
      try {
        return await http.get(key, getOptions);
      } catch (error) {
        throw readError(location, key, expires, error);
      }
    },
    async size(key: string) {
      return fileOf(key)?.size;
    },
    async *list(prefix = "") {
      for (const key of files.keys()) if (key.startsWith(prefix)) yield key;
    },
  };
}
