/**
 * The on-disk id index of a bundle's first axis: its ids sorted, with the row of each, in pages
 * of a fixed number of entries, and a directory of each page's first id and byte range. A reader
 * reads the 64-byte header and the directory (one id in every {@link ID_INDEX_PAGE_ENTRIES}),
 * then one page per lookup by a ranged read, so it works the same on a directory and over HTTP.
 *
 * Layout, little-endian:
 * - header (64 bytes): magic `TTIDX1\n\0`; u32 key kind (1: int64, 2: UTF-8 string); u32
 *   entries per page; f64 id count; f64 page count; f64 directory offset; f64 directory
 *   length; f64 file length; 8 bytes zero.
 * - pages, from byte 64. Int64 page: n i64 ids, then n u32 rows. String page: u32 n, n u32
 *   rows, n + 1 u32 string offsets (relative to the string bytes), the UTF-8 string bytes.
 *   Ids ascend within and across pages (strings in JavaScript's UTF-16 order).
 * - directory: (pages + 1) f64 page offsets (the last is the directory's offset); then the
 *   first id of every page: i64 values, or (pages + 1) u32 offsets and the UTF-8 bytes.
 */

import { type AnyColumn, DataError, isNullAt } from "@tt/schema";

/** The index file's magic bytes. */
export const ID_INDEX_MAGIC = "TTIDX1\n\0";
/** The header's length in bytes. */
export const ID_INDEX_HEADER_BYTES = 64;
/** Ids per page: one page is 3 KiB of int64 ids (a random lookup reads one page). */
export const ID_INDEX_PAGE_ENTRIES = 256;
/** Key kind codes of the header. */
export const KEY_KIND = { int64: 1, string: 2 } as const;

/** The kind of ids an index holds. */
export type IdKeyKind = keyof typeof KEY_KIND;

/** The ids and their rows, sorted by id. */
interface SortedIds {
  kind: IdKeyKind;
  keys: BigInt64Array | string[];
  rows: Uint32Array;
}

/** Sorts the ids of `column` (string, int32 or int64; no nulls, no repeats) with their rows. */
function sortIds(column: AnyColumn, where: string): SortedIds {
  const values = column.values as ArrayLike<string | number | bigint>;
  const n = values.length;
  if (n > 0xffffffff) throw new DataError(where, `has ${n} ids; an id index holds up to 2^32 - 1`);
  for (let row = 0; row < n; row++)
    if (isNullAt(column, row))
      throw new DataError(`${where} row ${row}`, "is null; every id must be present");
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  if (column.type === "string") {
    const ids = values as ArrayLike<string>;
    if (!ascending(ids)) order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    return { kind: "string", keys: Array.from(order, (row) => ids[row]!), rows: order };
  }
  if (column.type !== "int32" && column.type !== "int64")
    throw new DataError(where, `is ${column.type}; an id column must be string, int32 or int64`);
  const ints =
    column.type === "int64"
      ? (values as BigInt64Array)
      : BigInt64Array.from(values as ArrayLike<number>, (v) => BigInt(v));
  if (ascending(ints)) return { kind: "int64", keys: ints, rows: order };
  order.sort((a, b) => (ints[a]! < ints[b]! ? -1 : ints[a]! > ints[b]! ? 1 : 0));
  return { kind: "int64", keys: BigInt64Array.from(order, (row) => ints[row]!), rows: order };
}

/** Whether `ids` already ascend (ids written in order need no sort). */
function ascending(ids: ArrayLike<string | bigint>): boolean {
  for (let i = 1; i < ids.length; i++) if (!(ids[i - 1]! <= ids[i]!)) return false;
  return true;
}

function checkUnique(sorted: SortedIds, where: string): void {
  const { keys, rows } = sorted;
  for (let i = 1; i < keys.length; i++)
    if (keys[i] === keys[i - 1]) {
      const [a, b] = [rows[i - 1]!, rows[i]!].sort((x, y) => x - y);
      throw new DataError(
        `${where} row ${b}`,
        `repeats id ${JSON.stringify(String(keys[i]))} of row ${a}; ids must be unique`,
      );
    }
}

