/** Whether a path exists on the file system. */

import { fileSystem as fs } from "./file-system.js";

/**
 * Whether `path` exists (a file, a directory or a link).
 *
 * @example
 * ```ts
 * if (await pathExists("./eeg")) console.log("written before");
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  return fs.lstat(path).then(
    () => true,
    () => false,
  );
}
