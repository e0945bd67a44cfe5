/**
 * `AᵀA` over one chunk: the upper triangle (and a few entries below the diagonal) of a p × pp
 * partial of the element type, pp = p rounded up to the lane count. Rows are taken in sub-blocks
 * that stay in cache; a register tile of 4 partial rows × 2 vectors is loaded, updated by every
 * row of the sub-block in order, and stored, so each element is a sequential sum over the rows.
 * Tiles that reach past column p read up to one vector beyond a row (the allocator leaves slack);
 * those padding columns are never read back.
 */
import { madd, splatLoad, zeroBytes } from "./common";

/** Rows per sub-block: 32 rows of a few thousand columns stay in L2. */
const SUB_ROWS: i32 = 32;

/** Adds rows [i0, i1) to partial rows k..k+3, columns from the vector holding k to pp. */
function gramRows4<T>(a: usize, i0: i32, i1: i32, p: i32, pp: i32, k: i32, partial: usize): void {
  const size = <i32>sizeof<T>();
  const lanes = 16 / size;
  const rowBytes = <usize>p * size;
  const gRow = <usize>pp * size;
  const first = a + <usize>i0 * rowBytes;
  let j = k - (k % lanes);
  for (; j + 2 * lanes <= pp; j += 2 * lanes) {
    const pc = partial + <usize>k * gRow + <usize>j * size;
    let c00 = v128.load(pc);
    let c01 = v128.load(pc, 16);
    let c10 = v128.load(pc + gRow);
    let c11 = v128.load(pc + gRow, 16);
    let c20 = v128.load(pc + 2 * gRow);
    let c21 = v128.load(pc + 2 * gRow, 16);
    let c30 = v128.load(pc + 3 * gRow);
    let c31 = v128.load(pc + 3 * gRow, 16);
    let pk = first + <usize>k * size;
    let pj = first + <usize>j * size;
    for (let i = i0; i < i1; i++) {
      const b0 = v128.load(pj);
      const b1 = v128.load(pj, 16);
      let x = splatLoad<T>(pk);
      c00 = madd<T>(x, b0, c00);
      c01 = madd<T>(x, b1, c01);
      x = splatLoad<T>(pk + size);
      c10 = madd<T>(x, b0, c10);
      c11 = madd<T>(x, b1, c11);
      x = splatLoad<T>(pk + 2 * size);
      c20 = madd<T>(x, b0, c20);
      c21 = madd<T>(x, b1, c21);
      x = splatLoad<T>(pk + 3 * size);
      c30 = madd<T>(x, b0, c30);
      c31 = madd<T>(x, b1, c31);
      pk += rowBytes;
      pj += rowBytes;
    }
    v128.store(pc, c00);
    v128.store(pc, c01, 16);
    v128.store(pc + gRow, c10);
    v128.store(pc + gRow, c11, 16);
    v128.store(pc + 2 * gRow, c20);
    v128.store(pc + 2 * gRow, c21, 16);
    v128.store(pc + 3 * gRow, c30);
    v128.store(pc + 3 * gRow, c31, 16);
  }
  if (j < pp) {
    const pc = partial + <usize>k * gRow + <usize>j * size;
    let c0 = v128.load(pc);
    let c1 = v128.load(pc + gRow);
    let c2 = v128.load(pc + 2 * gRow);
    let c3 = v128.load(pc + 3 * gRow);
    let pk = first + <usize>k * size;
    let pj = first + <usize>j * size;
    for (let i = i0; i < i1; i++) {
      const b0 = v128.load(pj);
      c0 = madd<T>(splatLoad<T>(pk), b0, c0);
      c1 = madd<T>(splatLoad<T>(pk + size), b0, c1);
      c2 = madd<T>(splatLoad<T>(pk + 2 * size), b0, c2);
      c3 = madd<T>(splatLoad<T>(pk + 3 * size), b0, c3);
      pk += rowBytes;
      pj += rowBytes;
    }
    v128.store(pc, c0);
    v128.store(pc + gRow, c1);
    v128.store(pc + 2 * gRow, c2);
    v128.store(pc + 3 * gRow, c3);
  }
}

/** Adds rows [i0, i1) to partial row k, columns from the vector holding k to pp. */
function gramRow1<T>(a: usize, i0: i32, i1: i32, p: i32, pp: i32, k: i32, partial: usize): void {
  const size = <i32>sizeof<T>();
  const lanes = 16 / size;
  const rowBytes = <usize>p * size;
  const first = a + <usize>i0 * rowBytes;
  for (let j = k - (k % lanes); j < pp; j += lanes) {
    const pc = partial + (<usize>k * pp + j) * size;
    let c0 = v128.load(pc);
    let pk = first + <usize>k * size;
    let pj = first + <usize>j * size;
    for (let i = i0; i < i1; i++) {
      c0 = madd<T>(splatLoad<T>(pk), v128.load(pj), c0);
      pk += rowBytes;
      pj += rowBytes;
    }
    v128.store(pc, c0);
  }
}

/** Writes AᵀA of one chunk (p × pp, element type, upper triangle meaningful) to `partial`. */
export function gram<T>(a: usize, rows: i32, p: i32, pp: i32, partial: usize): void {
  zeroBytes(partial, <usize>p * pp * sizeof<T>());
  for (let i0 = 0; i0 < rows; i0 += SUB_ROWS) {
    const i1 = min(rows, i0 + SUB_ROWS);
    let k = 0;
    for (; k + 4 <= p; k += 4) gramRows4<T>(a, i0, i1, p, pp, k, partial);
    for (; k < p; k++) gramRow1<T>(a, i0, i1, p, pp, k, partial);
  }
}
