/** AxisAnnotatedTensor: a numeric array with named axes, index arrays, metadata and attrs. */

import { type DType, dtypeOf, matchesDType, type TypedArray, type TypedArrayOf } from "./dtype.js";
import { DataError, NotFoundError } from "./errors.js";
import { findNonJson, isPlainObject, type JsonObject } from "./json.js";
import type { MetaTable } from "./meta-table.js";
import { isLength, sizeOf } from "./shape.js";

/** Coordinates or ids along one axis: one entry per element of the axis. */
export type AxisIndex =
  | readonly (string | number | bigint)[]
  | Exclude<TypedArray, Uint8Array>
  | Uint8Array;

/**
 * A numeric array in C order (last axis fastest) with named axes, optional index arrays and
 * metadata tables per axis, an optional validity mask and global attributes. Immutable.
 */
export interface AxisAnnotatedTensor<D extends DType = DType> {
  /** The elements, C order. */
  readonly data: TypedArrayOf<D>;
  /** The element type. */
  readonly dtype: D;
  /** Length of each axis. */
  readonly shape: readonly number[];
  /** Name of each axis, unique. */
  readonly axes: readonly string[];
  /** Coordinates or ids per axis, where known. */
  readonly axisIndex: Readonly<Record<string, AxisIndex>>;
  /** Metadata table per axis, one row per element of the axis. */
  readonly axisMeta: Readonly<Record<string, MetaTable>>;
  /** Validity mask with the tensor's shape (1 = valid), if any element may be missing. */
  readonly mask: Uint8Array | undefined;
  /** Global attributes, JSON. */
  readonly attrs: Readonly<JsonObject>;
}

/** What {@link createTensor} takes; `dtype` is inferred from `data` when omitted. */
export interface TensorInit<D extends DType = DType> {
  data: TypedArrayOf<D>;
  dtype?: D;
  shape: readonly number[];
  axes: readonly string[];
  axisIndex?: Readonly<Record<string, AxisIndex>>;
  axisMeta?: Readonly<Record<string, MetaTable>>;
  mask?: Uint8Array;
  attrs?: JsonObject;
}

/** Checks that the axes are unique non-empty names and the shape gives each a length. */
function checkAxesAndShape(axes: readonly string[], shape: readonly number[]): void {
  if (!Array.isArray(axes) || !axes.every((a) => typeof a === "string" && a.length > 0)) {
    throw new DataError("tensor axes", "must be an array of non-empty strings");
  }
  const duplicate = axes.find((axis, i) => axes.indexOf(axis) !== i);
  if (duplicate !== undefined)
    throw new DataError("tensor axes", `axis '${duplicate}' appears twice`);
  if (!Array.isArray(shape) || shape.length !== axes.length) {
    throw new DataError("tensor shape", `has ${shape?.length} entries for ${axes.length} axes`);
  }
  shape.forEach((length, i) => {
    if (!isLength(length)) {
      throw new DataError(`tensor shape[${i}]`, `must be a non-negative integer, got ${length}`);
    }
  });
}

/** Checks that the data can hold `dtype` and has one element per cell of the shape. */
function checkData(data: TypedArray, dtype: DType, shape: readonly number[]): void {
  if (!matchesDType(data, dtype)) {
    throw new DataError(
      "tensor data",
      `is a ${data?.constructor?.name}, which cannot hold ${dtype}`,
    );
  }
  const size = sizeOf(shape);
  if (data.length !== size) {
    throw new DataError(
      "tensor data",
      `has ${data.length} elements, shape [${shape.join(", ")}] needs ${size}`,
    );
  }
}

/** The length of `axis`, for the `kind` record (`axisIndex`, `axisMeta`) that names it. */
function axisLength(
  axes: readonly string[],
  shape: readonly number[],
  kind: string,
  axis: string,
): number {
  const i = axes.indexOf(axis);
  if (i < 0)
    throw new DataError(
      `tensor ${kind}.${axis}`,
      `names an unknown axis; axes are ${axes.join(", ")}`,
    );
  return shape[i]!;
}

/** Checks that every index array and metadata table has one entry per element of its axis. */
function checkAxisRecords<D extends DType>(init: TensorInit<D>): void {
  const { axes, shape } = init;
  for (const [axis, index] of Object.entries(init.axisIndex ?? {})) {
    const expected = axisLength(axes, shape, "axisIndex", axis);
    if (index.length !== expected) {
      throw new DataError(
        `tensor axisIndex.${axis}`,
        `has ${index.length} entries, axis '${axis}' has ${expected}`,
      );
    }
  }
  for (const [axis, table] of Object.entries(init.axisMeta ?? {})) {
    const expected = axisLength(axes, shape, "axisMeta", axis);
    if (table.numRows !== expected) {
      throw new DataError(
        `tensor axisMeta.${axis}`,
        `has ${table.numRows} rows, axis '${axis}' has ${expected}`,
      );
    }
  }
}

/** Checks that a mask, if given, is a Uint8Array of 0s and 1s with one flag per element. */
function checkMask(mask: Uint8Array | undefined, size: number): void {
  if (mask === undefined) return;
  if (!(mask instanceof Uint8Array) || mask.length !== size) {
    throw new DataError(
      "tensor mask",
      `must be a Uint8Array of ${size} elements (the tensor's size)`,
    );
  }
  const bad = mask.findIndex((flag) => flag > 1);
  if (bad >= 0)
    throw new DataError("tensor mask", `element ${bad} is ${mask[bad]}; a mask holds 0 or 1`);
}

/**
 * Validates `init` and returns a frozen tensor. Checks unique axis names, the data length
 * against the shape, and every index array, metadata table and mask against its axis.
 *
 * @example
 * ```ts
 * const tensor = createTensor({
 *   data: new Float32Array(2 * 3),
 *   shape: [2, 3],
 *   axes: ["instance", "channel"],
 *   axisIndex: { instance: ["e1", "e2"] },
 * });
 * ```
 */
export function createTensor<D extends DType>(init: TensorInit<D>): AxisAnnotatedTensor<D> {
  const { data, shape, axes } = init;
  checkAxesAndShape(axes, shape);
  const dtype = (init.dtype ?? dtypeOf(data)) as D;
  checkData(data, dtype, shape);
  checkAxisRecords(init);
  checkMask(init.mask, sizeOf(shape));
  const attrs = init.attrs ?? {};
  const nonJson = isPlainObject(attrs) ? findNonJson(attrs, "attrs") : "attrs";
  if (nonJson !== undefined) throw new DataError(`tensor ${nonJson}`, "is not JSON-serializable");
  return Object.freeze({
    data,
    dtype,
    shape: Object.freeze([...shape]),
    axes: Object.freeze([...axes]),
    axisIndex: Object.freeze({ ...init.axisIndex }),
    axisMeta: Object.freeze({ ...init.axisMeta }),
    mask: init.mask,
    attrs: Object.freeze({ ...attrs }),
  });
}

/** The position of `axis` in `axes`; an unknown axis is a {@link NotFoundError} listing the axes. */
export function axisPosition(axes: readonly string[], axis: string): number {
  const i = axes.indexOf(axis);
  if (i < 0) {
    throw new NotFoundError(`axis '${axis}'`, `no axis '${axis}'; axes are ${axes.join(", ")}`, {
      available: axes,
    });
  }
  return i;
}
