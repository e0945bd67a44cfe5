/** Writing the id index of a bundle version's first axis as a file of that version. */

import type { IOOptions, Manifest, MetaTable } from "@tt/schema";
import type { VersionedWrite } from "@tt/storage";
import { encodeIdIndex } from "./id-index-format.js";

/** The stem of the id index file of `axis`: `index/<axis>.v<g>-<token>.ttidx`. */
export const ID_INDEX_STEM = (axis: string) => `index/${axis}`;
/** The id index file's extension. */
export const ID_INDEX_EXTENSION = ".ttidx";

/** The manifest's `id_index` entry: the index file of the first axis by axis name. */
export function manifestIdIndex(manifest: Manifest): Record<string, string> | undefined {
  const entry = manifest.id_index;
  return entry !== null && typeof entry === "object"
    ? (entry as Record<string, string>)
    : undefined;
}

/**
 * Writes the id index of `axis` (ids in `column` of `table`) as a file of the version; the
 * manifest's `id_index` entry.
 */
export async function writeIdIndex(
  write: VersionedWrite,
  axis: string,
  table: MetaTable,
  column: string,
  options: IOOptions = {},
): Promise<Record<string, string>> {
  const path = write.path(ID_INDEX_STEM(axis), ID_INDEX_EXTENSION);
  const bytes = encodeIdIndex(table.column(column), `meta of axis '${axis}' column '${column}'`);
  await write.store.set(path, bytes, { signal: options.signal });
  return { [axis]: path };
}
