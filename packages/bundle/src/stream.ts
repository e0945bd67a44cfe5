/** Tensors as streams of blocks along the first axis: how bundles are written and appended. */

import {
  type AnyColumn,
  type AxisAnnotatedTensor,
  type AxisIndex,
  columnFromCells,
  columnFromValues,
  DataError,
  type DType,
  type JsonObject,
  type MetaTable,
  sizeOf,
  type TypedArray,
} from "@tt/schema";

/** One block of slabs along the first axis, with the metadata rows of those slabs. */
export interface StreamBlock {
  /** The block's elements in C order: a whole number of slabs. */
  data: TypedArray;
  /** Metadata rows of the block's elements of the first axis. */
  meta?: MetaTable;
  /** Ids of the block's elements of the first axis (alternative to an id column in `meta`). */
  ids?: AxisIndex;
  /** Validity of the block's elements (1 = valid), when the stream has a mask. */
  mask?: Uint8Array;
}

/** A tensor that arrives block by block along its first axis; nothing needs it whole. */
export interface TensorStream {
  /** Axis names. */
  axes: readonly string[];
  /** Element type. */
  dtype: DType;
  /** The full shape; `shape[0]` is the total number of slabs the blocks will bring. */
  shape: readonly number[];
  /**
   * Metadata tables of the other axes; also of the first axis when it is given whole here (one
   * table of `shape[0]` rows) instead of block by block, and then no block carries `meta` or `ids`.
   */
  axisMeta?: Readonly<Record<string, MetaTable>>;
  /** Ids of the other axes. */
  axisIndex?: Readonly<Record<string, AxisIndex>>;
  /** Global attributes. */
  attrs?: JsonObject;
  /** Whether blocks carry a validity mask. */
  withMask?: boolean;
  /** The blocks, in order. */
  blocks: AsyncIterable<StreamBlock> | Iterable<StreamBlock>;
}

/** Whether `source` is a stream rather than a whole tensor. */
export function isTensorStream(source: AxisAnnotatedTensor | TensorStream): source is TensorStream {
  return "blocks" in source;
}

/** `tensor` as a stream of blocks of `rows` slabs. */
export function streamFromTensor(tensor: AxisAnnotatedTensor, rows: number): TensorStream {
  const [first, ...rest] = tensor.axes;
  const slab = sizeOf(tensor.shape.slice(1));
  const total = tensor.shape[0]!;
  const meta = tensor.axisMeta[first!];
  const ids = tensor.axisIndex[first!];
  const axisMeta = Object.fromEntries(
    rest.filter((a) => tensor.axisMeta[a]).map((a) => [a, tensor.axisMeta[a]!]),
  );
  const axisIndex = Object.fromEntries(
    rest.filter((a) => tensor.axisIndex[a]).map((a) => [a, tensor.axisIndex[a]!]),
  );
  const block = (start: number, stop: number): StreamBlock => ({
    data: tensor.data.subarray(start * slab, stop * slab) as TypedArray,
    meta: meta?.slice(start, stop),
    ids: ids?.slice(start, stop) as AxisIndex | undefined,
    mask: tensor.mask?.subarray(start * slab, stop * slab),
  });
  function* blocks(): Generator<StreamBlock> {
    // An empty tensor still sends one empty block, so that its metadata columns are written.
    if (total === 0) yield block(0, 0);
    for (let start = 0; start < total; start += Math.max(1, rows)) {
      yield block(start, Math.min(total, start + Math.max(1, rows)));
    }
  }
  return {
    axes: tensor.axes,
    dtype: tensor.dtype,
    shape: tensor.shape,
    axisMeta,
    axisIndex,
    attrs: { ...tensor.attrs },
    withMask: tensor.mask !== undefined,
    blocks: blocks(),
  };
}

/** An id array as a metadata column: strings stay strings, integers become int32 or int64. */
export function columnFromIndex(index: AxisIndex, where: string): AnyColumn {
  if (index instanceof BigInt64Array) return columnFromValues("int64", index);
  if (index instanceof Int32Array) return columnFromValues("int32", index);
  const values = Array.from(index as ArrayLike<string | number | bigint>);
  if (values.every((v) => typeof v === "string")) return columnFromCells("string", values);
  if (values.every((v) => typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 2 ** 31)) {
    return columnFromCells("int32", values);
  }
  if (
    values.every((v) => typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v)))
  ) {
    return columnFromCells("int64", values);
  }
  if (index instanceof Float64Array) return columnFromValues("float64", index);
  if (values.every((v) => typeof v === "number"))
    return columnFromCells("float64", values as number[]);
  throw new DataError(
    where,
    "ids must be all strings, all integers or (after the first axis) all numbers",
  );
}
