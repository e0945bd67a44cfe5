/** The metadata tables of a field's own axes, with their id columns. */

import { type AxisIndex, DataError, MetaTable } from "@tt/schema";
import { buildIdIndex } from "./ids.js";
import { columnFromIndex, type TensorStream } from "./stream.js";

/**
 * The tables of the field's own axes (all but the first), named by the field's `axes`: the
 * stream's metadata of each axis with its ids (from the stream's `axisIndex`, as column
 * `axisIndexColumns[axis]` or `<axis>_id`), and which column holds each axis's ids.
 */
export function fieldTables(
  stream: TensorStream,
  axes: readonly string[],
  axisIndexColumns: Readonly<Record<string, string>> = {},
): { tables: Record<string, MetaTable>; indexColumns: Record<string, string> } {
  const tables: Record<string, MetaTable> = {};
  const indexColumns: Record<string, string> = {};
  for (let position = 1; position < axes.length; position++) {
    const axis = axes[position]!;
    const from = stream.axes[position]!;
    let table = stream.axisMeta?.[from];
    const ids: AxisIndex | undefined = stream.axisIndex?.[from];
    const column = axisIndexColumns[axis] ?? `${axis}_id`;
    if (ids !== undefined) {
      const values = columnFromIndex(ids, `axis '${axis}' ids`);
      if (table !== undefined && table.numRows !== ids.length)
        throw new DataError(
          `axis '${axis}'`,
          `has ${ids.length} ids but ${table.numRows} metadata rows`,
        );
      table =
        table === undefined
          ? MetaTable.empty(ids.length).withColumn(column, values)
          : table.has(column)
            ? table
            : table.withColumn(column, values);
    }
    if (table === undefined || table.columnNames.length === 0) continue;
    if (table.numRows !== stream.shape[position])
      throw new DataError(
        `axis '${axis}'`,
        `has ${table.numRows} metadata rows, the field has ${stream.shape[position]} elements on it`,
      );
    if (table.has(column)) {
      buildIdIndex(table.column(column), `axis '${axis}' column '${column}'`, true);
      indexColumns[axis] = column;
    }
    tables[axis] = table;
  }
  return { tables, indexColumns };
}
