/** Element types of tensors and the typed arrays that hold them. */

import { UnsupportedError } from "./errors.js";

/** The element types a tensor may have (the names Zarr and numpy use). */
export type DType =
  | "float32"
  | "float64"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "bool";

/** The typed array that holds each dtype (`bool` is one byte per element, 0 or 1). */
export interface TypedArrayByDType {
  float32: Float32Array;
  float64: Float64Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
}

/** Any typed array a tensor may hold. */
export type TypedArray = TypedArrayByDType[DType];

/** The typed array of dtype `D`. */
export type TypedArrayOf<D extends DType> = TypedArrayByDType[D];

interface TypedArrayConstructorOf<A> {
  new (length: number): A;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): A;
  readonly BYTES_PER_ELEMENT: number;
}

const CONSTRUCTORS: { [D in DType]: TypedArrayConstructorOf<TypedArrayByDType[D]> } = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

/** Every supported dtype, in a stable order. */
export const DTYPES: readonly DType[] = Object.freeze(Object.keys(CONSTRUCTORS) as DType[]);

/** Whether `value` names a supported dtype. */
export function isDType(value: unknown): value is DType {
  return typeof value === "string" && Object.hasOwn(CONSTRUCTORS, value);
}

/** Throws an {@link UnsupportedError} listing the supported dtypes unless `value` is one. */
export function assertDType(value: unknown, where = "dtype"): asserts value is DType {
  if (!isDType(value)) {
    throw new UnsupportedError(
      `dtype ${String(value)}`,
      `${where}: unsupported dtype ${JSON.stringify(value)}; expected one of ${DTYPES.join(", ")}`,
    );
  }
}

/** The typed-array constructor for `dtype`. */
export function typedArrayConstructor<D extends DType>(
  dtype: D,
): TypedArrayConstructorOf<TypedArrayOf<D>> {
  assertDType(dtype);
  return CONSTRUCTORS[dtype];
}

/** A zero-filled typed array of `length` elements of `dtype`. */
export function allocate<D extends DType>(dtype: D, length: number): TypedArrayOf<D> {
  return new (typedArrayConstructor(dtype))(length);
}

/** Bytes per element of `dtype`. */
export function bytesPerElement(dtype: DType): number {
  return typedArrayConstructor(dtype).BYTES_PER_ELEMENT;
}

/** Whether elements of `dtype` are `bigint` rather than `number`. */
export function isBigIntDType(dtype: DType): dtype is "int64" | "uint64" {
  return dtype === "int64" || dtype === "uint64";
}

/** Whether `dtype` is a floating-point type (the only ones that can hold NaN). */
export function isFloatDType(dtype: DType): dtype is "float32" | "float64" {
  return dtype === "float32" || dtype === "float64";
}

/**
 * The dtype of a typed array. A `Uint8Array` is reported as `uint8`; say `bool` explicitly
 * where a byte array is a mask.
 */
export function dtypeOf(array: TypedArray): DType {
  for (const dtype of DTYPES) {
    if (dtype !== "bool" && array instanceof CONSTRUCTORS[dtype]) return dtype;
  }
  throw new UnsupportedError(
    `array ${Object.prototype.toString.call(array)}`,
    `cannot infer a dtype from ${Object.prototype.toString.call(array)}; pass a typed array of a supported dtype`,
  );
}

/** Whether `array` is a typed array that can hold elements of `dtype`. */
export function matchesDType(array: unknown, dtype: DType): boolean {
  return array instanceof CONSTRUCTORS[dtype];
}
