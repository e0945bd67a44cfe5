/**
 * Reading the on-disk id index (format in `id-index-format.ts`): the header and the directory at
 * open, then one ranged read of a page per lookup (pages kept in a small cache); every length,
 * offset and order the reader relies on is checked, so a corrupt or truncated index is a
 * DataError naming the file, never a wrong row.
 */

import { DataError, type KeyValueStore } from "@tt/schema";
import {
  ID_INDEX_HEADER_BYTES,
  ID_INDEX_MAGIC,
  type IdKeyKind,
  KEY_KIND,
} from "./id-index-format.js";

/** An id as callers give it. */
export type InstanceId = string | number | bigint;

/** Finds the rows of ids. */
export interface RowLookup {
  /** How many ids there are. */
  readonly count: number;
  /** The row of each id, or undefined for an id that is not there; in the order given. */
  rowsOf(ids: readonly InstanceId[], signal?: AbortSignal): Promise<(number | undefined)[]>;
}

/** One decoded page: its ids (for binary search) and rows. */
interface Page {
  key(i: number): bigint | string;
  row(i: number): number;
  length: number;
}

interface Header {
  kind: IdKeyKind;
  pageEntries: number;
  count: number;
  pages: number;
  directoryOffset: number;
  directoryLength: number;
}

/** Pages kept decoded: 512 pages of int64 ids are 6 MiB. */
const PAGE_CACHE = 512;

async function readRange(
  store: KeyValueStore,
  path: string,
  offset: number,
  length: number,
  signal?: AbortSignal,
): Promise<DataView> {
  const bytes = await store.get(path, { range: { offset, length }, signal });
  if (bytes === undefined) throw new DataError(path, "the id index is missing");
  if (bytes.length !== length)
    throw new DataError(path, `is truncated: ${bytes.length} of ${length} bytes at ${offset}`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function parseHeader(view: DataView, path: string, size: number): Header {
  const magic = new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset, 8));
  if (magic !== ID_INDEX_MAGIC)
    throw new DataError(path, "is not a tensortools id index (its magic bytes are wrong)");
  const code = view.getUint32(8, true);
  const kind = (Object.keys(KEY_KIND) as IdKeyKind[]).find((k) => KEY_KIND[k] === code);
  const header = {
    kind: kind!,
    pageEntries: view.getUint32(12, true),
    count: view.getFloat64(16, true),
    pages: view.getFloat64(24, true),
    directoryOffset: view.getFloat64(32, true),
    directoryLength: view.getFloat64(40, true),
  };
  const total = view.getFloat64(48, true);
  const problem =
    kind === undefined
      ? `has key kind ${code}; expected 1 (int64) or 2 (string)`
      : header.pageEntries < 1 || !Number.isSafeInteger(header.count) || header.count < 0
        ? `has ${header.count} ids in pages of ${header.pageEntries}`
        : header.pages !== Math.ceil(header.count / header.pageEntries)
          ? `has ${header.pages} pages for ${header.count} ids in pages of ${header.pageEntries}`
          : total !== size
            ? `is ${size} bytes, its header says ${total} (truncated or grown)`
            : header.directoryOffset + header.directoryLength !== total
              ? "has a directory that does not end the file"
              : undefined;
  if (problem !== undefined) throw new DataError(path, problem);
  return header;
}

/** The directory: page offsets and first ids, checked ascending. */
function parseDirectory(view: DataView, header: Header, path: string) {
  const { pages } = header;
  const offsets = Array.from({ length: pages + 1 }, (_, i) => view.getFloat64(i * 8, true));
  const base = (pages + 1) * 8;
  let firsts: BigInt64Array | string[];
  if (header.kind === "int64") {
    if (view.byteLength !== base + pages * 8) throw new DataError(path, "has a torn directory");
    firsts = BigInt64Array.from({ length: pages }, (_, p) => view.getBigInt64(base + p * 8, true));
  } else {
    const textBase = base + (pages + 1) * 4;
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const at = (p: number) => view.getUint32(base + p * 4, true);
    if (textBase + at(pages) !== view.byteLength) throw new DataError(path, "has a torn directory");
    const decoder = new TextDecoder();
    firsts = Array.from({ length: pages }, (_, p) =>
      decoder.decode(bytes.subarray(textBase + at(p), textBase + at(p + 1))),
    );
  }
  const ordered = offsets.every((o, i) => i === 0 || o > offsets[i - 1]!);
  const sorted = Array.from(firsts as ArrayLike<unknown>).every(
    (k, i, all) => i === 0 || (all[i - 1] as string) < (k as string),
  );
  if (offsets[0] !== ID_INDEX_HEADER_BYTES || offsets[pages] !== header.directoryOffset || !ordered)
    throw new DataError(path, "has page offsets out of order or out of the file");
  if (!sorted) throw new DataError(path, "has page ids out of order");
  return { offsets, firsts };
}

