/** An Apache Arrow table as a MetaTable. */

import { DataError, MetaTable } from "@tt/schema";
import type { Table } from "apache-arrow";
import { readColumn } from "./read-column.js";

/**
 * `table` as a MetaTable, every column as the logical type that holds its Arrow type exactly:
 * Utf8, LargeUtf8 and dictionaries of them as string; Bool as boolean; Int8/16/32 and Uint8/16
 * as int32, Int64 and Uint32/64 as int64 (a Uint64 above the int64 range is a DataError); Float16
 * and Float32 as float32, Float64 as float64; Timestamp of any unit and zone and Date32/64 as
 * timestamp (UTC microseconds; a zone-less timestamp's wall-clock time is taken as UTC,
 * nanoseconds must be whole microseconds); lists of Utf8 without null items as list<string>; a
 * Null column as an all-null string column. Any other Arrow type is an UnsupportedError naming
 * the column. Numeric columns of one record batch without nulls share Arrow's memory.
 *
 * @example
 * ```ts
 * import { fromArrow } from "@tt/arrow";
 * import { tableFromIPC } from "apache-arrow";
 *
 * const meta = fromArrow(tableFromIPC(bytes));
 * meta.schema; // [{ name: "instance_id", type: "string" }, { name: "score_1", type: "float64" }, ...]
 * ```
 */
export function fromArrow(table: Table): MetaTable {
  if (typeof table !== "object" || table === null || !Array.isArray(table.schema?.fields)) {
    throw new DataError("table", `must be an apache-arrow Table, got ${String(table)}`);
  }
  const columns = table.schema.fields.map((field, index) => {
    const vector = table.getChildAt(index);
    if (vector === null) throw new DataError(`column '${field.name}'`, "has no data");
    return [field.name, readColumn(field.name, vector)] as const;
  });
  return MetaTable.fromColumns(columns, table.numRows);
}
