/** Reading standalone Parquet files from disk (Node only). */

import { readFile } from "node:fs/promises";
import { readParquet } from "@tt/meta-parquet";
import { DataError, type MetaTable } from "@tt/schema";
import { readImportFile } from "./read-import-file.js";

/**
 * Reads a Parquet file (written by tensortools, DuckDB, Arrow, pandas, ...) into a table, as
 * `readParquet` of `@tt/meta-parquet` does; a missing file is a NotFoundError and a file that is
 * not Parquet a DataError, both naming `path`.
 *
 * @example
 * ```ts
 * const labels = await readParquetFile("clusters.parquet");
 * ```
 */
export async function readParquetFile(path: string): Promise<MetaTable> {
  const bytes = await readImportFile(path, () => readFile(path));
  try {
    // A plain Uint8Array view: a Node Buffer's slice() shares memory, which the reader's copies rely on not doing.
    return await readParquet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    if (error instanceof DataError) {
      const reason = error.message.slice(error.where.length + 2);
      throw new DataError(`${path} ${error.where}`, reason, { cause: error });
    }
    throw error;
  }
}
