/**
 * What the HDF5 store does on Node (selected by the `node` condition of the package's `#platform`
 * import): files on disk read in place, a piece at a time, through a file descriptor.
 */

import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, sep } from "node:path";
import {
  DataError,
  IoError,
  isSafeRelativePath,
  type KeyValueStore,
  NotFoundError,
} from "@tt/schema";
import { workerRequester } from "./node-http.js";
import { httpRangeSource } from "./range-source.js";
import type { Hdf5Source } from "./sources.js";

/**
 * The HDF5 file at an http(s) `url`, read by byte-range requests made on a worker thread of its
 * own (HDF5 reads synchronously): only the pieces HDF5 asks for are fetched, never the file whole.
 * `close()` ends the thread.
 */
export function httpSource(url: string): Hdf5Source {
  const requester = workerRequester();
  try {
    const source = httpRangeSource(url, requester);
    return { ...source, close: () => requester.close() };
  } catch (error) {
    requester.close();
    throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/**
 * The file at `path` as a source that reads the pieces HDF5 asks for with `pread`, nothing more;
 * `name` names it in messages (the path by default).
 */
export function fileSource(path: string, name = path): Hdf5Source {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") throw new NotFoundError(path, `no file '${path}'`, { cause: error });
    throw new IoError(path, `cannot open '${path}': ${(error as Error).message}`, {
      cause: error,
      code,
    });
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new DataError(path, "is not a file");
  }
  let open = true;
  return {
    name,
    size: stat.size,
    read(target, position) {
      let done = 0;
      while (done < target.length) {
        const n = readSync(fd, target, done, target.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/**
 * The path on disk of `key` when `store` is a directory (its location an absolute path that
 * holds the key as a file of the size the store reports, inside the directory), so that it can be
 * read in place; `undefined` for every other store.
 */
export async function localFile(store: KeyValueStore, key: string): Promise<string | undefined> {
  const root = store.location;
  if (!isAbsolute(root) || !isSafeRelativePath(key)) return undefined;
  const path = join(root, ...key.split("/"));
  let real: string;
  let inside: boolean;
  try {
    real = realpathSync(path);
    inside = real.startsWith(realpathSync(root) + sep) && statSync(real).isFile();
  } catch (error) {
    // Not a file of a directory on disk: the store is something else, and is read through.
    if (["ENOENT", "ENOTDIR", "EACCES"].includes(errorCode(error) ?? "")) return undefined;
    throw error;
  }
  return inside && statSync(real).size === (await store.size(key)) ? real : undefined;
}
