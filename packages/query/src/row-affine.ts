/**
 * A view's trailing arithmetic as one affine map per position of an instance: what a
 * decomposition's product kernel applies with its own centering, instead of a pass over every
 * element (see `ReadableView.rowAffine`).
 */

import type { Selector } from "@tt/schema";
import type { Layer, Lineage } from "./delayed-ops.js";

/** The trailing operations folded into `x * scale + shift`, and the lineage below them. */
export interface FoldedArithmetic {
  /** The lineage without the folded operations (same stored positions). */
  readonly lineage: Lineage;
  readonly scale: Float64Array;
  readonly shift: Float64Array;
  /** The selectors of the folded operations. */
  readonly selectors: readonly Selector[];
}

/** Per position of an instance's elements (C order over the axes after the first): its coordinates. */
function coordinates(shape: readonly number[], axis: number): Int32Array {
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a]!;
  let slab = 1;
  for (let a = 1; a < shape.length; a++) slab *= shape[a]!;
  const length = shape[axis]!;
  const out = new Int32Array(slab);
  for (let k = 0; k < slab; k++) out[k] = Math.floor(k / inner) % length;
  return out;
}

/** `index` of the layer below, seen through the positions `index` of the layer above. */
function composeIndex(below: Layer, index: readonly Int32Array[]): readonly Int32Array[] {
  return below.index.map((inner, a) => {
    const outer = index[a]!;
    const out = new Int32Array(outer.length);
    for (let i = 0; i < outer.length; i++) out[i] = inner[outer[i]!]!;
    return out;
  });
}

/**
 * The trailing arithmetic operations of `lineage` (a view of `shape`) that map each position of
 * an instance on its own, composed into one map, or `undefined` when the last operation is not
 * one (or a factor is zero: the data below could not be recovered from the map).
 */
export function foldTrailingArithmetic(
  lineage: Lineage,
  shape: readonly number[],
): FoldedArithmetic | undefined {
  let slab = 1;
  for (let a = 1; a < shape.length; a++) slab *= shape[a]!;
  const scale = new Float64Array(slab).fill(1);
  const shift = new Float64Array(slab);
  const selectors: Selector[] = [];
  let top = lineage.top;
  let index: readonly Int32Array[] | undefined = top?.index;
  while (top !== undefined && top.op.step.kind === "arithmetic" && top.op.step.axis !== 0) {
    const { op, axis, values } = top.op.step;
    const along = axis < 0 ? undefined : coordinates(shape, axis);
    const positions = axis < 0 ? undefined : index![axis]!;
    // y = x_k * scale + shift, and x_k = x * a + b: y = x * (a * scale) + (b * scale + shift).
    for (let k = 0; k < slab; k++) {
      const v = along === undefined ? values[0]! : values[positions![along[k]!]!]!;
      const a = op === "multiply" ? v : op === "divide" ? 1 / v : 1;
      const b = op === "add" ? v : op === "subtract" ? -v : 0;
      shift[k] = b * scale[k]! + shift[k]!;
      scale[k] = a * scale[k]!;
    }
    selectors.push(top.op.selector);
    const below: Layer | undefined = top.op.input.top;
    index = below && composeIndex(below, index!);
    top = below && { op: below.op, index: index! };
  }
  if (selectors.length === 0) return undefined;
  for (let k = 0; k < slab; k++)
    if (scale[k] === 0 || !Number.isFinite(scale[k]!) || !Number.isFinite(shift[k]!))
      return undefined;
  return { lineage: { positions: lineage.positions, top }, scale, shift, selectors };
}