/** The bytes of one page: entries `start..stop` of `sorted`. */
function encodePage(sorted: SortedIds, start: number, stop: number): Uint8Array {
  const n = stop - start;
  if (sorted.kind === "int64") {
    const bytes = new Uint8Array(n * 12);
    const view = new DataView(bytes.buffer);
    const keys = sorted.keys as BigInt64Array;
    for (let i = 0; i < n; i++) {
      view.setBigInt64(i * 8, keys[start + i]!, true);
      view.setUint32(n * 8 + i * 4, sorted.rows[start + i]!, true);
    }
    return bytes;
  }
  const encoder = new TextEncoder();
  const strings = (sorted.keys as string[]).slice(start, stop).map((s) => encoder.encode(s));
  const textBytes = strings.reduce((sum, s) => sum + s.length, 0);
  const head = 4 + n * 4 + (n + 1) * 4;
  const bytes = new Uint8Array(head + textBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, n, true);
  let at = 0;
  for (let i = 0; i < n; i++) {
    view.setUint32(4 + i * 4, sorted.rows[start + i]!, true);
    view.setUint32(4 + n * 4 + i * 4, at, true);
    bytes.set(strings[i]!, head + at);
    at += strings[i]!.length;
  }
  view.setUint32(4 + n * 4 + n * 4, at, true);
  return bytes;
}

/** The directory: page offsets, then each page's first id. */
function encodeDirectory(sorted: SortedIds, offsets: number[], pageEntries: number): Uint8Array {
  const pages = offsets.length - 1;
  const firsts = Array.from({ length: pages }, (_, p) => sorted.keys[p * pageEntries]!);
  const encoder = new TextEncoder();
  const texts = sorted.kind === "string" ? firsts.map((s) => encoder.encode(s as string)) : [];
  const keyBytes =
    sorted.kind === "int64" ? pages * 8 : (pages + 1) * 4 + texts.reduce((s, t) => s + t.length, 0);
  const bytes = new Uint8Array(offsets.length * 8 + keyBytes);
  const view = new DataView(bytes.buffer);
  for (const [i, offset] of offsets.entries()) view.setFloat64(i * 8, offset, true);
  const base = offsets.length * 8;
  if (sorted.kind === "int64") {
    for (const [p, key] of firsts.entries()) view.setBigInt64(base + p * 8, key as bigint, true);
    return bytes;
  }
  const textBase = base + (pages + 1) * 4;
  let at = 0;
  for (const [p, text] of texts.entries()) {
    view.setUint32(base + p * 4, at, true);
    bytes.set(text, textBase + at);
    at += text.length;
  }
  view.setUint32(base + pages * 4, at, true);
  return bytes;
}

/**
 * The id index file of `column` (the first axis's id column): a DataError naming `where` for a
 * null or repeated id, or a column that is not string, int32 or int64.
 */
export function encodeIdIndex(
  column: AnyColumn,
  where: string,
  pageEntries = ID_INDEX_PAGE_ENTRIES,
): Uint8Array {
  const sorted = sortIds(column, where);
  checkUnique(sorted, where);
  const n = sorted.rows.length;
  const parts: Uint8Array[] = [];
  const offsets = [ID_INDEX_HEADER_BYTES];
  for (let start = 0; start < n; start += pageEntries) {
    const page = encodePage(sorted, start, Math.min(n, start + pageEntries));
    parts.push(page);
    offsets.push(offsets.at(-1)! + page.length);
  }
  const directory = encodeDirectory(sorted, offsets, pageEntries);
  const directoryOffset = offsets.at(-1)!;
  const total = directoryOffset + directory.length;
  const bytes = new Uint8Array(total);
  const header = new DataView(bytes.buffer, 0, ID_INDEX_HEADER_BYTES);
  bytes.set(new TextEncoder().encode(ID_INDEX_MAGIC), 0);
  header.setUint32(8, KEY_KIND[sorted.kind], true);
  header.setUint32(12, pageEntries, true);
  header.setFloat64(16, n, true);
  header.setFloat64(24, offsets.length - 1, true);
  header.setFloat64(32, directoryOffset, true);
  header.setFloat64(40, directory.length, true);
  header.setFloat64(48, total, true);
  for (const [p, page] of parts.entries()) bytes.set(page, offsets[p]!);
  bytes.set(directory, directoryOffset);
  return bytes;
}
