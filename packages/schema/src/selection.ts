/** Array selections: per axis all, a range, or a list of indices; and the reference gather. */

import { allocate, dtypeOf, type TypedArray } from "./dtype.js";
import { InvalidSelectionError } from "./errors.js";
import { cOrderStrides, sizeOf } from "./shape.js";

/** A range of positions `start` (inclusive) to `stop` (exclusive). */
export interface Range {
  readonly start: number;
  readonly stop: number;
}

/** What to read along one axis: `null` for all of it, a range, or indices (any order, repeats allowed). */
export type AxisSelection = null | Range | ArrayLike<number>;

/** A selection resolved against a shape: one list of positions per axis. */
export type ResolvedSelection = Int32Array[];

function isRange(selection: AxisSelection): selection is Range {
  return (
    selection !== null && typeof (selection as Range).start === "number" && !("length" in selection)
  );
}

/** The positions `start .. start + count - 1` (a loop: `Int32Array.from` with a map is far slower). */
function consecutive(start: number, count: number): Int32Array {
  const positions = new Int32Array(count);
  for (let i = 0; i < count; i++) positions[i] = start + i;
  return positions;
}

/**
 * Resolves `selection` (one entry per axis; missing trailing entries mean all) against `shape`,
 * checking every bound. `axes` names the axes in error messages.
 */
export function resolveSelection(
  shape: readonly number[],
  selection: readonly AxisSelection[],
  axes: readonly string[] = shape.map((_, i) => `#${i}`),
): ResolvedSelection {
  if (selection.length > shape.length) {
    throw new InvalidSelectionError(
      axes.join(", "),
      `${selection.length} axis selections for an array of ${shape.length} axes`,
    );
  }
  return shape.map((length, axis) => {
    const entry = selection[axis] ?? null;
    const name = axes[axis] ?? `#${axis}`;
    if (entry === null) return consecutive(0, length);
    if (isRange(entry)) {
      const { start, stop } = entry;
      if (
        !Number.isInteger(start) ||
        !Number.isInteger(stop) ||
        start < 0 ||
        stop > length ||
        start > stop
      ) {
        throw new InvalidSelectionError(
          name,
          `range ${start}:${stop} does not fit the axis length ${length}`,
        );
      }
      return consecutive(start, stop - start);
    }
    const indices = new Int32Array(entry.length);
    for (let i = 0; i < entry.length; i++) {
      const index = entry[i]!;
      if (!Number.isInteger(index) || index < 0 || index >= length) {
        throw new InvalidSelectionError(
          name,
          `index ${index} at position ${i} is outside 0..${length - 1}`,
        );
      }
      indices[i] = index;
    }
    return indices;
  });
}

/** The shape of what a resolved selection reads. */
export function selectionShape(resolved: ResolvedSelection): number[] {
  return resolved.map((indices) => indices.length);
}

/**
 * The elements of C-order `data` of `shape` picked by `selection`, in C order of the selected
 * shape. This is the straightforward reference that stores are tested against.
 */
export function gather<A extends TypedArray>(
  data: A,
  shape: readonly number[],
  selection: readonly AxisSelection[],
): A {
  const resolved = resolveSelection(shape, selection);
  const outShape = selectionShape(resolved);
  const out = allocate(dtypeOf(data), sizeOf(outShape)) as A;
  const strides = cOrderStrides(shape);
  const rank = shape.length;
  if (out.length === 0) return out;
  const position = new Array<number>(rank).fill(0);
  const target = out as unknown as { [i: number]: number | bigint };
  const source = data as unknown as { [i: number]: number | bigint };
  for (let flat = 0; flat < out.length; flat++) {
    let offset = 0;
    for (let axis = 0; axis < rank; axis++)
      offset += resolved[axis]![position[axis]!]! * strides[axis]!;
    target[flat] = source[offset]!;
    for (let axis = rank - 1; axis >= 0; axis--) {
      position[axis]!++;
      if (position[axis]! < outShape[axis]!) break;
      position[axis] = 0;
    }
  }
  return out;
}
