/** Positions of selected elements along one axis, and turning them into store selections. */

import { type AxisSelection, InvalidSelectionError } from "@tt/schema";

/** The positions `0..length-1`. */
export function allPositions(length: number): Int32Array {
  return Int32Array.from({ length }, (_, i) => i);
}

/** `positions` picked at `indices` (relative to the positions), checked against their count. */
export function pick(positions: Int32Array, indices: ArrayLike<number>, axis: string): Int32Array {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= positions.length) {
      throw new InvalidSelectionError(
        axis,
        `index ${index} at position ${i} is outside 0..${positions.length - 1} (the view has ${positions.length} elements)`,
      );
    }
    out[i] = positions[index]!;
  }
  return out;
}

/** A range when `positions` are consecutive and ascending, else the positions themselves. */
export function asSelection(positions: Int32Array): AxisSelection {
  const first = positions[0];
  if (first === undefined) return { start: 0, stop: 0 };
  for (let i = 1; i < positions.length; i++) if (positions[i] !== first + i) return positions;
  return { start: first, stop: first + positions.length };
}
