/** The result contract: the instance table `instance`, keyed by `instance_id`. */

import {
  DataError,
  type DecompositionResult,
  INSTANCE_ID,
  INSTANCE_TABLE,
  MetaTable,
  NotFoundError,
  type ResultInstance,
} from "@tt/schema";

/**
 * The instance table of `result` (`factorTables.instance`), checked to start with its
 * `instance_id` column; a result without one is a NotFoundError listing the tables it has. A
 * result whose instance table was written in parts by the workers of a split fit
 * (`writtenTables.instance`) holds no rows: that is a NotFoundError saying where the parts are
 * and to open the written result (`openResult`), which reads them as one table.
 *
 * @example
 * ```ts
 * const table = instanceTableOf(result);
 * table.column("instance_id"); // the input view's ids, in its order
 * ```
 */
export function instanceTableOf(
  result: Pick<DecompositionResult, "factorTables" | "writtenTables">,
): MetaTable {
  const table = result.factorTables[INSTANCE_TABLE];
  const written = result.writtenTables?.[INSTANCE_TABLE];
  if (table === undefined && written !== undefined)
    throw new NotFoundError(
      `factor table '${INSTANCE_TABLE}'`,
      `the result's '${INSTANCE_TABLE}' table was written in ${written.parts.length} parts at ${written.location} and is not held in memory; write the result there and open it with openResult to read the table`,
    );
  if (table === undefined) {
    const names = Object.keys(result.factorTables);
    throw new NotFoundError(
      `factor table '${INSTANCE_TABLE}'`,
      `the result has no '${INSTANCE_TABLE}' factor table (it has ${names.join(", ") || "none"}); every result keeps its per-instance values there`,
      { available: names },
    );
  }
  if (table.columnNames[0] !== INSTANCE_ID)
    throw new DataError(
      `factor table '${INSTANCE_TABLE}'`,
      `must start with its key column '${INSTANCE_ID}', but its columns are ${table.columnNames.join(", ") || "(none)"}`,
    );
  return table;
}

/**
 * The factor tables of a result written before the contract (result schema 0.1.0, and 0.2.0
 * without `instance`): the first table described the input's first axis under that axis's name,
 * keyed by its first column (the dataset's id column, or `position`). It becomes `instance` with
 * that column renamed `instance_id`; the others keep their names.
 */
export function normalizeLegacyTables(tables: Record<string, MetaTable>): {
  tables: Record<string, MetaTable>;
  instance: ResultInstance;
} {
  const [first, ...rest] = Object.entries(tables);
  if (first === undefined)
    throw new DataError("files.factor_tables", "is empty: a result needs its instance table");
  const [axis, table] = first;
  const key = table.columnNames[0];
  if (key === undefined)
    throw new DataError(`factor table '${axis}'`, "has no columns; its first column holds the ids");
  const columns = Object.fromEntries(
    table.columnNames.map((name) => [name === key ? INSTANCE_ID : name, table.column(name)]),
  );
  const renamed = key === INSTANCE_ID ? table : MetaTable.fromColumns(columns);
  return {
    tables: { [INSTANCE_TABLE]: renamed, ...Object.fromEntries(rest) },
    instance: { axis, idColumn: key === "position" ? null : key },
  };
}
