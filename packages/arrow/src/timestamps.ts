/** Timestamps between MetaTable's UTC microseconds and Arrow's units, dates and zones, exactly. */

import { type Column, DataError } from "@tt/schema";
import {
  type Data,
  type Date_,
  DateUnit,
  makeData,
  type Timestamp,
  TimeUnit,
  Type,
} from "apache-arrow";

/** Where a row of a column is, for messages. */
type Where = (row: number) => string;

/** Microseconds per unit of each Arrow timestamp unit (nanoseconds are handled apart). */
const MICROS_PER_UNIT: Record<TimeUnit, bigint> = {
  [TimeUnit.SECOND]: 1_000_000n,
  [TimeUnit.MILLISECOND]: 1000n,
  [TimeUnit.MICROSECOND]: 1n,
  [TimeUnit.NANOSECOND]: 1n,
};
const MICROS_PER_DAY = 86_400_000_000n;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** Microseconds per stored unit of a timestamp or date type, and whether it is nanoseconds. */
function unitOf(type: Timestamp | Date_): { per: bigint; isNanos: boolean } {
  if (type.typeId === Type.Date)
    return { per: type.unit === DateUnit.DAY ? MICROS_PER_DAY : 1000n, isNanos: false };
  return { per: MICROS_PER_UNIT[type.unit], isNanos: type.unit === TimeUnit.NANOSECOND };
}

/**
 * Arrow timestamp or date data of `type` holding the microseconds of `column`: the same array for
 * microseconds, otherwise converted, where a value the unit cannot hold exactly is a DataError.
 */
export function timestampData(
  column: Column<"timestamp">,
  type: Timestamp | Date_,
  where: Where,
  nulls: { nullCount: number; nullBitmap: Uint8Array | undefined },
): Data {
  const micros = column.values;
  const length = micros.length;
  if (type.typeId === Type.Timestamp && type.unit === TimeUnit.MICROSECOND)
    return makeData({ type, length, ...nulls, data: micros });
  const isDay = type.typeId === Type.Date && type.unit === DateUnit.DAY;
  const values = isDay ? new Int32Array(length) : new BigInt64Array(length);
  const { per, isNanos } = unitOf(type);
  for (let row = 0; row < length; row++) {
    if (column.valid?.[row] === 0) continue;
    const value = micros[row]!;
    if (isNanos) {
      const nanos = value * 1000n;
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

/** Timestamps or dates as microseconds since the epoch, refusing to round or overflow. */
export function microsFrom(data: Data<Timestamp | Date_>, where: Where): BigInt64Array {
  const type = data.type;
  const { per, isNanos } = unitOf(type);
  const out = new BigInt64Array(data.length);
  for (let row = 0; row < data.length; row++) {
    if (!data.getValid(row)) continue;
    const raw = BigInt(data.values[row] as number | bigint);
    if (isNanos && raw % 1000n !== 0n)
      throw new DataError(
        where(row),
        `${raw} ns is not a whole number of microseconds, and MetaTable timestamps are microseconds; round the column to microseconds first`,
      );
    const micros = isNanos ? raw / 1000n : raw * per;
    if (micros < MIN_INT64 || micros > MAX_INT64)
      throw new DataError(where(row), `${raw} in ${String(type)} overflows int64 microseconds`);
    out[row] = micros;
  }
  return out;
}
