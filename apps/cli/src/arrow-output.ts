/** `--arrow <file|->`: a table as an Arrow IPC stream, in a file or on stdout. */

import { writeFile } from "node:fs/promises";
import type { MetaTable } from "tensortools";
import type { Output } from "./output.js";

/** The option every command that writes a table as Arrow declares. */
export const ARROW_OPTION = {
  type: "string",
  value: "FILE",
  description:
    "write the rows as an Arrow IPC stream to FILE (- for stdout; DuckDB: read_arrow, apache-arrow: tableFromIPC)",
} as const;

/**
 * Writes `table` as an Arrow IPC stream to `target`, a path or `-` for stdout. @tt/arrow and
 * apache-arrow are loaded only here, so commands that do not write Arrow never load them.
 */
export async function writeArrow(table: MetaTable, target: string, out: Output): Promise<void> {
  const { toArrowIPC } = await import("@tt/arrow");
  const bytes = toArrowIPC(table, { format: "stream" });
  if (target === "-") out.stdout.write(bytes);
  else await writeFile(target, bytes);
}
