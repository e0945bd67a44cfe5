/**
 * Reading a view through its delayed operations: the stored data of the selected elements lands
 * in the caller's buffer (straight from storage where the store can and no conversion is needed),
 * then each operation transforms it in place, oldest first. An operation that needs values the
 * block does not hold (a mean over positions outside it) reads them separately, through the
 * operations before it.
 */

import {
  type IOOptions,
  type StoredDataset,
  sizeOf,
  type TypedArray,
  typedArrayConstructor,
} from "@tt/schema";
import { applyArithmetic, applyUnary, type Floats, subtractMeans } from "./apply-ops.js";
import type { DelayedOp, Lineage, Positions } from "./delayed-ops.js";
import { asSelection } from "./positions.js";

/** Where a read lands: `data` from element `offset` on, C order. */
export interface Destination {
  readonly data: TypedArray;
  readonly offset: number;
}

/** `index[selection[i]]` for every `i` (the selection is known to be in range). */
function through(index: Int32Array, selection: Int32Array): Int32Array {
  const out = new Int32Array(selection.length);
  for (let i = 0; i < selection.length; i++) out[i] = index[selection[i]!]!;
  return out;
}

/** Whether `selection` is `0, 1, ..., length - 1`. */
function isIdentity(selection: Int32Array, length: number): boolean {
  if (selection.length !== length) return false;
  for (let i = 0; i < length; i++) if (selection[i] !== i) return false;
  return true;
}

/**
 * Where each position of `window` is in `selection` (positions of an axis of `length`), or
 * `undefined` when one is missing.
 */
function positionsWithin(
  selection: Int32Array,
  window: Int32Array,
  length: number,
): Int32Array | undefined {
  if (isIdentity(selection, length)) return window;
  const inverse = new Int32Array(length).fill(-1);
  for (let j = selection.length - 1; j >= 0; j--) inverse[selection[j]!] = j;
  const columns = new Int32Array(window.length);
  for (let k = 0; k < window.length; k++) {
    const at = inverse[window[k]!]!;
    if (at < 0) return undefined;
    columns[k] = at;
  }
  return columns;
}

/** Copies `source` into `target` from `offset` on, as numbers (int64 and uint64 too). */
function copyConverted(source: TypedArray, target: TypedArray, offset: number): void {
  if (source instanceof BigInt64Array || source instanceof BigUint64Array) {
    const out = target as Float64Array;
    for (let i = 0; i < source.length; i++) out[offset + i] = Number(source[i]!);
  } else (target as Float64Array).set(source as Float64Array, offset);
}

/** Whether `target` holds elements of `dtype` exactly (so the store may write into it). */
function holds(target: TypedArray, dtype: StoredDataset["dtype"]): boolean {
  return dtype !== "bool" && target instanceof typedArrayConstructor(dtype);
}

/** Reads stored elements at `positions` picked by `selection` into `destination`. */
async function readStored(
  stored: StoredDataset,
  positions: Positions,
  selection: Positions,
  destination: Destination,
  options: IOOptions,
): Promise<void> {
  const picked = selection.map((s, a) => asSelection(through(positions[a]!, s)));
  const { data, offset } = destination;
  if (stored.readInto !== undefined && holds(data, stored.dtype))
    return stored.readInto(picked, data, offset, options);
  copyConverted(await stored.read(picked, options), data, offset);
}

/**
 * Reads the elements `selection` (per axis, positions in the view) of the view whose data comes
 * about by `lineage` into `destination`, every delayed operation applied.
 */
export async function readLineage(
  stored: StoredDataset,
  lineage: Lineage,
  selection: Positions,
  destination: Destination,
  options: IOOptions,
): Promise<void> {
  const { top } = lineage;
  if (top === undefined)
    return readStored(stored, lineage.positions, selection, destination, options);
  const inInput = selection.map((s, a) => through(top.index[a]!, s));
  await readLineage(stored, top.op.input, inInput, destination, options);
  await applyOperation(stored, top.op, inInput, destination, options);
}

/** Applies `op` in place to `destination`, which holds its input at `selection`. */
async function applyOperation(
  stored: StoredDataset,
  op: DelayedOp,
  selection: Positions,
  destination: Destination,
  options: IOOptions,
): Promise<void> {
  const shape = selection.map((s) => s.length);
  const { offset } = destination;
  const data = (destination.data as Floats).subarray(offset, offset + sizeOf(shape));
  const { step } = op;
  if (step.kind === "arithmetic")
    return applyArithmetic(data, shape, step.op, step.axis, step.values, selection[step.axis]);
  if (step.kind === "unary") return applyUnary(data, step.op);
  const { axis, window } = step;
  const columns = positionsWithin(selection[axis]!, window, op.shape[axis]!);
  if (columns !== undefined) return subtractMeans(data, shape, axis, data, shape[axis]!, columns);
  // The block does not hold the whole window: read it, through the operations before this one.
  const windowSelection = selection.map((s, a) => (a === axis ? window : s));
  const values = new (typedArrayConstructor(op.dtype))(
    sizeOf(windowSelection.map((s) => s.length)),
  );
  await readLineage(stored, op.input, windowSelection, { data: values, offset: 0 }, options);
  subtractMeans(
    data,
    shape,
    axis,
    values,
    window.length,
    window.map((_, k) => k),
  );
}
