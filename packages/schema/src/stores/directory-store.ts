/**
 * A key-value store on a local directory. Every write lands atomically and durably (a synced
 * temporary file renamed into place); `swap` is the compare-and-swap commit of a new bundle
 * version, under a lock file; no key ever reaches outside the directory, through `..` or links.
 */

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { AlreadyExistsError, DataError, NotFoundError } from "../errors.js";
import type { GetOptions, WritableKeyValueStore } from "../key-value-store.js";
import { unsafePathReason } from "../paths.js";
import { errorCode, fileSystem as fs } from "./file-system.js";

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

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * A {@link WritableKeyValueStore} rooted at directory `root`. Keys are bundle-relative paths;
 * a key that would leave the directory (by `..`, or by a symbolic link to a place outside it)
 * is refused with a DataError naming it. A write goes to a synced temporary file in the same
 * directory and is renamed into place, so readers never see half a value.
 *
 * @example
 * ```ts
 * const store = createDirectoryStore("./my-bundle");
 * const manifest = await store.get("manifest.json");
 * ```
 */
export function createDirectoryStore(root: string): WritableKeyValueStore {
  const base = resolve(root);
  let realBase: Promise<string> | undefined;
  const confined = new Set<string>();
  const touched = new Set<string>();

  const pathOf = (key: string) => {
    const clean = key.replace(/^\/+/, "");
    const reason = unsafePathReason(clean);
    if (reason !== undefined) throw new DataError(`key ${JSON.stringify(key)}`, reason);
    return join(base, ...clean.split("/"));
  };

  /** The path of `key`, checked (once) to resolve inside the root through any links. */
  const readablePath = async (key: string): Promise<string | undefined> => {
    const path = pathOf(key);
    if (confined.has(path)) return path;
    let real: string;
    try {
      real = await fs.realpath(path);
    } catch (error) {
      if (isMissing(error) || errorCode(error) === "ELOOP") {
        if (errorCode(error) === "ELOOP")
          throw new DataError(key, `is a loop of symbolic links in ${base}`, { cause: error });
        return undefined;
      }
      throw error;
    }
    realBase ??= fs.realpath(base);
    const inside = await realBase;
    if (real !== inside && !real.startsWith(inside + sep)) {
      throw new DataError(
        key,
        `is a link to ${real}, outside ${base}; tensortools reads only files inside the bundle`,
      );
    }
    confined.add(path);
    return path;
  };

  const openForRead = async (key: string) => {
    const path = await readablePath(key);
    if (path === undefined) return undefined;
    try {
      return await fs.open(path, "r");
    } catch (error) {
      if (isMissing(error) || errorCode(error) === "EISDIR") return undefined;
      throw error;
    }
  };

  const writePath = async (key: string) => {
    const path = pathOf(key);
    await fs.mkdir(dirname(path), { recursive: true });
    touched.add(dirname(path));
    return path;
  };

  /** Syncs every directory that received a new name since the last commit. */
  const syncTouched = async () => {
    for (const dir of [...touched].sort((a, b) => b.length - a.length)) {
      await fs.syncDirectory(dir);
      touched.delete(dir);
    }
  };

  return {
    location: base,
    async get(key: string, options: GetOptions = {}) {
      options.signal?.throwIfAborted();
      const handle = await openForRead(key);
      if (handle === undefined) return undefined;
      try {
        if (options.range === undefined) return new Uint8Array(await handle.readFile());
        const { offset, length } = options.range;
        const bytes = new Uint8Array(length);
        const { bytesRead } = await handle.read(bytes, 0, length, offset);
        return bytes.subarray(0, bytesRead);
      } catch (error) {
        if (errorCode(error) === "EISDIR") return undefined;
        throw error;
      } finally {
        await handle.close();
      }
    },
    async readInto(key: string, range, target: Uint8Array, targetOffset: number, options = {}) {
      options.signal?.throwIfAborted();
      const handle = await openForRead(key);
      if (handle === undefined) return undefined;
      try {
        let done = 0;
        while (done < range.length) {
          const { bytesRead } = await handle.read(
            target,
            targetOffset + done,
            range.length - done,
            range.offset + done,
          );
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done;
      } finally {
        await handle.close();
      }
    },
    async size(key: string) {
      const path = await readablePath(key);
      if (path === undefined) return undefined;
      try {
        const info = await fs.stat(path);
        return info.isFile() ? info.size : undefined;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async set(key: string, value: Uint8Array, options: { signal?: AbortSignal } = {}) {
      options.signal?.throwIfAborted();
      const path = await writePath(key);
      const temporary = `${path}.tmp-${randomBytes(6).toString("hex")}`;
      await fs.writeDurably(temporary, value);
      try {
        await fs.rename(temporary, path);
      } catch (error) {
        await fs.rm(temporary, { force: true });
        throw error;
      }
      confined.delete(path);
    },
    async delete(key: string) {
      const path = pathOf(key);
      await fs.rm(path, { force: true, recursive: true });
      confined.delete(path);
      // Folders left empty go too, up to the root: keys, not folders, are what the store holds.
      for (
        let dir = dirname(path);
        dir !== base && dir.startsWith(base + sep);
        dir = dirname(dir)
      ) {
        try {
          await fs.rmdir(dir);
        } catch {
          break;
        }
      }
    },
    async *list(prefix = "") {
      const walk = async function* (directory: string): AsyncGenerator<string> {
        let entries: import("node:fs").Dirent[];
        try {
          entries = await fs.readdir(directory, { withFileTypes: true });
        } catch (error) {
          if (isMissing(error)) return;
          throw error;
        }
        for (const entry of entries) {
          const full = join(directory, entry.name);
          if (entry.isDirectory()) yield* walk(full);
          else if (entry.isFile()) yield relative(base, full).split(sep).join("/");
        }
      };
      for await (const key of walk(base)) if (key.startsWith(prefix)) yield key;
    },
    async link(from: string, to: string) {
      const source = await readablePath(from);
      if (source === undefined)
        throw new NotFoundError(from, `no file '${from}' in ${base} to link`);
      const target = await writePath(to);
      try {
        await fs.link(source, target);
      } catch (error) {
        if (errorCode(error) === "EEXIST")
          throw new AlreadyExistsError(to, `'${to}' already exists in ${base}`, { cause: error });
        if (!["EXDEV", "EPERM", "ENOTSUP", "EMLINK"].includes(errorCode(error) ?? "")) throw error;
        // No hard links here: copy, and sync the copy like any other write.
        await fs.copyFile(source, target);
        const handle = await fs.open(target, "r+");
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    },
    async swap(key: string, value: Uint8Array, expected: Uint8Array | undefined) {
      await syncTouched();
      const path = pathOf(key);
      const release = await acquireLock(join(base, LOCK_FILE));
      try {
        let current: Uint8Array | undefined;
        try {
          current = new Uint8Array(await fs.readFile(path));
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
        if (!sameBytes(current, expected)) return false;
        const temporary = `${path}.tmp-${randomBytes(6).toString("hex")}`;
        await fs.writeDurably(temporary, value);
        await fs.rename(temporary, path);
        await fs.syncDirectory(dirname(path));
        confined.delete(path);
        return true;
      } finally {
        await release();
      }
    },
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
