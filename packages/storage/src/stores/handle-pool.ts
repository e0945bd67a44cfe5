/**
 * Open file handles kept for ranged reads, so that many small reads of the same files (lookups
 * by id, random rows) skip an open and a close each. A handle is closed when it falls out of
 * the pool (the least recently used first), when its file is written or removed through the
 * store, or when the store is closed; never while a read is using it.
 */

import { sep } from "node:path";
import type { FileSystem } from "./file-system.js";

type FileHandle = Awaited<ReturnType<FileSystem["open"]>>;

interface PoolEntry {
  handle: Promise<FileHandle | undefined>;
  /** The handle once open, so that a lease of it does not wait on a settled promise. */
  opened?: FileHandle;
  users: number;
  retired: boolean;
}

/** A handle lent for one read; `release` gives it back. */
export interface Lease {
  readonly handle: FileHandle;
  release(): Promise<void>;
}

/** A pool of at most `capacity` open handles (0: every read opens and closes its own). */
export interface HandlePool {
  /** How many handles it keeps open. */
  readonly capacity: number;
  borrow(path: string, open: () => Promise<FileHandle | undefined>): Promise<Lease | undefined>;
  /** Closes the handles of `path` and of every file below it (it was written or removed). */
  forget(path: string): void;
  /** Closes every handle. */
  close(): Promise<void>;
}

const DONE = Promise.resolve();

async function closeEntry(entry: PoolEntry): Promise<void> {
  const handle = await entry.handle.catch(() => undefined);
  await handle?.close();
}

/** A pool of at most `capacity` open read handles. */
export function createHandlePool(capacity: number): HandlePool {
  const entries = new Map<string, PoolEntry>();
  const closing = new Set<Promise<void>>();
  const retire = (path: string, entry: PoolEntry) => {
    if (entries.get(path) === entry) entries.delete(path);
    entry.retired = true;
    if (entry.users > 0) return;
    const closed = closeEntry(entry);
    closing.add(closed);
    void closed.finally(() => closing.delete(closed));
  };
  const releaser = (entry: PoolEntry) => () => {
    entry.users--;
    return entry.retired && entry.users === 0 ? closeEntry(entry) : DONE;
  };
  const lease = async (path: string, entry: PoolEntry): Promise<Lease | undefined> => {
    entry.users++;
    const handle = await entry.handle.catch((error: unknown) => {
      entry.users--;
      retire(path, entry);
      throw error;
    });
    const release = releaser(entry);
    if (handle === undefined) {
      await release();
      retire(path, entry);
      return undefined;
    }
    return { handle, release };
  };
  return {
    capacity,
    borrow(path, open) {
      const known = entries.get(path);
      if (known !== undefined) {
        entries.delete(path);
        entries.set(path, known);
        const handle = known.opened;
        if (handle === undefined) return lease(path, known);
        known.users++;
        return Promise.resolve({ handle, release: releaser(known) });
      }
      const entry: PoolEntry = { handle: open(), users: 0, retired: false };
      entry.handle.then(
        (handle) => {
          entry.opened = handle;
        },
        () => undefined,
      );
      entries.set(path, entry);
      const leased = lease(path, entry);
      while (entries.size > capacity) {
        const [oldest, first] = entries.entries().next().value!;
        retire(oldest, first);
      }
      return leased;
    },
    forget(path) {
      for (const [known, entry] of [...entries])
        if (known === path || known.startsWith(path + sep)) retire(known, entry);
    },
    async close() {
      for (const [path, entry] of [...entries]) retire(path, entry);
      await Promise.all(closing);
    },
  };
}
