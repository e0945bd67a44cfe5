/**
 * The one-dimensional members of a compressed sparse matrix (`data`, `indices`, `indptr`) as
 * ranges read on demand, and their integers checked and converted for the scatter.
 */

import { DataError, type DType, isFloatDType, type StoredArray, type TypedArray } from "@tt/schema";

/** A one-dimensional member of a sparse matrix, read a range at a time. */
export interface SparseVector {
  /** Where the member is, for messages (`file.h5:/matrix/indptr`). */
  readonly where: string;
  readonly length: number;
  readonly dtype: DType;
  /**
   * The elements `start..stop - 1`: in a new typed array of `dtype`, or, given `into` (of
   * `dtype`, with room for them), written there and returned as a view of its first elements, so
   * that a scan reuses one buffer rather than leaving one behind per piece.
   */
  readRange(
    start: number,
    stop: number,
    signal?: AbortSignal,
    into?: TypedArray,
  ): Promise<TypedArray>;
}

/** Whether `dtype` holds integers (every dtype but the floats and bool). */
export function isIntegerDType(dtype: DType): boolean {
  return !isFloatDType(dtype) && dtype !== "bool";
}

/**
 * A one-dimensional stored array (HDF5, Zarr, memory) as a {@link SparseVector}; any other rank
 * is a DataError at `where`.
 */
export function vectorOfArray(array: StoredArray, where: string): SparseVector {
  const { shape, dtype } = array.metadata;
  if (shape.length !== 1)
    throw new DataError(
      where,
      `has shape [${shape.join(", ")}]; a member of a sparse matrix is one-dimensional`,
    );
  return {
    where,
    length: shape[0]!,
    dtype,
    async readRange(start, stop, signal, into) {
      if (into === undefined || array.readInto === undefined)
        return array.read([{ start, stop }], { signal });
      await array.readInto([{ start, stop }], into, 0, { signal });
      return into.subarray(0, stop - start);
    },
  };
}

/** The low and high 32-bit halves of 64-bit integers, read without making bigints. */
function halves(values: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/**
 * Minor positions (column numbers of a CSR matrix, row numbers of a CSC one) as an Int32Array
 * (`values` itself if it is one, else written into `into` when given), each checked to lie in
 * `0..limit - 1`; else a DataError at `where` naming the entry (`first` is the entry number of
 * `values[0]`).
 */
export function checkedIndices(
  values: TypedArray,
  limit: number,
  where: string,
  first: number,
  into?: Int32Array,
): Int32Array {
  const bad = (i: number) =>
    new DataError(
      where,
      `entry ${first + i} is ${String(values[i])}, outside 0..${limit - 1}: each index must name one of the ${limit} positions of the uncompressed axis`,
    );
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const parts = halves(values);
    const out = into?.subarray(0, values.length) ?? new Int32Array(values.length);
    for (let i = 0; i < out.length; i++) {
      const low = parts[2 * i]!;
      if (parts[2 * i + 1] !== 0 || low < 0 || low >= limit) throw bad(i);
      out[i] = low;
    }
    return out;
  }
  if (values instanceof Int32Array) {
    for (let i = 0; i < values.length; i++) if (values[i]! >>> 0 >= limit) throw bad(i);
    return values;
  }
  const out = into?.subarray(0, values.length) ?? new Int32Array(values.length);
  const numbers = values as ArrayLike<number>;
  for (let i = 0; i < out.length; i++) {
    const value = numbers[i]!;
    if (!(value >= 0 && value < limit)) throw bad(i);
    out[i] = value;
  }
  return out;
}

/**
 * Index pointers as a Float64Array (exact up to 2^53), checked to be non-decreasing and within
 * `0..nnz`; else a DataError at `where` naming the position (`first` is the position of
 * `values[0]` in the member).
 */
export function checkedPointers(
  values: TypedArray,
  nnz: number,
  where: string,
  first: number,
): Float64Array {
  const out = new Float64Array(values.length);
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const parts = halves(values);
    for (let i = 0; i < out.length; i++)
      out[i] = parts[2 * i + 1]! * 2 ** 32 + (parts[2 * i]! >>> 0);
  } else out.set(values as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    const value = out[i]!;
    if (!(value >= 0 && value <= nnz))
      throw new DataError(
        where,
        `position ${first + i} is ${String(values[i])}, outside 0..${nnz}: index pointers must lie within the ${nnz} stored entries`,
      );
    if (i > 0 && value < out[i - 1]!)
      throw new DataError(
        where,
        `decreases at position ${first + i}: ${out[i - 1]} then ${value}; index pointers must not decrease`,
      );
  }
  return out;
}
