/** `tt import`'s metadata options: `--meta axis=file.csv|file.parquet` and `--id axis=column`. */

import { open } from "node:fs/promises";
import { type MetaTable, readParquetFile } from "tensortools";
import type { Parsed } from "./command.js";
import { UsageError } from "./errors.js";
import { isParquet, missingIdColumn, readMetaWithIds } from "./id-columns.js";
import { note, type Output } from "./output.js";
import { naming } from "./system-errors.js";

/** Parses repeated `key=value` options into a record, naming the option on bad input. */
function pairs(values: unknown, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (values as string[] | undefined) ?? []) {
    const at = item.indexOf("=");
    if (at < 1 || at === item.length - 1)
      throw new UsageError(`--${option} takes axis=value, got '${item}'`, "import");
    const key = item.slice(0, at);
    if (key in out) throw new UsageError(`--${option} names axis '${key}' twice`, "import");
    out[key] = item.slice(at + 1);
  }
  return out;
}

/** The `--meta` tables and `--id` columns of the command line, by axis. */
export interface MetaOptions {
  metaFiles: Record<string, string>;
  idColumns: Record<string, string>;
}

/** Reads `--meta` and `--id`, checking that they name axes of `axes` (`from` says whose). */
export function metaOptions(args: Parsed, axes: readonly string[], from: string): MetaOptions {
  const metaFiles = pairs(args.values.meta, "meta");
  const idColumns = pairs(args.values.id, "id");
  for (const axis of [...Object.keys(metaFiles), ...Object.keys(idColumns)])
    if (!axes.includes(axis))
      throw new UsageError(`axis '${axis}' is not one of ${from} ${axes.join(",")}`, "import");
  return { metaFiles, idColumns };
}

/**
 * The metadata tables of the axes, read with their ids checked (beside the tables `given`, read
 * already), and the first axis's ids as its positions when it has no table (said in a note).
 */
export async function readAxisMeta(
  { metaFiles, idColumns }: MetaOptions,
  axes: readonly string[],
  firstLength: number,
  out: Output,
  given: Readonly<Record<string, MetaTable>> = {},
): Promise<{ axisMeta: Record<string, MetaTable>; axisIndex: Record<string, string[]> }> {
  const first = axes[0]!;
  const axisMeta: Record<string, MetaTable> = { ...given };
  for (const [axis, file] of Object.entries(metaFiles)) {
    // Ids are checked while the CSV is read, so that a repeat is reported by file and line.
    const named =
      idColumns[axis] ?? (axis === first ? await defaultIdColumn(file, axis) : undefined);
    axisMeta[axis] = await readMetaWithIds(file, axis, named, idColumns[axis] !== undefined);
    if (axis === first && named === undefined) throw missingIdColumn(axisMeta[axis]!, axis, file);
  }
  const axisIndex: Record<string, string[]> = {};
  if (axisMeta[first] === undefined) {
    axisIndex[first] = Array.from({ length: firstLength }, (_, i) => String(i));
    note(
      out,
      `note: no metadata for axis '${first}'; its ids are the positions 0..${firstLength - 1}`,
    );
  }
  return { axisMeta, axisIndex };
}

/** `<axis>_id` when the header of the CSV (or the Parquet file) `file` has that column. */
async function defaultIdColumn(file: string, axis: string): Promise<string | undefined> {
  const column = `${axis}_id`;
  if (isParquet(file)) {
    const table = await naming(file, readParquetFile(file));
    return table.has(column) ? column : undefined;
  }
  const handle = await open(file, "r").catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const header = buffer.subarray(0, bytesRead).toString("utf8").split(/\r?\n/, 1)[0] ?? "";
    return header.split(",").some((name) => name.trim().replace(/^"|"$/g, "") === column)
      ? column
      : undefined;
  } finally {
    await handle.close();
  }
}
