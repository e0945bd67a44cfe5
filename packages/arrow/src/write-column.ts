/** One MetaTable column as Arrow data of a chosen type, sharing the values where layouts match. */

import { type AnyColumn, type Column, DataError } from "@tt/schema";
import {
  type Bool,
  type Data,
  type DataType,
  type Date_,
  DateUnit,
  type Int,
  type List,
  makeData,
  type Timestamp,
  TimeUnit,
  Type,
} from "apache-arrow";
import { integersAs } from "./integers.js";
import { stringData } from "./strings.js";
import { bitmapOf, nullCountOf, packBits } from "./validity.js";

/** Microseconds per unit of each Arrow timestamp unit that is coarser than a microsecond. */
const MICROS_PER: Partial<Record<TimeUnit, bigint>> = {
  [TimeUnit.SECOND]: 1_000_000n,
  [TimeUnit.MILLISECOND]: 1000n,
};
const MICROS_PER_DAY = 86_400_000_000n;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

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

function timestampData(
  column: Column<"timestamp">,
  type: Timestamp | Date_,
  where: (row: number) => string,
  nulls: { nullCount: number; nullBitmap: Uint8Array | undefined },
): Data {
  const micros = column.values;
  const length = micros.length;
  if (type.typeId === Type.Timestamp && type.unit === TimeUnit.MICROSECOND)
    return makeData({ type, length, ...nulls, data: micros });
  const isDay = type.typeId === Type.Date && type.unit === DateUnit.DAY;
  const values = isDay ? new Int32Array(length) : new BigInt64Array(length);
  const per =
    type.typeId === Type.Date
      ? isDay
        ? MICROS_PER_DAY
        : 1000n
      : (MICROS_PER[type.unit] ?? (type.unit === TimeUnit.NANOSECOND ? -1000n : 1n));
  for (let row = 0; row < length; row++) {
    if (column.valid?.[row] === 0) continue;
    const value = micros[row]!;
    if (per < 0n) {
      const nanos = value * -per;
      if (nanos < MIN_INT64 || nanos > MAX_INT64)
        throw new DataError(where(row), `${value} µs overflows int64 nanoseconds (${type})`);
      values[row] = nanos as never;
    } else {
      if (value % per !== 0n)
        throw new DataError(
          where(row),
          `${value} µs is not a whole number of the unit of ${type}; write it as microseconds or round it first`,
        );
      values[row] = (isDay ? Number(value / per) : value / per) as never;
    }
  }
  return makeData({ type, length, ...nulls, data: values } as never);
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