/** Decodes page `p` and checks its length, entry count and first id against the directory. */
function decodePage(
  view: DataView,
  p: number,
  header: Header,
  first: bigint | string,
  path: string,
): Page {
  const expected = Math.min(header.pageEntries, header.count - p * header.pageEntries);
  const where = `${path} page ${p}`;
  let page: Page;
  if (header.kind === "int64") {
    if (view.byteLength !== expected * 12)
      throw new DataError(
        where,
        `is ${view.byteLength} bytes; ${expected} ids take ${expected * 12}`,
      );
    page = {
      length: expected,
      key: (i) => view.getBigInt64(i * 8, true),
      row: (i) => view.getUint32(expected * 8 + i * 4, true),
    };
  } else {
    const n = view.getUint32(0, true);
    const textBase = 4 + n * 8 + 4;
    const at = (i: number) => view.getUint32(4 + n * 4 + i * 4, true);
    if (n !== expected || textBase + at(n) !== view.byteLength)
      throw new DataError(
        where,
        `holds ${n} ids in ${view.byteLength} bytes; expected ${expected}`,
      );
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const decoder = new TextDecoder();
    // Decoded once each, when a search first compares with it (a page stays in the cache).
    const keys: (string | undefined)[] = new Array(n);
    page = {
      length: n,
      key: (i) =>
        (keys[i] ??= decoder.decode(bytes.subarray(textBase + at(i), textBase + at(i + 1)))),
      row: (i) => view.getUint32(4 + i * 4, true),
    };
  }
  if (page.key(0) !== first)
    throw new DataError(where, "does not start with the id its directory entry names");
  return page;
}

/** The last position in `sorted` whose id is at most `key`, or -1. */
function floorSearch(length: number, keyAt: (i: number) => bigint | string, key: bigint | string) {
  let low = 0;
  let high = length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (keyAt(mid) <= key) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/** The id as the index's kind stores it, or undefined when it cannot be one of its ids. */
function asKey(id: InstanceId, kind: IdKeyKind): bigint | string | undefined {
  if (kind === "string") return typeof id === "string" ? id : undefined;
  if (typeof id === "bigint") return id;
  return typeof id === "number" && Number.isSafeInteger(id) ? BigInt(id) : undefined;
}

/**
 * Opens the id index at `path` of `store`: reads its header and directory only, and checks them
 * against the file's length. Lookups read one page per distinct page they touch.
 */
export async function openIdIndex(
  store: KeyValueStore,
  path: string,
  signal?: AbortSignal,
): Promise<RowLookup> {
  const size = await store.size(path, { signal });
  if (size === undefined) throw new DataError(path, "the id index the manifest names is missing");
  if (size < ID_INDEX_HEADER_BYTES)
    throw new DataError(path, `is ${size} bytes, shorter than the id index header`);
  const header = parseHeader(
    await readRange(store, path, 0, ID_INDEX_HEADER_BYTES, signal),
    path,
    size,
  );
  const directory = parseDirectory(
    await readRange(store, path, header.directoryOffset, header.directoryLength, signal),
    header,
    path,
  );
  const cache = new Map<number, Promise<Page>>();
  const page = (p: number, pageSignal?: AbortSignal) => {
    let cached = cache.get(p);
    if (cached !== undefined) {
      cache.delete(p);
      cache.set(p, cached);
      return cached;
    }
    const { offsets, firsts } = directory;
    cached = readRange(store, path, offsets[p]!, offsets[p + 1]! - offsets[p]!, pageSignal).then(
      (view) => decodePage(view, p, header, firsts[p]!, path),
    );
    cached.catch(() => cache.delete(p));
    cache.set(p, cached);
    if (cache.size > PAGE_CACHE) cache.delete(cache.keys().next().value!);
    return cached;
  };
  const firstAt = (p: number) => directory.firsts[p]!;
  return {
    count: header.count,
    async rowsOf(ids, rowSignal) {
      if (ids.length === 1) {
        // One id (getInstance): one page, without the bookkeeping of many.
        const key = asKey(ids[0]!, header.kind);
        const p = key === undefined ? -1 : floorSearch(header.pages, firstAt, key);
        if (p < 0) return [undefined];
        const found = await page(p, rowSignal);
        const at = floorSearch(found.length, found.key, key!);
        return [at >= 0 && found.key(at) === key ? found.row(at) : undefined];
      }
      const keys = ids.map((id) => asKey(id, header.kind));
      const pageOf = keys.map((k) =>
        k === undefined ? -1 : floorSearch(header.pages, firstAt, k),
      );
      const pages = new Map<number, Page>();
      await Promise.all(
        [...new Set(pageOf)]
          .filter((p) => p >= 0)
          .map(async (p) => pages.set(p, await page(p, rowSignal))),
      );
      return keys.map((key, i) => {
        const found = pages.get(pageOf[i]!);
        if (found === undefined) return undefined;
        const at = floorSearch(found.length, found.key, key!);
        return at >= 0 && found.key(at) === key ? found.row(at) : undefined;
      });
    },
  };
}
