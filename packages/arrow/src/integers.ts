/** Integer columns between widths: shared when the width matches, checked when it does not. */

import { DataError } from "@tt/schema";
import type { Int } from "apache-arrow";

type IntegerArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** The smallest and largest value an Arrow integer type holds. */
export function integerRange(type: Int): readonly [bigint, bigint] {
  const bits = BigInt(type.bitWidth);
  return type.isSigned ? [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n] : [0n, 2n ** bits - 1n];
}

/**
 * The values of an int32 or int64 column as the typed array of the Arrow integer type `type`:
 * the same array when the layouts match, otherwise a copy in which a value outside the type's
 * range is a DataError at `where(row)`. Null rows (`valid` 0) are left 0.
 */
export function integersAs(
  values: Int32Array | BigInt64Array,
  valid: Uint8Array | undefined,
  type: Int,
  where: (row: number) => string,
): IntegerArray {
  const Target = type.ArrayType as unknown as new (length: number) => IntegerArray;
  if (values instanceof Target) return values;
  const target = new Target(values.length);
  const [min, max] = integerRange(type);
  const isBig = type.bitWidth === 64;
  for (let row = 0; row < values.length; row++) {
    if (valid?.[row] === 0) continue;
    const value = BigInt(values[row]!);
    if (value < min || value > max)
      throw new DataError(where(row), `${value} does not fit Arrow ${type} (${min} to ${max})`);
    target[row] = (isBig ? value : Number(value)) as never;
  }
  return target;
}

/**
 * The integers of Arrow integer data `values` as a MetaTable int32 (`Int32Array`) or int64
 * (`BigInt64Array`) array: the same array when the layout already matches, otherwise a copy.
 * A Uint64 value above the int64 range is a DataError at `where(row)`.
 */
export function integersFrom(
  values: IntegerArray,
  target: "int32" | "int64",
  isValid: (row: number) => boolean,
  where: (row: number) => string,
): Int32Array | BigInt64Array {
  const Target = target === "int32" ? Int32Array : BigInt64Array;
  if (values instanceof Target) return values;
  const copy = new Target(values.length);
  const max = 2n ** 63n - 1n;
  for (let row = 0; row < values.length; row++) {
    if (!isValid(row)) continue;
    const value = values[row]!;
    if (target === "int32") copy[row] = Number(value) as never;
    else if (typeof value === "bigint" && value > max)
      throw new DataError(where(row), `Uint64 ${value} is above the int64 maximum ${max}`);
    else copy[row] = BigInt(value) as never;
  }
  return copy;
}
