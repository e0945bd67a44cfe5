/** MetaTables as Arrow IPC bytes and back. */

import { ConfigError, type MetaTable } from "@tt/schema";
import { tableFromIPC, tableToIPC } from "apache-arrow";
import { fromArrow } from "./from-arrow.js";
import { type ToArrowOptions, toArrow } from "./to-arrow.js";

/**
 * Options of {@link toArrowIPC}.
 *
 * @example
 * ```ts
 * const options: ToArrowIPCOptions = { format: "file" }; // the random-access format, `.arrow`
 * ```
 */
export interface ToArrowIPCOptions extends ToArrowOptions {
  /**
   * `"stream"` (the default; DuckDB, Polars and `tableFromIPC` read it, `.arrows` by convention)
   * or `"file"` (the random-access format with a footer, `.arrow`).
   */
  format?: "stream" | "file";
}

/**
 * `table` as Arrow IPC bytes, columns typed as {@link toArrow} types them.
 *
 * @example
 * ```ts
 * import { toArrowIPC } from "@tt/arrow";
 * import { writeFile } from "node:fs/promises";
 *
 * await writeFile("scores.arrows", toArrowIPC(result.factorTables.instance));
 * // duckdb: SELECT * FROM read_arrow('scores.arrows');
 * ```
 */
export function toArrowIPC(table: MetaTable, options: ToArrowIPCOptions = {}): Uint8Array {
  const format = options.format ?? "stream";
  if (format !== "stream" && format !== "file") {
    throw new ConfigError("format", `must be "stream" or "file", got ${JSON.stringify(format)}`);
  }
  return tableToIPC(toArrow(table, options), format);
}

/**
 * The MetaTable in Arrow IPC bytes of either format, as {@link fromArrow} reads it.
 *
 * @example
 * ```ts
 * import { fromArrowIPC } from "@tt/arrow";
 * import { readFile } from "node:fs/promises";
 *
 * const scores = fromArrowIPC(await readFile("scores.arrows"));
 * ```
 */
export function fromArrowIPC(bytes: Uint8Array): MetaTable {
  return fromArrow(tableFromIPC(bytes));
}
