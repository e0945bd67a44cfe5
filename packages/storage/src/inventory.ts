/**
 * The inventory of a bundle version: every file it consists of, with its length and SHA-256. A
 * writer builds it by recording what it stores; a reader checks what it reads against it, so a
 * missing, truncated or grown file is an error that names it instead of zeros or a wrong answer.
 */

import {
  type ByteRange,
  DataError,
  type GetOptions,
  type KeyValueStore,
  UnsupportedError,
  type WritableKeyValueStore,
} from "@tt/schema";

/** What the inventory knows of one file. */
export interface FileRecord {
  /** Its length in bytes. */
  bytes: number;
  /** SHA-256 of its bytes, lowercase hex. */
  sha256: string;
  /**
   * Only for a file the version reads in place (linked, not written by the protocol): its
   * modification time when it was recorded, in milliseconds since the epoch.
   */
  mtime_ms?: number;
}

/** Every file of a bundle version by key (bundle-relative path). */
export type Inventory = Record<string, FileRecord>;

/** SHA-256 of `bytes` as lowercase hex, with WebCrypto (Node 20+ and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined)
    throw new UnsupportedError(
      "WebCrypto",
      "checksums need globalThis.crypto.subtle (Node 20+, or a page served over https or localhost)",
    );
  const digest = new Uint8Array(await subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** The record of `bytes`. */
export async function recordOf(bytes: Uint8Array): Promise<FileRecord> {
  return { bytes: bytes.length, sha256: await sha256Hex(bytes) };
}

/** A store that records what is written through it, and the inventory of those writes. */
export interface RecordingStore {
  /** Write through this store. */
  readonly store: WritableKeyValueStore;
  /** The files written or linked so far (a key written twice counts once, with its last bytes). */
  inventory(): Inventory;
}

/**
 * Wraps `store` so that every `set`, `link` and `delete` is recorded. A link takes the record of
 * its source from `known` (the inventory of the version it comes from), or reads the source once
 * when `known` does not have it. Stores without `link` get one by copying.
 */
export function recordingStore(
  store: WritableKeyValueStore,
  known: Readonly<Inventory> = {},
): RecordingStore {
  const written: Inventory = {};
  const recorded: WritableKeyValueStore = {
    location: store.location,
    get: (key, options) => store.get(key, options),
    size: (key, options) => store.size(key, options),
    ...(store.readInto ? { readInto: store.readInto.bind(store) } : {}),
    list: (prefix) => store.list(prefix),
    async set(key, value, options) {
      const record = await recordOf(value);
      await store.set(key, value, options);
      written[key] = record;
    },
    async delete(key) {
      await store.delete(key);
      for (const name of Object.keys(written))
        if (name === key || name.startsWith(`${key}/`)) delete written[name];
    },
    async link(from, to) {
      let record = known[from] ?? written[from];
      if (store.link !== undefined) {
        await store.link(from, to);
        if (record === undefined) {
          const bytes = await store.get(to);
          if (bytes === undefined) throw new DataError(from, "vanished while it was linked");
          record = await recordOf(bytes);
        }
      } else {
        const bytes = await store.get(from);
        if (bytes === undefined) throw new DataError(from, `is missing in ${store.location}`);
        await store.set(to, bytes);
        record ??= await recordOf(bytes);
      }
      written[to] = record;
    },
    ...(store.swap ? { swap: store.swap.bind(store) } : {}),
  };
  return { store: recorded, inventory: () => ({ ...written }) };
}

/** The error for a file that disagrees with the inventory. */
function disagrees(store: KeyValueStore, key: string, message: string): DataError {
  return new DataError(key, `${message} (in ${store.location}); the bundle is damaged`);
}

function checkRange(store: KeyValueStore, key: string, record: FileRecord, range: ByteRange) {
  if (range.offset < 0 || range.offset + range.length > record.bytes)
    throw disagrees(
      store,
      key,
      `a read of bytes ${range.offset}-${range.offset + range.length} passes the end of the file, which the manifest lists with ${record.bytes} bytes`,
    );
}

