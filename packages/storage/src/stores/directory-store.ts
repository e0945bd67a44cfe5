/**
 * A key-value store on a local directory. Every write lands atomically and durably (a synced
 * temporary file renamed into place); `swap` is the compare-and-swap commit of a new bundle
 * version, under a lock file; no key ever reaches outside the directory, through `..` or links.
 */

import { randomBytes } from "node:crypto";
import { readSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import {
  AlreadyExistsError,
  type ByteRange,
  DataError,
  type GetOptions,
  NotFoundError,
  unsafePathReason,
  type WritableKeyValueStore,
} from "@tt/schema";
import { sameBytes } from "../bytes.js";
import { errorCode, fileSystem as fs } from "./file-system.js";
import { createHandlePool, type HandlePool, type Lease } from "./handle-pool.js";

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** The name of the lock file a commit holds while it swaps the manifest. */
export const LOCK_FILE = ".tt-lock";

/** How long a lock may be held before another writer may break it, whatever its owner. */
const LOCK_STALE_MS = 60_000;

/** Whether process `pid` of this host is alive. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}

/** What the operations of one directory store share. */
interface DirectoryContext {
  /** The absolute root directory. */
  readonly base: string;
  /** The root with its links resolved, found on the first read. */
  realBase: Promise<string> | undefined;
  /** Paths already checked to resolve inside the root. */
  readonly confined: Set<string>;
  /** Directories that received a new name since the last commit, synced before the next. */
  readonly touched: Set<string>;
  /** Handles kept open for ranged reads. */
  readonly handles: HandlePool;
  /** The path of each key checked lately (see `pathOf`). */
  readonly paths: Map<string, string>;
}

/** Keys whose paths are remembered (cleared when full). */
const KNOWN_PATHS = 4096;

/** The path of `key` below the root; a key that would leave the root is a DataError. */
function pathOf(ctx: DirectoryContext, key: string): string {
  const known = ctx.paths.get(key);
  if (known !== undefined) return known;
  const clean = key.replace(/^\/+/, "");
  const reason = unsafePathReason(clean);
  if (reason !== undefined) throw new DataError(`key ${JSON.stringify(key)}`, reason);
  const path = join(ctx.base, ...clean.split("/"));
  // Remembered for the next reads of the key (a lookup by id reads the same chunks again).
  if (ctx.paths.size >= KNOWN_PATHS) ctx.paths.clear();
  ctx.paths.set(key, path);
  return path;
}

/** The real path of `path`, `undefined` when it is missing; a loop of links is a DataError. */
async function realPathOf(ctx: DirectoryContext, key: string, path: string) {
  try {
    return await fs.realpath(path);
  } catch (error) {
    if (errorCode(error) === "ELOOP")
      throw new DataError(key, `is a loop of symbolic links in ${ctx.base}`, { cause: error });
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The path of `key`, checked (once) to resolve inside the root through any links. */
async function readablePath(ctx: DirectoryContext, key: string): Promise<string | undefined> {
  const path = pathOf(ctx, key);
  if (ctx.confined.has(path)) return path;
  const real = await realPathOf(ctx, key, path);
  if (real === undefined) return undefined;
  ctx.realBase ??= fs.realpath(ctx.base);
  const inside = await ctx.realBase;
  if (real !== inside && !real.startsWith(inside + sep)) {
    throw new DataError(
      key,
      `is a link to ${real}, outside ${ctx.base}; tensortools reads only files inside the bundle`,
    );
  }
  ctx.confined.add(path);
  return path;
}

/** A handle on the file of `key` opened for reading, `undefined` when there is no such file. */
async function openForRead(ctx: DirectoryContext, key: string) {
  const path = await readablePath(ctx, key);
  if (path === undefined) return undefined;
  try {
    return await fs.open(path, "r");
  } catch (error) {
    if (isMissing(error) || errorCode(error) === "EISDIR") return undefined;
    throw error;
  }
}

/** The path of `key` with its directory made, the directory remembered for the next sync. */
async function writePath(ctx: DirectoryContext, key: string): Promise<string> {
  const path = pathOf(ctx, key);
  await fs.mkdir(dirname(path), { recursive: true });
  ctx.touched.add(dirname(path));
  return path;
}

/** Syncs every directory that received a new name since the last commit, deepest first. */
async function syncTouched(ctx: DirectoryContext): Promise<void> {
  for (const dir of [...ctx.touched].sort((a, b) => b.length - a.length)) {
    await fs.syncDirectory(dir);
    ctx.touched.delete(dir);
  }
}

/**
 * Reads through a kept-open handle of at most this many bytes are synchronous: a small read from
 * the page cache takes microseconds, less than the thread pool's round trip of an async read.
 */
const SYNC_READ_BYTES = 65_536;

/**
 * Reads `length` bytes at `position` of `lease`'s file into `target` at `offset`; a small read
 * through a kept-open handle returns the count at once.
 */
function readAt(
  ctx: DirectoryContext,
  lease: Lease,
  target: Uint8Array,
  offset: number,
  length: number,
  position: number,
): number | Promise<number> {
  if (ctx.handles.capacity > 0 && length <= SYNC_READ_BYTES)
    return readSync(lease.handle.fd, target, offset, length, position);
  return lease.handle.read(target, offset, length, position).then((read) => read.bytesRead);
}

/** The value of `key`, or the bytes of its range; `undefined` when it is missing. */
async function readValue(ctx: DirectoryContext, key: string, options: GetOptions) {
  options.signal?.throwIfAborted();
  if (options.range === undefined) {
    const handle = await openForRead(ctx, key);
    if (handle === undefined) return undefined;
    try {
      return new Uint8Array(await handle.readFile());
    } catch (error) {
      if (errorCode(error) === "EISDIR") return undefined;
      throw error;
    } finally {
      await handle.close();
    }
  }
  const lease = await ctx.handles.borrow(pathOf(ctx, key), () => openForRead(ctx, key));
  if (lease === undefined) return undefined;
  try {
    const { offset, length } = options.range;
    const bytes = new Uint8Array(length);
    const read = readAt(ctx, lease, bytes, 0, length, offset);
    return bytes.subarray(0, typeof read === "number" ? read : await read);
  } catch (error) {
    if (errorCode(error) === "EISDIR") return undefined;
    throw error;
  } finally {
    await lease.release();
  }
}

/** Reads `range` of `key` into `target` at `targetOffset`: the bytes read, `undefined` if missing. */
async function readIntoTarget(
  ctx: DirectoryContext,
  key: string,
  range: ByteRange,
  target: Uint8Array,
  targetOffset: number,
  options: GetOptions,
): Promise<number | undefined> {
  options.signal?.throwIfAborted();
  const lease = await ctx.handles.borrow(pathOf(ctx, key), () => openForRead(ctx, key));
  if (lease === undefined) return undefined;
  try {
    let done = 0;
    while (done < range.length) {
      const read = readAt(
        ctx,
        lease,
        target,
        targetOffset + done,
        range.length - done,
        range.offset + done,
      );
      const bytesRead = typeof read === "number" ? read : await read;
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  } finally {
    await lease.release();
  }
}

/** The stat of the file of `key`, `undefined` when it is missing or not a file. */
async function statOfKey(ctx: DirectoryContext, key: string) {
  const path = await readablePath(ctx, key);
  if (path === undefined) return undefined;
  try {
    const info = await fs.stat(path);
    return info.isFile() ? info : undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The byte length of the file of `key`, `undefined` when it is missing or not a file. */
async function sizeOfKey(ctx: DirectoryContext, key: string): Promise<number | undefined> {
  return (await statOfKey(ctx, key))?.size;
}

/** A name for a temporary file beside `path`, unique to this write. */
function temporaryPath(path: string): string {
  return `${path}.tmp-${randomBytes(6).toString("hex")}`;
}

/** Writes `value` to a synced temporary file and renames it into place as `key`. */
async function writeValue(
  ctx: DirectoryContext,
  key: string,
  value: Uint8Array,
  options: { signal?: AbortSignal },
): Promise<void> {
  options.signal?.throwIfAborted();
  const path = await writePath(ctx, key);
  const temporary = temporaryPath(path);
  await fs.writeDurably(temporary, value);
  try {
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  ctx.confined.delete(path);
  ctx.handles.forget(path);
}

/** Removes `key` and the folders it leaves empty, up to the root. */
async function deleteKey(ctx: DirectoryContext, key: string): Promise<void> {
  const { base } = ctx;
  const path = pathOf(ctx, key);
  await fs.rm(path, { force: true, recursive: true });
  ctx.confined.delete(path);
  ctx.handles.forget(path);
  // Folders left empty go too, up to the root: keys, not folders, are what the store holds.
  for (let dir = dirname(path); dir !== base && dir.startsWith(base + sep); dir = dirname(dir)) {
    try {
      await fs.rmdir(dir);
    } catch {
      break;
    }
  }
}

/** Every file below `directory` as a key relative to the root; none when it is missing. */
async function* walkKeys(ctx: DirectoryContext, directory: string): AsyncGenerator<string> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await fs.readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) yield* walkKeys(ctx, full);
    else if (entry.isFile()) yield relative(ctx.base, full).split(sep).join("/");
  }
}

/** Every key that starts with `prefix`. */
async function* listKeys(ctx: DirectoryContext, prefix: string): AsyncGenerator<string> {
  for await (const key of walkKeys(ctx, ctx.base)) if (key.startsWith(prefix)) yield key;
}

/** Copies `source` to `target` and syncs the copy, for file systems without hard links. */
async function copyDurably(source: string, target: string): Promise<void> {
  await fs.copyFile(source, target);
  const handle = await fs.open(target, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes `to` a hard link to `from` (a copy where links are not possible); `to` must be new. */
async function linkKey(ctx: DirectoryContext, from: string, to: string): Promise<void> {
  const source = await readablePath(ctx, from);
  if (source === undefined)
    throw new NotFoundError(from, `no file '${from}' in ${ctx.base} to link`);
  const target = await writePath(ctx, to);
  try {
    await fs.link(source, target);
  } catch (error) {
    if (errorCode(error) === "EEXIST")
      throw new AlreadyExistsError(to, `'${to}' already exists in ${ctx.base}`, { cause: error });
    if (!["EXDEV", "EPERM", "ENOTSUP", "EMLINK"].includes(errorCode(error) ?? "")) throw error;
    // No hard links here: copy, and sync the copy like any other write.
    await copyDurably(source, target);
  }
}

/** The bytes of the file at `path`, `undefined` when it is missing. */
async function currentBytes(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (error) {
    if (!isMissing(error)) throw error;
    return undefined;
  }
}

/**
 * Replaces the value of `key` with `value` if it still holds `expected` (`undefined`: absent),
 * under the lock file, after syncing every directory written since the last commit.
 */
async function swapValue(
  ctx: DirectoryContext,
  key: string,
  value: Uint8Array,
  expected: Uint8Array | undefined,
): Promise<boolean> {
  await syncTouched(ctx);
  const path = pathOf(ctx, key);
  const release = await acquireLock(join(ctx.base, LOCK_FILE));
  try {
    if (!sameBytes(await currentBytes(path), expected)) return false;
    const temporary = temporaryPath(path);
    await fs.writeDurably(temporary, value);
    await fs.rename(temporary, path);
    await fs.syncDirectory(dirname(path));
    ctx.confined.delete(path);
    ctx.handles.forget(path);
    return true;
  } finally {
    await release();
  }
}

/** Options of {@link createDirectoryStore}. */
export interface DirectoryStoreOptions {
  /**
   * How many files ranged reads keep open between reads (0, the default: each read opens and
   * closes its file). Files written or removed through the store are closed first.
   */
  openHandles?: number;
}

/**
 * A {@link WritableKeyValueStore} rooted at directory `root`. Keys are bundle-relative paths;
 * a key that would leave the directory (by `..`, or by a symbolic link to a place outside it)
 * is refused with a DataError naming it. A write goes to a synced temporary file in the same
 * directory and is renamed into place, so readers never see half a value. With `openHandles`,
 * ranged reads keep up to that many files open (for many small reads: lookups by id); `close`
 * closes them.
 *
 * @example
 * ```ts
 * const store = createDirectoryStore("./my-bundle");
 * const manifest = await store.get("manifest.json");
 * ```
 */
export function createDirectoryStore(
  root: string,
  options: DirectoryStoreOptions = {},
): WritableKeyValueStore & { close(): Promise<void> } {
  const ctx: DirectoryContext = {
    base: resolve(root),
    realBase: undefined,
    confined: new Set(),
    touched: new Set(),
    handles: createHandlePool(options.openHandles ?? 0),
    paths: new Map(),
  };
  return {
    close: () => ctx.handles.close(),
    location: ctx.base,
    get: (key, options = {}) => readValue(ctx, key, options),
    readInto: (key, range, target, targetOffset, options = {}) =>
      readIntoTarget(ctx, key, range, target, targetOffset, options),
    size: (key) => sizeOfKey(ctx, key),
    modified: async (key) => (await statOfKey(ctx, key))?.mtimeMs,
    set: (key, value, options = {}) => writeValue(ctx, key, value, options),
    delete: (key) => deleteKey(ctx, key),
    list: (prefix = "") => listKeys(ctx, prefix),
    link: (from, to) => linkKey(ctx, from, to),
    swap: (key, value, expected) => swapValue(ctx, key, value, expected),
  };
}

/**
 * Takes the lock file at `path` (created exclusively, holding this process's pid and host), and
 * resolves with its release. A lock left by a dead process of this host, or older than a minute,
 * is broken; otherwise this waits for it.
 */
async function acquireLock(path: string): Promise<() => Promise<void>> {
  const owner = JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() });
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeDurably(path, new TextEncoder().encode(owner), "wx");
      return () => fs.rm(path, { force: true });
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
    const dead = await isStaleLock(path);
    if (dead) {
      await fs.rm(path, { force: true });
      continue;
    }
    if (attempt > 3000) throw new DataError(path, "is held by another writer for too long");
    await new Promise((done) => setTimeout(done, 10));
  }
}

/**
 * Whether the lock file at `path` was left by a writer that is gone: a dead process of this host,
 * or a lock older than a minute. A lock whose owner is not written yet (taken a moment ago)
 * counts by the file's age.
 */
async function isStaleLock(path: string): Promise<boolean> {
  let holder: { pid?: number; host?: string; at?: number } = {};
  let age: number;
  try {
    age = Date.now() - (await fs.stat(path)).mtimeMs;
    holder = JSON.parse(await fs.readFile(path, "utf8"));
  } catch (error) {
    if (isMissing(error)) return false;
    return Date.now() - ((await fs.stat(path).catch(() => undefined))?.mtimeMs ?? 0) > 5_000;
  }
  if (holder.host === hostname() && typeof holder.pid === "number" && !isAlive(holder.pid))
    return true;
  return (
    Date.now() - (typeof holder.at === "number" ? holder.at : Date.now() - age) > LOCK_STALE_MS
  );
}
