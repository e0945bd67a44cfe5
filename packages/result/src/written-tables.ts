/**
 * Factor tables that the workers of a split fit wrote in parts into the store a result is being
 * written to: where their parts are, checked before the bundle is written, and recorded into its
 * inventory after.
 */

import {
  type AxisIndex,
  ConfigError,
  DataError,
  type DecompositionResult,
  INSTANCE_ID,
  INSTANCE_TABLE,
  type MethodOutput,
  NotFoundError,
  normalizeRelativePath,
  unsafePathReason,
  type WritableKeyValueStore,
  type WrittenTable,
} from "@tt/schema";
import { type Inventory, recordOf } from "@tt/storage";
import { RESULT_LAYOUT } from "./layout.js";

/** A table written in parts, as the manifest lists it: its directory and its parts in row order. */
export interface PartedTable {
  /** The table's name, e.g. `instance`. */
  name: string;
  /** The parts' common directory, e.g. `factor_tables/instance`. */
  directory: string;
  /** The parts' paths inside the store, in row order. */
  parts: string[];
}

/**
 * The tables the workers of a split fit wrote in parts: none also in `factorTables`, and a
 * written instance table keyed by `instance_id` with a row per input instance. Its ids are in
 * the parts, not in memory, so they cannot be compared with the input's here.
 */
export function checkWrittenTables(output: MethodOutput, instanceIds: AxisIndex | undefined): void {
  for (const [name, written] of Object.entries(output.writtenTables ?? {})) {
    const where = `written table '${name}'`;
    if (Object.hasOwn(output.factorTables, name))
      throw new DataError(
        where,
        `is also in factorTables; a table is either held in memory or written in parts, not both`,
      );
    checkPartRows(written, where);
    if (name !== INSTANCE_TABLE) continue;
    if (written.columns[0] !== INSTANCE_ID)
      throw new DataError(
        where,
        `must start with its key column '${INSTANCE_ID}', but its columns are ${written.columns.join(", ") || "(none)"}`,
      );
    if (instanceIds !== undefined && written.rows !== instanceIds.length)
      throw new DataError(
        where,
        `has ${written.rows} rows for the input's ${instanceIds.length} instances; it must list every instance of the input, in order`,
      );
  }
}

/** A written table's rows are those of its parts, and it has at least one part. */
function checkPartRows(written: WrittenTable, where: string): void {
  if (!Array.isArray(written.parts) || written.parts.length === 0)
    throw new DataError(where, "has no parts; a table written in parts needs at least one");
  const sum = written.parts.reduce((total, part) => total + part.rows, 0);
  if (sum !== written.rows)
    throw new DataError(
      where,
      `has ${written.rows} rows but its parts have ${sum} together; the rows must be the sum of the parts'`,
    );
}

/** The longest directory (whole path segments) that holds every one of `paths`. */
function commonDirectory(paths: readonly string[]): string {
  let common = paths[0]!.split("/").slice(0, -1);
  for (const path of paths.slice(1)) {
    const segments = path.split("/").slice(0, -1);
    let same = 0;
    while (same < common.length && same < segments.length && common[same] === segments[same])
      same++;
    common = common.slice(0, same);
  }
  return common.join("/");
}

/**
 * The tables of `result.writtenTables` as the manifest will list them, checked before anything is
 * written: as `createResult` checks them, and each was written into `store` (its `location` is the store's, else a ConfigError) and
 * has parts with safe paths in a directory of their own inside `factor_tables/` (else a
 * DataError naming the part).
 */
export function partedTables(
  store: WritableKeyValueStore,
  result: DecompositionResult,
): PartedTable[] {
  checkWrittenTables(result, undefined);
  return Object.entries(result.writtenTables ?? {}).map(([name, written]) => {
    const at = `writtenTables.${name}`;
    if (written.location !== store.location)
      throw new ConfigError(
        `${at}.location`,
        `is ${written.location}, but the result is written to ${store.location}; the parts must be written into the store the result is written to`,
      );
    const parts = written.parts.map(({ path }, i) => {
      const reason = unsafePathReason(path);
      if (reason !== undefined) throw new DataError(`${at}.parts[${i}].path`, reason);
      return normalizeRelativePath(path);
    });
    const directory = commonDirectory(parts);
    if (!directory.startsWith(`${RESULT_LAYOUT.factorTables}/`))
      throw new DataError(
        `${at}.parts`,
        `are in '${directory || "."}'; the parts of a table must be in a directory of their own inside ${RESULT_LAYOUT.factorTables}/, e.g. ${RESULT_LAYOUT.factorTables}/${name}/part-00000.parquet`,
      );
    return { name, directory, parts };
  });
}

/**
 * The inventory records (length and SHA-256) of the parts of `tables`, read back from `store`
 * one at a time so that only one part is in memory; a missing part is a NotFoundError naming it.
 */
export async function recordParts(
  store: WritableKeyValueStore,
  tables: readonly PartedTable[],
  signal: AbortSignal | undefined,
): Promise<Inventory> {
  const inventory: Inventory = {};
  for (const { name, parts } of tables) {
    for (const part of parts) {
      signal?.throwIfAborted();
      const bytes = await store.get(part, { signal });
      if (bytes === undefined)
        throw new NotFoundError(
          part,
          `part '${part}' of the written table '${name}' is not in ${store.location}; the workers must have written every part before the result is written`,
        );
      inventory[part] = await recordOf(bytes);
    }
  }
  return inventory;
}
