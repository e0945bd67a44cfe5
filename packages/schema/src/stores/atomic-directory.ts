/** Writing a whole directory atomically: into a temporary sibling, renamed into place when complete. */

import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { AlreadyExistsError } from "../errors.js";
import type { WritableKeyValueStore } from "../key-value-store.js";
import { createDirectoryStore } from "./directory-store.js";

/** Options of {@link writeDirectoryAtomically}. */
export interface AtomicDirectoryOptions {
  /** Replace a directory already at the path. */
  overwrite?: boolean;
}

/** Whether `path` exists. */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Calls `write` with a store on a temporary sibling of `path` and renames it into place when
 * `write` resolves, so a failure or crash leaves the old directory (or none), never a torn one;
 * when `write` throws, the temporary directory is removed. An existing `path` is an
 * AlreadyExistsError unless `overwrite` is set.
 *
 * @example
 * ```ts
 * await writeDirectoryAtomically("./out", async (store) => {
 *   await store.set("manifest.json", new TextEncoder().encode("{}"));
 * });
 * ```
 */
export async function writeDirectoryAtomically<T>(
  path: string,
  write: (store: WritableKeyValueStore) => Promise<T>,
  options: AtomicDirectoryOptions = {},
): Promise<T> {
  const target = resolve(path);
  if ((await pathExists(target)) && !options.overwrite) {
    throw new AlreadyExistsError(
      target,
      `${target} already exists; pass overwrite: true to replace it`,
    );
  }
  const suffix = randomBytes(6).toString("hex");
  const temporary = join(dirname(target), `.${basename(target)}.tt-writing-${suffix}`);
  await mkdir(temporary, { recursive: true });
  let value: T;
  try {
    value = await write(createDirectoryStore(temporary));
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  if (await pathExists(target)) {
    // rename() cannot replace a non-empty directory: move the old one aside, then swap.
    const old = join(dirname(target), `.${basename(target)}.tt-replaced-${suffix}`);
    await rename(target, old);
    await rename(temporary, target);
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(temporary, target);
  }
  return value;
}
