/** One MetaTable column as Arrow data of a chosen type, sharing the values where layouts match. */

import type { AnyColumn, Column } from "@tt/schema";
import {
  type Bool,
  type Data,
  type DataType,
  type Date_,
  type Int,
  type List,
  makeData,
  type Timestamp,
} from "apache-arrow";
import { integersAs } from "./integers.js";
import { stringData } from "./strings.js";
import { timestampData } from "./timestamps.js";
import { bitmapOf, nullCountOf, packBits } from "./validity.js";

/**
 * Arrow data of type `type` holding `column` (named `name` in messages). Numeric columns written
 * as their own width share their values' buffer; the rest is converted, and a value the Arrow
 * type cannot hold exactly is a DataError naming the column and row.
 */
export function columnData(name: string, column: AnyColumn, type: DataType): Data {
  const length = column.values.length;
  const nulls = { nullCount: nullCountOf(column.valid), nullBitmap: bitmapOf(column.valid) };
  const where = (row: number) => `column '${name}' row ${row}`;
  switch (column.type) {
    case "string":
      return stringData(column.values, column.valid, type, where);
    case "boolean":
      return makeData({ type: type as Bool, length, ...nulls, data: packBits(column.values) });
    case "int32":
    case "int64":
      return makeData({
        type: type as Int,
        length,
        ...nulls,
        data: integersAs(column.values, column.valid, type as Int, where),
      });
    case "float32":
    case "float64":
      return makeData({ type: type as never, length, ...nulls, data: column.values });
    case "timestamp":
      return timestampData(column, type as Timestamp | Date_, where, nulls);
    case "list<string>":
      return listData(column, type as List, where);
  }
}

function listData(column: Column<"list<string>">, type: List, where: (row: number) => string) {
  const length = column.values.length;
  const valueOffsets = new Int32Array(length + 1);
  const items: string[] = [];
  for (let row = 0; row < length; row++) {
    if (column.valid?.[row] !== 0) items.push(...column.values[row]!);
    valueOffsets[row + 1] = items.length;
  }
  const child = stringData(items, undefined, type.valueType, (item) => {
    const row = valueOffsets.findIndex((offset) => offset > item) - 1;
    return `${where(row)} item ${item - valueOffsets[row]!}`;
  });
  return makeData({
    type,
    length,
    nullCount: nullCountOf(column.valid),
    nullBitmap: bitmapOf(column.valid),
    valueOffsets,
    child,
  });
}
