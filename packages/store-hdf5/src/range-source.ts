/**
 * HDF5 files read over HTTP a piece at a time: HDF5 reads synchronously, and a web worker may
 * make synchronous requests, so a worker reads a file of any size by byte-range requests, never
 * downloading it whole. Small reads (HDF5's superblock, object headers, B-tree nodes) are served
 * from a few cached pages, so opening a file costs a handful of requests.
 */

import { DataError, UnsupportedError } from "@tt/schema";
import type { Hdf5Source } from "./sources.js";

/** Reads smaller than this go through a cached page of this size. */
const PAGE_BYTES = 64 * 1024;
/** Pages kept, the least recently used dropped first. */
const PAGES = 64;

/**
 * A source of `size` bytes read by `readRange(offset, length)` (which returns exactly those
 * bytes), with reads smaller than a page served from up to 64 cached 64 KiB pages.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array(1000);
 * const source = pagedSource("in memory", bytes.length, (at, n) => bytes.slice(at, at + n));
 * ```
 */
export function pagedSource(
  name: string,
  size: number,
  readRange: (offset: number, length: number) => Uint8Array,
): Hdf5Source {
  const pages = new Map<number, Uint8Array>();
  const page = (index: number): Uint8Array => {
    let bytes = pages.get(index);
    if (bytes !== undefined) pages.delete(index);
    else {
      const offset = index * PAGE_BYTES;
      bytes = readRange(offset, Math.min(PAGE_BYTES, size - offset));
      if (pages.size >= PAGES) pages.delete(pages.keys().next().value!);
    }
    pages.set(index, bytes);
    return bytes;
  };
  return {
    name,
    size,
    read(target, position) {
      const length = Math.max(0, Math.min(target.length, size - position));
      if (length >= PAGE_BYTES) {
        target.set(readRange(position, length));
        return length;
      }
      for (let done = 0; done < length; ) {
        const at = position + done;
        const bytes = page(Math.floor(at / PAGE_BYTES));
        const from = at % PAGE_BYTES;
        const piece = bytes.subarray(from, Math.min(bytes.length, from + length - done));
        target.set(piece, done);
        done += piece.length;
      }
      return length;
    },
  };
}

/** The answer to a synchronous request: its status, a header and (for GET) the body. */
export interface RangeAnswer {
  readonly status: number;
  header(name: string): string | null;
  readonly body: Uint8Array;
}

/** Makes one synchronous request (a `Range` header when `range` is given). */
export type SyncRequester = (url: string, method: "HEAD" | "GET", range?: string) => RangeAnswer;

interface SyncRequest {
  open(method: string, url: string, async: false): void;
  setRequestHeader(name: string, value: string): void;
  send(): void;
  getResponseHeader(name: string): string | null;
  responseType: string;
  response: ArrayBuffer | null;
  status: number;
}

/** A synchronous request by XMLHttpRequest (web workers). */
const xhrRequester: SyncRequester = (url, method, range) => {
  const Request = (globalThis as { XMLHttpRequest?: new () => SyncRequest }).XMLHttpRequest;
  if (Request === undefined)
    throw new UnsupportedError(
      "HDF5 over HTTP",
      "reading HDF5 over HTTP needs XMLHttpRequest (a web worker) or Node",
    );
  const xhr = new Request();
  xhr.open(method, url, false);
  if (method === "GET") xhr.responseType = "arraybuffer";
  if (range !== undefined) xhr.setRequestHeader("Range", range);
  xhr.send();
  return {
    status: xhr.status,
    header: (name) => xhr.getResponseHeader(name),
    body: new Uint8Array(xhr.response ?? new ArrayBuffer(0)),
  };
};

/** One request; an answer other than `expect` is a DataError naming the URL. */
function request(
  requester: SyncRequester,
  url: string,
  method: "HEAD" | "GET",
  range: string | undefined,
  expect: number,
): RangeAnswer {
  const answer = requester(url, method, range);
  if (answer.status !== expect)
    throw new DataError(
      url,
      `answered ${answer.status} to ${method}${range ? ` ${range}` : ""}; reading HDF5 in place needs a server that answers byte ranges (206)`,
    );
  return answer;
}

/**
 * The HDF5 file at `url`, read by synchronous byte-range requests, so that `openHdf5Array` of it
 * reads only the pieces HDF5 asks for: in a web worker by XMLHttpRequest (browsers refuse
 * synchronous binary requests on a page's main thread); on Node, a store or a path at an http(s)
 * URL is read this way through a worker thread. The size comes from a HEAD request. A server
 * that does not answer ranges with 206 is a DataError naming the URL.
 *
 * @example
 * ```ts
 * // In a web worker:
 * const array = await openHdf5Array(httpRangeSource("https://example.org/eeg/arrays/recordings.h5"), "/eeg/epochs");
 * const first = await array.read([{ start: 0, stop: 1 }, null, null]);
 * ```
 */
export function httpRangeSource(url: string, requester: SyncRequester = xhrRequester): Hdf5Source {
  const head = request(requester, url, "HEAD", undefined, 200);
  const length = Number(head.header("Content-Length"));
  if (!Number.isSafeInteger(length) || length <= 0)
    throw new DataError(
      url,
      "gave no Content-Length for the file; its size is needed to read it in place",
    );
  return pagedSource(url, length, (offset, count) => {
    const answer = request(requester, url, "GET", `bytes=${offset}-${offset + count - 1}`, 206);
    if (answer.body.length !== count)
      throw new DataError(
        url,
        `gave ${answer.body.length} of the ${count} bytes asked for at ${offset}`,
      );
    return answer.body;
  });
}
