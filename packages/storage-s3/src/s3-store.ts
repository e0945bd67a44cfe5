/** A bundle (or result) under a prefix of an S3 bucket, as a writable key-value store. */

import {
  ConfigError,
  DataError,
  type GetOptions,
  IoError,
  unsafePathReason,
  type WritableKeyValueStore,
} from "@tt/schema";
import { sameBytes } from "@tt/storage";
import { AwsClient } from "aws4fetch";
import { Limiter, type RequestPolicy, sendWithRetries } from "./requests.js";

/** Credentials of the requests' signatures (AWS signature version 4). */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options of {@link createS3Store}. */
export interface S3StoreOptions {
  /** The bucket. */
  bucket: string;
  /** The bundle's folder in the bucket, e.g. `studies/eeg/night-1` (no leading `/`). */
  prefix?: string;
  /**
   * The server, e.g. `http://127.0.0.1:9000` for a local one (path-style addressing:
   * `<endpoint>/<bucket>/<key>`); by default `https://s3.<region>.amazonaws.com`.
   */
  endpoint?: string;
  /** The region the requests are signed for (default `us-east-1`). */
  region?: string;
  /** The credentials; without them requests go unsigned (a public bucket). */
  credentials?: S3Credentials;
  /** Requests in flight at most (default 16). */
  concurrency?: number;
  /** Tries after the first for a request that failed for a reason that may pass (default 4). */
  retries?: number;
  /** The first wait before a retry, in ms, doubling each time, randomised (default 100). */
  backoffMs?: number;
  /** The fetch to send requests with (default the global one). */
  fetch?: typeof globalThis.fetch;
  /**
   * Whether the server honours conditional PUTs (`If-None-Match: *`, `If-Match: <etag>`), as AWS
   * S3, MinIO and Cloudflare R2 do: then the store has `swap`, and a bundle's commit is a
   * compare-and-swap of its manifest, so of two writers committing at once one gets a
   * ConflictError. Off by default: a server that ignores the headers would overwrite silently.
   */
  conditionalWrites?: boolean;
}

/** An S3 store: a key-value store, and the most requests it had in flight at once. */
export interface S3Store extends WritableKeyValueStore {
  readonly requests: { readonly peak: number };
}