/**
 * Checks that each of `keys` is in `store` with the length `inventory` lists for it (one `size`
 * call each): a file that is missing, cut short or grown is a DataError naming it. Readers check
 * the small files of a version this way when they open it; chunks are checked as they are read.
 */
export async function checkSizes(
  store: KeyValueStore,
  inventory: Readonly<Inventory>,
  keys: Iterable<string>,
  signal?: AbortSignal,
): Promise<void> {
  for (const key of keys) {
    const record = Object.hasOwn(inventory, key) ? inventory[key] : undefined;
    if (record === undefined) continue;
    const size = await store.size(key, { signal });
    if (size === undefined)
      throw disagrees(store, key, `is missing; the manifest lists it with ${record.bytes} bytes`);
    if (size !== record.bytes)
      throw disagrees(store, key, `has ${size} bytes, the manifest lists ${record.bytes}`);
  }
}

/**
 * `store` as the version described by `inventory`: only listed keys are read (any other key reads
 * as absent, without asking the store), sizes come from the inventory, and a listed file that is
 * missing, shorter or longer than listed is a DataError naming it.
 */
export function checkedStore(store: KeyValueStore, inventory: Readonly<Inventory>): KeyValueStore {
  const recordOfKey = (key: string) => (Object.hasOwn(inventory, key) ? inventory[key] : undefined);
  // A range read sees only part of a file, so the file's whole length is checked once, first.
  const sized = new Map<string, Promise<void>>();
  // Keys whose check has passed: their reads skip the wait on it.
  const passed = new Set<string>();
  const checkLength = (key: string, signal?: AbortSignal) => {
    if (passed.has(key)) return undefined;
    let check = sized.get(key);
    if (check === undefined) {
      check = checkSizes(store, inventory, [key], signal);
      check.then(
        () => passed.add(key),
        () => sized.delete(key),
      );
      sized.set(key, check);
    }
    return check;
  };
  const missing = (key: string, record: FileRecord) =>
    disagrees(store, key, `is missing; the manifest lists it with ${record.bytes} bytes`);
  // A range that is the whole listed file is read whole: its length is the check, no size call.
  const whole = (record: FileRecord, range: ByteRange) =>
    range.offset === 0 && range.length === record.bytes;
  return {
    location: store.location,
    async get(key: string, options: GetOptions = {}) {
      const record = recordOfKey(key);
      if (record === undefined) return undefined;
      let asked = options;
      if (options.range !== undefined) {
        checkRange(store, key, record, options.range);
        if (whole(record, options.range)) asked = { signal: options.signal };
        else {
          const check = checkLength(key, options.signal);
          if (check !== undefined) await check;
        }
      }
      const bytes = await store.get(key, asked);
      if (bytes === undefined) throw missing(key, record);
      const expected = asked.range === undefined ? record.bytes : asked.range.length;
      if (bytes.length !== expected)
        throw disagrees(
          store,
          key,
          asked.range === undefined
            ? `has ${bytes.length} bytes, the manifest lists ${record.bytes}`
            : `gave ${bytes.length} of the ${expected} bytes asked for at ${asked.range.offset}: it is shorter than the ${record.bytes} bytes the manifest lists`,
        );
      return bytes;
    },
    async size(key: string) {
      return recordOfKey(key)?.bytes;
    },
    ...(store.readInto
      ? {
          async readInto(key, range, target, targetOffset, options) {
            const record = recordOfKey(key);
            if (record === undefined) return undefined;
            checkRange(store, key, record, range);
            const check = checkLength(key, options?.signal);
            if (check !== undefined) await check;
            const read = await store.readInto!(key, range, target, targetOffset, options);
            if (read === undefined) throw missing(key, record);
            if (read !== range.length)
              throw disagrees(
                store,
                key,
                `gave ${read} of the ${range.length} bytes asked for at ${range.offset}: it is shorter than the ${record.bytes} bytes the manifest lists`,
              );
            return read;
          },
        }
      : {}),
  } satisfies KeyValueStore;
}
