/** The order of the first axis by a metadata column, or by a column of another table joined by id. */

import {
  type AnyColumn,
  ConfigError,
  DataError,
  isNullAt,
  type MetaTable,
  type StoredDataset,
} from "@tt/schema";

/**
 * What a pyramid is sorted by: a column of the first axis's metadata by name, or a column of
 * another table (a result's instance table, say) whose `on` column holds the axis's ids.
 *
 * @example
 * ```ts
 * const byRt: PyramidSortKey = "rt_ms";
 * const byScore: PyramidSortKey = { column: "score_1", table: instanceTableOf(result) };
 * ```
 */
export type PyramidSortKey =
  | string
  | {
      /** The column whose values give the order. */
      column: string;
      /** The table that holds it; the dataset's own metadata when omitted. */
      table?: MetaTable;
      /** The id column of `table` (default `instance_id`, the key of a result's instance table). */
      on?: string;
    };

/** Sort keys of the first axis: a value per row, and whether it has one. */
interface Keys {
  values: ArrayLike<unknown>;
  present: (row: number) => boolean;
}

/** A column of `table`, or a ConfigError naming the option, the table and its columns. */
function columnOf(table: MetaTable, name: string, option: string, where: string): AnyColumn {
  if (!table.has(name))
    throw new ConfigError(
      option,
      `${where} has no column '${name}'; its columns are ${table.columnNames.join(", ") || "none"}`,
    );
  return table.column(name);
}

/** The keys of each row of the first axis from a table joined by id. */
function joinedKeys(dataset: StoredDataset, table: MetaTable, column: AnyColumn, on: string): Keys {
  const first = dataset.axes[0]!;
  const ids = columnOf(table, on, "sortBy.on", "the sort table").values as ArrayLike<
    string | number | bigint
  >;
  const values: unknown[] = new Array(dataset.shape[0]).fill(undefined);
  const present = new Uint8Array(dataset.shape[0]!);
  for (let i = 0; i < table.numRows; i++) {
    const row = dataset.indexOf(first, ids[i]!);
    if (row === undefined)
      throw new DataError(
        `the sort table column '${on}' row ${i}`,
        `id ${JSON.stringify(String(ids[i]))} is not an id of axis '${first}'`,
      );
    if (isNullAt(column, i)) continue;
    values[row] = column.values[i];
    present[row] = 1;
  }
  return { values, present: (row) => present[row] === 1 };
}

/** The name of the column a sort key sorts by. */
export function sortColumnName(key: PyramidSortKey): string {
  return typeof key === "string" ? key : key.column;
}

/** The keys of the first axis for `key`. */
function keysOf(dataset: StoredDataset, key: PyramidSortKey): Keys {
  const first = dataset.axes[0]!;
  const where = `the metadata of axis '${first}' in ${dataset.location ?? "memory"}`;
  if (typeof key === "string" || key.table === undefined) {
    const column = columnOf(dataset.meta(first), sortColumnName(key), "sortBy", where);
    return { values: column.values, present: (row) => !isNullAt(column, row) };
  }
  const column = columnOf(key.table, key.column, "sortBy.column", "the sort table");
  return joinedKeys(dataset, key.table, column, key.on ?? "instance_id");
}

/**
 * The base row at each position of the first axis sorted by `key`: ascending (descending when
 * asked), ties in the stored order, rows without a value (null, NaN, absent from a joined table)
 * last.
 */
export function sortOrder(
  dataset: StoredDataset,
  key: PyramidSortKey,
  descending: boolean,
): Int32Array {
  const { values, present } = keysOf(dataset, key);
  const rows = Array.from({ length: dataset.shape[0]! }, (_, i) => i);
  const missing = (row: number) =>
    !present(row) || (typeof values[row] === "number" && Number.isNaN(values[row]));
  const sign = descending ? -1 : 1;
  rows.sort((a, b) => {
    const ma = missing(a);
    const mb = missing(b);
    if (ma || mb) return ma === mb ? a - b : ma ? 1 : -1;
    const va = values[a] as number;
    const vb = values[b] as number;
    if (va < vb) return -sign;
    if (va > vb) return sign;
    return a - b;
  });
  return Int32Array.from(rows);
}