/** What the options say, checked: a ConfigError names the option at fault. */
function checked(options: S3StoreOptions) {
  const { bucket, prefix = "", region = "us-east-1" } = options;
  if (typeof bucket !== "string" || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new ConfigError(
      "bucket",
      `${JSON.stringify(bucket)} is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-')`,
    );
  const folder = prefix.replace(/\/+$/, "");
  if (folder !== "" && unsafePathReason(folder) !== undefined)
    throw new ConfigError("prefix", `the prefix ${unsafePathReason(folder)}`);
  const endpoint = (options.endpoint ?? `https://s3.${region}.amazonaws.com`).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+$/.test(endpoint))
    throw new ConfigError(
      "endpoint",
      `${JSON.stringify(endpoint)} is not a server's origin (http(s)://host[:port])`,
    );
  const policy: RequestPolicy = {
    concurrency: positive(options.concurrency ?? 16, "concurrency"),
    retries: nonNegative(options.retries ?? 4, "retries"),
    backoffMs: nonNegative(options.backoffMs ?? 100, "backoffMs"),
  };
  return { bucket, folder: folder === "" ? "" : `${folder}/`, region, endpoint, policy };
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(name, `must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0)
    throw new ConfigError(name, `must be a number >= 0, got ${value}`);
  return value;
}

/** `text` with XML's five entities decoded. */
function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) =>
    name === "lt" ? "<" : name === "gt" ? ">" : name === "quot" ? '"' : name === "apos" ? "'" : "&",
  );
}

/** The error for an answer that is neither a success nor "no such key". */
function failedAnswer(url: string, response: Response, body: string): IoError {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const { status } = response;
  const remedy =
    status === 401 || status === 403
      ? "the server refuses access: check the credentials and the bucket's policy"
      : status >= 500 || status === 429
        ? "the server failed or throttled, and went on failing after the retries; try again later"
        : "the server did not do what was asked";
  return new IoError(url, `${url} answered HTTP ${status}${code ? ` (${code})` : ""}: ${remedy}`, {
    status,
  });
}

/** What the store's operations share: addresses, paced and retried requests, answers. */
export interface Connection {
  bucket: string;
  endpoint: string;
  /** The region the requests are signed for. */
  region: string;
  /** The bundle's folder in the bucket, with a trailing `/` (or empty). */
  folder: string;
  limiter: Limiter;
  /** The URL of `key` (a DataError for a key that would leave the folder). */
  objectUrl(key: string): string;
  request(url: string, init: () => RequestInit): Promise<Response>;
  /** The answer, undefined for 404; other failures as IoErrors. */
  answer(url: string, response: Response): Promise<Response | undefined>;
}

/** The connection a store (or a presigner) of `options` makes its requests through. */
export function connect(options: S3StoreOptions): Connection {
  const { bucket, folder, region, endpoint, policy } = checked(options);
  const fetcher = options.fetch ?? globalThis.fetch;
  const client =
    options.credentials === undefined
      ? undefined
      : new AwsClient({ ...options.credentials, service: "s3", region, retries: 0 });
  const limiter = new Limiter(policy.concurrency);
  const send = async (url: string, init: RequestInit) =>
    fetcher(client === undefined ? new Request(url, init) : await client.sign(url, init));
  return {
    bucket,
    endpoint,
    region,
    folder,
    limiter,
    objectUrl(key) {
      const clean = key.replace(/^\/+/, "");
      const reason = unsafePathReason(clean);
      if (reason !== undefined) throw new DataError(`key ${JSON.stringify(key)}`, reason);
      const path = `${folder}${clean}`.split("/").map(encodeURIComponent).join("/");
      return `${endpoint}/${bucket}/${path}`;
    },
    request: (url, init) => sendWithRetries(send, limiter, policy, url, init),
    async answer(url, response) {
      if (response.ok) return response;
      const body = await response.text().catch(() => "");
      if (response.status === 404) return undefined;
      throw failedAnswer(url, response, body);
    },
  };
}

/**
 * A key-value store for the bundle under `prefix` of `bucket` on an S3-compatible server, for
 * `writeBundle`, `openBundle`, results and every reader and writer of the library: signed
 * requests (AWS signature version 4, through `aws4fetch`, in Node and in the browser), reads of
 * byte ranges, at most `concurrency` requests at once, and retries with growing randomised waits
 * on dropped connections, 5xx and throttling (429, 503 SlowDown). A missing key reads as
 * undefined; a key with `..` or an empty segment is a DataError (it would leave the prefix). The
 * store has no compare-and-swap: a bundle's commit is one PUT of its manifest after every file
 * of the version is written, so a writer that dies leaves the previous version whole, but two
 * writers committing to one bundle at the same moment are not told of each other.
 *
 * @example
 * ```ts
 * import { writeBundle } from "@tt/bundle";
 * import { createS3Store } from "@tt/storage-s3";
 *
 * const store = createS3Store({
 *   endpoint: "http://127.0.0.1:9000", bucket: "studies", prefix: "eeg/night-1",
 *   credentials: { accessKeyId: "key", secretAccessKey: "secret" },
 * });
 * await writeBundle(store, tensor);
 * ```
 */
export function createS3Store(options: S3StoreOptions): S3Store {
  const connection = connect(options);
  const { objectUrl, request, answer, limiter, bucket, folder } = connection;
  const store: S3Store = {
    location: `s3://${bucket}/${folder}`,
    requests: limiter,
    async get(key: string, getOptions: GetOptions = {}) {
      const url = objectUrl(key);
      const { range, signal } = getOptions;
      if (range?.length === 0)
        return (await store.size(key, { signal })) === undefined ? undefined : new Uint8Array(0);
      const headers: Record<string, string> =
        range === undefined
          ? {}
          : { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` };
      const response = await request(url, () => ({ headers, signal }));
      // A range that starts past the end holds no bytes (the caller names the short file).
      if (response.status === 416 && range !== undefined) return new Uint8Array(0);
      const found = await answer(url, response);
      if (found === undefined) return undefined;
      const bytes = new Uint8Array(await found.arrayBuffer());
      if (range !== undefined && found.status !== 206)
        return bytes.subarray(range.offset, range.offset + range.length);
      return bytes;
    },
    async size(key: string, sizeOptions: { signal?: AbortSignal } = {}) {
      const url = objectUrl(key);
      const response = await request(url, () => ({ method: "HEAD", signal: sizeOptions.signal }));
      if (response.status === 404) return undefined;
      const found = await answer(url, response);
      const length = found?.headers.get("content-length");
      return length == null ? undefined : Number(length);
    },
    async set(key: string, value: Uint8Array, setOptions: { signal?: AbortSignal } = {}) {
      const url = objectUrl(key);
      // Copied once: the caller may reuse `value` as soon as this resolves, retries included.
      const body = value.slice();
      await answer(
        url,
        await request(url, () => ({ method: "PUT", body, signal: setOptions.signal })),
      );
    },
    async delete(key: string) {
      const url = objectUrl(key);
      const response = await request(url, () => ({ method: "DELETE" }));
      if (response.status !== 404) await answer(url, response);
    },
    list: (prefix = "") => listKeys(connection, `${folder}${prefix}`),
  };
  if (options.conditionalWrites === true)
    store.swap = (key, value, expected) => swapObject(connection, key, value, expected);

  return store;
}

/** An object a listing names: its key without the store's folder, and its size in bytes. */
export interface ListedObject {
  key: string;
  size: number;
}

/**
 * The objects under `full` (bucket-relative), their keys without the store's folder, page by
 * page (ListObjects): each page asks for the keys after the last one of the page before
 * (`marker`), which every S3-compatible server honours.
 */
export async function* listObjects(
  connection: Connection,
  full: string,
): AsyncIterable<ListedObject> {
  const { endpoint, bucket, request, answer } = connection;
  const strip = connection.folder.length;
  let after: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ prefix: full });
    if (after !== undefined) query.set("marker", after);
    const url = `${endpoint}/${bucket}?${query}`;
    const response = await answer(url, await request(url, () => ({})));
    if (response === undefined)
      throw new IoError(url, `the bucket '${bucket}' does not exist at ${endpoint}`, {
        status: 404,
      });
    const xml = await response.text();
    const objects = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map((m) => ({
      key: unescapeXml(/<Key>([^<]*)<\/Key>/.exec(m[1]!)?.[1] ?? ""),
      size: Number(/<Size>(\d+)<\/Size>/.exec(m[1]!)?.[1] ?? Number.NaN),
    }));
    for (const { key, size } of objects) yield { key: key.slice(strip), size };
    if (!/<IsTruncated>true<\/IsTruncated>/.test(xml) || objects.length === 0) return;
    after = objects[objects.length - 1]!.key;
  }
}

/** The keys under `full` (bucket-relative), without the store's folder. */
async function* listKeys(connection: Connection, full: string): AsyncIterable<string> {
  for await (const { key } of listObjects(connection, full)) yield key;
}

/**
 * Replaces `key` with `value` only if it now holds `expected` (undefined: only if it is missing),
 * by one conditional PUT: `If-None-Match: *`, or `If-Match` with the ETag of the object read and
 * found equal to `expected`. HTTP 412 (or 409, a concurrent conditional write) is "not swapped".
 */
async function swapObject(
  connection: Connection,
  key: string,
  value: Uint8Array,
  expected: Uint8Array | undefined,
): Promise<boolean> {
  const { objectUrl, request, answer } = connection;
  const url = objectUrl(key);
  let condition: Record<string, string> = { "If-None-Match": "*" };
  if (expected !== undefined) {
    const current = await answer(url, await request(url, () => ({})));
    if (current === undefined) return false;
    const etag = current.headers.get("etag");
    const bytes = new Uint8Array(await current.arrayBuffer());
    if (etag === null || !sameBytes(bytes, expected)) return false;
    condition = { "If-Match": etag };
  }
  const body = value.slice();
  const response = await request(url, () => ({ method: "PUT", body, headers: condition }));
  if (response.status === 412 || response.status === 409) {
    await response.body?.cancel().catch(() => undefined);
    return false;
  }
  await answer(url, response);
  return true;
}
