/** Reading CSV files from disk (Node only). */

import { readFile } from "node:fs/promises";
import type { MetaTable } from "@tt/schema";
import { type CsvOptions, parseCsv } from "./csv.js";
import { readImportFile, withFilePath } from "./read-import-file.js";
import { decodeUtf8File } from "./utf8.js";

/**
 * Reads a UTF-8 CSV file with a header row into a table, as {@link parseCsv} does; errors name
 * `path`. Bytes that are not UTF-8 are a DataError naming the line and byte offset of the first
 * invalid sequence (a byte order mark at the start is accepted and dropped).
 *
 * @example
 * ```ts
 * const flowers = await readCsvFile("axis0_flowers.csv", { types: { target: "int32" } });
 * ```
 */
export async function readCsvFile(path: string, options: CsvOptions = {}): Promise<MetaTable> {
  const bytes = await readImportFile(path, () => readFile(path));
  const text = decodeUtf8File(bytes, path);
  return withFilePath(path, () => parseCsv(text, options));
}
