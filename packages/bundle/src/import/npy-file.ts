/** Reading .npy files from disk (Node only). */

import { readFile } from "node:fs/promises";
import { type NpyArray, parseNpy } from "./npy.js";
import { readImportFile, withFilePath } from "./read-import-file.js";

/**
 * Reads a .npy file written by `numpy.save` into a C-order typed array; errors name `path`.
 *
 * @example
 * ```ts
 * const { data, dtype, shape } = await readNpyFile("tensor.npy");
 * ```
 */
export async function readNpyFile(path: string): Promise<NpyArray> {
  const bytes = await readImportFile(path, () => readFile(path));
  return withFilePath(path, () => parseNpy(bytes));
}
