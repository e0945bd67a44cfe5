/**
 * The viewer's current selection as a table the page can take away: `instance_id`, the result's
 * columns (scores first) and the instance metadata, one row per selected instance in the
 * selection's order; as an Apache Arrow table, Arrow IPC bytes or a Parquet file. Arrow and the
 * Parquet writer are loaded only when something is exported.
 */

import { parquetMetaIO } from "@tt/meta-parquet";
import { type AnyColumn, INSTANCE_ID, instanceTableOf, MetaTable } from "tensortools/browser";
import type { SelectionExporter } from "./selection-export.js";
import type { ViewerSession } from "./session.js";

/** An Apache Arrow `Table`, as `@tt/arrow`'s `toArrow` returns it. */
export type ArrowTable = ReturnType<typeof import("@tt/arrow").toArrow>;

/** The columns of the selection table, in order: where each comes from in the session's table. */
function selectionColumns(session: ViewerSession): { name: string; source: string }[] {
  const { table, idColumn, prefix, scoreColumns } = session;
  const resultColumns = instanceTableOf(session.result)
    .columnNames.filter((name) => name !== INSTANCE_ID)
    .map((name) => prefix + name)
    .filter((name) => table.has(name));
  const rest = resultColumns.filter((name) => !scoreColumns.includes(name));
  const metadata = table.columnNames.filter(
    (name) => name !== idColumn && !resultColumns.includes(name),
  );
  // The id goes out as `instance_id`, the name the result's tables join on, unless the dataset
  // has another column of that name.
  const idName = metadata.includes(INSTANCE_ID) ? idColumn : INSTANCE_ID;
  return [
    { name: idName, source: idColumn },
    ...[...scoreColumns, ...rest, ...metadata].map((name) => ({ name, source: name })),
  ];
}

/**
 * The rows `rows` of the session's table (the current selection, in its order) as a MetaTable:
 * `instance_id` first, then the result's columns (its score or power columns first, then the
 * others such as `recon_error`), then the dataset's instance metadata, types and nulls as they
 * are.
 *
 * @example
 * ```ts
 * selectionMetaTable(session, Int32Array.of(4, 0)).column("instance_id").values; // [id 4, id 0]
 * ```
 */
export function selectionMetaTable(session: ViewerSession, rows: ArrayLike<number>): MetaTable {
  const picked = session.table.take(rows);
  const columns: Record<string, AnyColumn> = {};
  for (const { name, source } of selectionColumns(session)) columns[name] = picked.column(source);
  return MetaTable.fromColumns(columns);
}

/**
 * The selection as an Apache Arrow `Table` (through `@tt/arrow`'s `toArrow`, loaded now): int64
 * as BigInt, timestamps in microseconds UTC, nulls as validity bitmaps.
 *
 * @example
 * ```ts
 * const arrow = await selectionTable(session, rows);
 * arrow.getChild("score_1")?.toArray(); // Float64Array
 * ```
 */
export async function selectionTable(
  session: ViewerSession,
  rows: ArrayLike<number>,
): Promise<ArrowTable> {
  const { toArrow } = await import("@tt/arrow");
  return toArrow(selectionMetaTable(session, rows));
}

/** The selection as an Arrow IPC stream (`application/vnd.apache.arrow.stream`). */
export async function selectionArrowIPC(
  session: ViewerSession,
  rows: ArrayLike<number>,
): Promise<Uint8Array> {
  const { toArrowIPC } = await import("@tt/arrow");
  return toArrowIPC(selectionMetaTable(session, rows));
}

/** The selection as a Parquet file (SNAPPY, axis `instance`), as the bundles' tables are written. */
export function selectionParquet(
  session: ViewerSession,
  rows: ArrayLike<number>,
): Promise<Uint8Array> {
  return parquetMetaIO.write(selectionMetaTable(session, rows), { axis: "instance" });
}

/**
 * The name an export of the selection is saved under: the result's folder name (else its method)
 * followed by `-selection` and `extension`, e.g. `pca-selection.parquet`.
 */
export function selectionFileName(session: ViewerSession, extension: string): string {
  const segments = (session.resultUrl ?? "").split(/[?#]/)[0]!.split("/").filter(Boolean);
  const last = segments.at(-1);
  const name = last === undefined ? session.result.method : decodeURIComponent(last);
  return `${name.replace(/[^\w.-]+/g, "_")}-selection${extension}`;
}

/** The export actions' view of the selection whose rows `rows()` gives at the time of export. */
export function selectionExporter(
  session: ViewerSession,
  rows: () => Int32Array,
): SelectionExporter {
  return {
    count: () => rows().length,
    arrowIPC: () => selectionArrowIPC(session, rows()),
    parquet: () => selectionParquet(session, rows()),
    fileName: (extension) => selectionFileName(session, extension),
  };
}
