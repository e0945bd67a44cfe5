/** An array held in memory, read by selection a contiguous run at a time. */

import {
  type AxisSelection,
  cOrderStrides,
  type DType,
  type IOOptions,
  resolveSelection,
  type StoredArray,
  sizeOf,
  type TypedArray,
  typedArrayConstructor,
} from "@tt/schema";

/** Whether `indices` are `start, start + 1, ...` (at least one). */
function isRun(indices: Int32Array): boolean {
  for (let i = 1; i < indices.length; i++) if (indices[i] !== indices[0]! + i) return false;
  return indices.length > 0;
}

/**
 * Copies the elements of C-order `data` of `shape` picked by `selection` into `target` (of the
 * same element type) from element `offset` on, in C order of the selected shape; the same
 * elements as the reference `gather`. The trailing axes selected whole, and a run of consecutive
 * positions on the axis before them, are one contiguous stretch of `data`, copied at once.
 */
export function copySelection(
  data: TypedArray,
  shape: readonly number[],
  selection: readonly AxisSelection[],
  target: TypedArray,
  offset: number,
  axes?: readonly string[],
): void {
  const resolved = resolveSelection(shape, selection, axes);
  const outShape = resolved.map((indices) => indices.length);
  if (sizeOf(outShape) === 0) return;
  const strides = cOrderStrides(shape);
  let outer = shape.length;
  let stretch = 1;
  while (
    outer > 0 &&
    resolved[outer - 1]!.length === shape[outer - 1] &&
    isRun(resolved[outer - 1]!)
  ) {
    outer--;
    stretch *= shape[outer]!;
  }
  let first = 0;
  if (outer > 0 && isRun(resolved[outer - 1]!)) {
    outer--;
    first = resolved[outer]![0]! * strides[outer]!;
    stretch *= resolved[outer]!.length;
  }
  const source = data as unknown as { [i: number]: number | bigint } & Float64Array;
  const out = target as unknown as { [i: number]: number | bigint } & Float64Array;
  const position = new Array<number>(outer).fill(0);
  const count = sizeOf(outShape.slice(0, outer));
  let at = offset;
  for (let n = 0; n < count; n++) {
    let base = first;
    for (let axis = 0; axis < outer; axis++)
      base += resolved[axis]![position[axis]!]! * strides[axis]!;
    if (stretch === 1) out[at] = source[base]!;
    else out.set(source.subarray(base, base + stretch), at);
    at += stretch;
    for (let axis = outer - 1; axis >= 0; axis--) {
      position[axis]!++;
      if (position[axis]! < outShape[axis]!) break;
      position[axis] = 0;
    }
  }
}

/** A read-only array over `data` of `shape`: every read copies, so the tensor never leaks. */
export function memoryArray(
  data: TypedArray,
  dtype: DType,
  shape: readonly number[],
  axes: readonly string[],
): StoredArray {
  const resolvedSize = (selection: readonly AxisSelection[]) =>
    sizeOf(resolveSelection(shape, selection, axes).map((indices) => indices.length));
  return {
    metadata: Object.freeze({
      shape,
      dtype,
      dimensionNames: axes,
      // One chunk: the whole array is at hand, so blocks need no alignment.
      chunkShape: Object.freeze(shape.map((n) => Math.max(1, n))),
      codec: "none",
      fillValue: null,
    }),
    async read(selection, options: IOOptions = {}) {
      options.signal?.throwIfAborted();
      const target = new (typedArrayConstructor(dtype))(resolvedSize(selection)) as TypedArray;
      copySelection(data, shape, selection, target, 0, axes);
      return target as never;
    },
    async readInto(selection, target, offset, options: IOOptions = {}) {
      options.signal?.throwIfAborted();
      copySelection(data, shape, selection, target as TypedArray, offset, axes);
    },
  };
}
