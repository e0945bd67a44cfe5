/** Null masks: our one byte per row against Arrow's one bit per row. */

import { type Data, Type } from "apache-arrow";

/**
 * Arrow's validity bitmap of `valid` (1 where a row has a value), or `undefined` when every row
 * has one, so that a column without nulls carries no bitmap at all.
 */
export function bitmapOf(valid: Uint8Array | undefined): Uint8Array | undefined {
  return valid === undefined ? undefined : packBits(valid);
}

/** Arrow's bit-packed form of one byte per row (0 or 1): booleans and validity alike. */
export function packBits(bytes: Uint8Array): Uint8Array {
  const bits = new Uint8Array(Math.ceil(bytes.length / 8));
  for (let row = 0; row < bytes.length; row++) {
    if (bytes[row] === 1) bits[row >> 3]! |= 1 << (row & 7);
  }
  return bits;
}

/** The number of rows `valid` marks null (0 when there is no mask). */
export function nullCountOf(valid: Uint8Array | undefined): number {
  if (valid === undefined) return 0;
  let nulls = 0;
  for (let row = 0; row < valid.length; row++) nulls += 1 - valid[row]!;
  return nulls;
}

/**
 * Writes the validity of the rows of `data` into `valid` from position `start` (1: a value,
 * 0: null) and returns whether any row was null.
 */
export function copyValidity(data: Data, valid: Uint8Array, start: number): boolean {
  // A Null column has no validity bitmap (and may report no nulls), yet every row is null.
  if (data.typeId === Type.Null) {
    valid.fill(0, start, start + data.length);
    return data.length > 0;
  }
  if (data.nullCount === 0) {
    valid.fill(1, start, start + data.length);
    return false;
  }
  for (let row = 0; row < data.length; row++) valid[start + row] = data.getValid(row) ? 1 : 0;
  return true;
}
