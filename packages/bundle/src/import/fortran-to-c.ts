/** Reordering an N-d array from Fortran (column-major) to C (row-major) layout. */

/** A typed array of unsigned words, the unit {@link fortranToC} copies. */
export type WordArray = Uint8Array | Uint16Array | Uint32Array;

// Square tiles keep both the reads (contiguous along axis 0) and the writes (contiguous along the
// last axis) in cache; 32 x 32 elements of up to 8 bytes is 8 KiB, well inside L1.
const TILE = 32;

/**
 * Copies `source`, an array of `shape` in Fortran order, into `target` in C order. Each element
 * is `wordsPerElement` consecutive words (2 for 8-byte types viewed as 32-bit words).
 */
export function fortranToC(
  source: WordArray,
  target: WordArray,
  shape: readonly number[],
  wordsPerElement: number,
): void {
  const rank = shape.length;
  let length = 1;
  for (const dim of shape) length *= dim;
  if (length === 0) return;
  if (rank < 2) {
    target.set(source);
    return;
  }
  // Element (i0, ..., i{r-1}) is at sum(i_j * fortranStride_j) in the source and at
  // sum(i_j * cStride_j) in the target. Axis 0 is contiguous in the source and the last axis in
  // the target, so those two form the tiled 2-d transpose; the axes between are walked outside it.
  const fortranStrides = new Array<number>(rank);
  const cStrides = new Array<number>(rank);
  for (let j = 0, f = 1; j < rank; j++) {
    fortranStrides[j] = f;
    f *= shape[j]!;
  }
  for (let j = rank - 1, c = 1; j >= 0; j--) {
    cStrides[j] = c;
    c *= shape[j]!;
  }
  const rows = shape[0]!;
  const cols = shape[rank - 1]!;
  const plane = {
    rows,
    cols,
    sourceColStride: fortranStrides[rank - 1]!,
    targetRowStride: cStrides[0]!,
  };
  const middle = new Array<number>(rank).fill(0);
  let sourceBase = 0;
  let targetBase = 0;
  for (;;) {
    if (wordsPerElement === 1) transposePlane(source, target, sourceBase, targetBase, plane);
    else transposePlanePairs(source, target, sourceBase, targetBase, plane);
    // Advance the middle axes like an odometer, axis 1 fastest (it is next-contiguous in the source).
    let axis = 1;
    while (axis < rank - 1) {
      middle[axis]!++;
      sourceBase += fortranStrides[axis]!;
      targetBase += cStrides[axis]!;
      if (middle[axis]! < shape[axis]!) break;
      sourceBase -= fortranStrides[axis]! * shape[axis]!;
      targetBase -= cStrides[axis]! * shape[axis]!;
      middle[axis] = 0;
      axis++;
    }
    if (axis >= rank - 1) return;
  }
}

interface Plane {
  rows: number;
  cols: number;
  sourceColStride: number;
  targetRowStride: number;
}

function transposePlane(
  source: WordArray,
  target: WordArray,
  sourceBase: number,
  targetBase: number,
  { rows, cols, sourceColStride, targetRowStride }: Plane,
): void {
  for (let row0 = 0; row0 < rows; row0 += TILE) {
    const rowEnd = Math.min(row0 + TILE, rows);
    for (let col0 = 0; col0 < cols; col0 += TILE) {
      const colEnd = Math.min(col0 + TILE, cols);
      for (let col = col0; col < colEnd; col++) {
        const from = sourceBase + col * sourceColStride;
        const to = targetBase + col;
        for (let row = row0; row < rowEnd; row++) {
          target[to + row * targetRowStride] = source[from + row]!;
        }
      }
    }
  }
}

/** {@link transposePlane} for elements of two words, with every index doubled. */
function transposePlanePairs(
  source: WordArray,
  target: WordArray,
  sourceBase: number,
  targetBase: number,
  { rows, cols, sourceColStride, targetRowStride }: Plane,
): void {
  for (let row0 = 0; row0 < rows; row0 += TILE) {
    const rowEnd = Math.min(row0 + TILE, rows);
    for (let col0 = 0; col0 < cols; col0 += TILE) {
      const colEnd = Math.min(col0 + TILE, cols);
      for (let col = col0; col < colEnd; col++) {
        const from = 2 * (sourceBase + col * sourceColStride);
        const to = 2 * (targetBase + col);
        for (let row = row0; row < rowEnd; row++) {
          const s = from + 2 * row;
          const t = to + 2 * row * targetRowStride;
          target[t] = source[s]!;
          target[t + 1] = source[s + 1]!;
        }
      }
    }
  }
}
