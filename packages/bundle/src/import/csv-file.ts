/** Reading CSV files from disk (Node only). */

import { readFile } from "node:fs/promises";
import type { MetaTable } from "@tt/schema";
import { type CsvOptions, parseCsv } from "./csv.js";
import { readImportFile, withFilePath } from "./read-import-file.js";

/**
 * Reads a UTF-8 CSV file with a header row into a table, as {@link parseCsv} does; errors name `path`.
 *
 * @example
 * ```ts
 * const flowers = await readCsvFile("axis0_flowers.csv", { types: { target: "int32" } });
 * ```
 */
export async function readCsvFile(path: string, options: CsvOptions = {}): Promise<MetaTable> {
  const text = await readImportFile(path, () => readFile(path, "utf8"));
  return withFilePath(path, () => parseCsv(text, options));
}
