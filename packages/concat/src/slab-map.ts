/** Moving one input's slabs into the output's layout: aligned elements, dtype conversion, gaps. */

import { cOrderStrides, type DType, isBigIntDType, sizeOf, type TypedArray } from "@tt/schema";

/** How one input's slabs become output slabs. */
export interface SlabMap {
  /** Elements per input slab. */
  readonly inSlab: number;
  /** Elements per output slab. */
  readonly outSlab: number;
  /** For each element of an output slab, its element in the input slab, or -1 (a gap); `undefined` when the two are the same. */
  readonly map: Int32Array | undefined;
  /** Whether some output element is missing from the input. */
  readonly hasGaps: boolean;
}

/**
 * The map from an input's slab (shape `inShape`) to the output's (shape `outShape`), given for
 * each trailing axis where each output element is in the input (-1 when absent).
 */
export function slabMap(
  inShape: readonly number[],
  outShape: readonly number[],
  positions: readonly Int32Array[],
): SlabMap {
  const inSlab = sizeOf(inShape);
  const outSlab = sizeOf(outShape);
  const inStrides = cOrderStrides(inShape);
  const map = new Int32Array(outSlab);
  const index = new Array<number>(outShape.length).fill(0);
  let identity = inSlab === outSlab;
  let hasGaps = false;
  for (let j = 0; j < outSlab; j++) {
    let at = 0;
    for (let axis = 0; axis < outShape.length && at >= 0; axis++) {
      const position = positions[axis]![index[axis]!]!;
      at = position < 0 ? -1 : at + position * inStrides[axis]!;
    }
    map[j] = at;
    if (at !== j) identity = false;
    if (at < 0) hasGaps = true;
    for (let axis = outShape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < outShape[axis]!) break;
      index[axis] = 0;
    }
  }
  return { inSlab, outSlab, map: identity ? undefined : map, hasGaps };
}

/** Converts one element from the input's dtype to the output's (numbers and bigints differ). */
function converter(from: DType, to: DType): ((value: unknown) => unknown) | undefined {
  const fromBig = isBigIntDType(from);
  const toBig = isBigIntDType(to);
  if (fromBig === toBig) return undefined;
  return toBig ? (value) => BigInt(value as number) : (value) => Number(value as bigint);
}

/**
 * Copies `count` slabs of `source` (dtype `from`) starting at slab `sourceRow` into `target`
 * (dtype `to`) at slab `targetRow`, through `slabs`; gaps get `fill`. With `mask`, writes the
 * output validity too: the input's mask (or 1) where the input has the element, 0 in gaps.
 */
export function copySlabs(
  slabs: SlabMap,
  source: { data: TypedArray; mask: Uint8Array | undefined; dtype: DType; row: number },
  target: { data: TypedArray; mask: Uint8Array | undefined; dtype: DType; row: number },
  count: number,
  fill: number | bigint,
): void {
  const { inSlab, outSlab, map } = slabs;
  const convert = converter(source.dtype, target.dtype);
  const inStart = source.row * inSlab;
  const outStart = target.row * outSlab;
  if (map === undefined && convert === undefined) {
    (target.data as Float64Array).set(
      (source.data as Float64Array).subarray(inStart, inStart + count * inSlab),
      outStart,
    );
    if (target.mask !== undefined) {
      if (source.mask !== undefined)
        target.mask.set(source.mask.subarray(inStart, inStart + count * inSlab), outStart);
      else target.mask.fill(1, outStart, outStart + count * outSlab);
    }
    return;
  }
  const into = target.data as unknown as { [i: number]: unknown };
  const from = source.data as unknown as { [i: number]: unknown };
  const gap = !slabs.hasGaps ? 0 : isBigIntDType(target.dtype) ? BigInt(fill) : Number(fill);
  for (let row = 0; row < count; row++) {
    const i0 = inStart + row * inSlab;
    const o0 = outStart + row * outSlab;
    for (let j = 0; j < outSlab; j++) {
      const at = map === undefined ? j : map[j]!;
      if (at < 0) into[o0 + j] = gap;
      else into[o0 + j] = convert === undefined ? from[i0 + at] : convert(from[i0 + at]);
    }
    if (target.mask !== undefined) {
      for (let j = 0; j < outSlab; j++) {
        const at = map === undefined ? j : map[j]!;
        target.mask[o0 + j] = at < 0 ? 0 : source.mask === undefined ? 1 : source.mask[i0 + at]!;
      }
    }
  }
}
