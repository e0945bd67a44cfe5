/** A key-value store on a local directory; every write lands atomically (temp file + rename). */

import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { DataError } from "../errors.js";
import type { GetOptions, WritableKeyValueStore } from "../key-value-store.js";
import { unsafePathReason } from "../paths.js";

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * A {@link WritableKeyValueStore} rooted at directory `root`. Keys are bundle-relative paths;
 * a key that would leave the directory is refused. A write goes to a temporary file in the
 * same directory and is renamed into place, so readers never see half a value.
 */
export function createDirectoryStore(root: string): WritableKeyValueStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const clean = key.replace(/^\/+/, "");
    const reason = unsafePathReason(clean);
    if (reason !== undefined) throw new DataError(`key ${JSON.stringify(key)}`, reason);
    return join(base, ...clean.split("/"));
  };

  return {
    location: base,
    async get(key: string, options: GetOptions = {}) {
      options.signal?.throwIfAborted();
      const path = pathOf(key);
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(path, "r");
      } catch (error) {
        if (isMissing(error) || (error as NodeJS.ErrnoException).code === "EISDIR")
          return undefined;
        throw error;
      }
      try {
        if (options.range === undefined) return new Uint8Array(await handle.readFile());
        const { offset, length } = options.range;
        const bytes = new Uint8Array(length);
        const { bytesRead } = await handle.read(bytes, 0, length, offset);
        return bytes.subarray(0, bytesRead);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EISDIR") return undefined;
        throw error;
      } finally {
        await handle.close();
      }
    },
    async readInto(key: string, range, target: Uint8Array, targetOffset: number, options = {}) {
      options.signal?.throwIfAborted();
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(pathOf(key), "r");
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
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
      try {
        const info = await stat(pathOf(key));
        return info.isFile() ? info.size : undefined;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async set(key: string, value: Uint8Array, options: { signal?: AbortSignal } = {}) {
      options.signal?.throwIfAborted();
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.tmp-${randomBytes(6).toString("hex")}`;
      const handle = await open(temporary, "w");
      try {
        await handle.writeFile(value);
      } finally {
        await handle.close();
      }
      try {
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async delete(key: string) {
      await rm(pathOf(key), { force: true, recursive: true });
    },
    async *list(prefix = "") {
      const walk = async function* (directory: string): AsyncGenerator<string> {
        let entries: import("node:fs").Dirent[];
        try {
          entries = await readdir(directory, { withFileTypes: true });
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
  };
}
