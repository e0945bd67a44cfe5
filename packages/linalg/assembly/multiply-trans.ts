/**
 * `Aᵀ·T` over one chunk of rows: A (rows × p) and T (rows × lp, lp a multiple of the lane count)
 * into a partial (p × lp) of the element type. Four rows of T stay in registers while the kernel
 * walks the columns of A, so each partial element is a sequential sum over the rows, in order.
 */
import { madd, splatLoad, zeroBytes } from "./common";

/** Adds the contributions of 4 rows (A at `a`, T at `t`, row stride `lp`) to the partial. */
export function transRows4<T>(a: usize, p: i32, t: usize, lp: i32, partial: usize): void {
  const size = <i32>sizeof<T>();
  const lanes = 16 / size;
  const rowBytes = <usize>p * size;
  const tRow = <usize>lp * size;
  let j = 0;
  for (; j + 2 * lanes <= lp; j += 2 * lanes) {
    const pt = t + <usize>j * size;
    const t00 = v128.load(pt);
    const t01 = v128.load(pt, 16);
    const t10 = v128.load(pt + tRow);
    const t11 = v128.load(pt + tRow, 16);
    const t20 = v128.load(pt + 2 * tRow);
    const t21 = v128.load(pt + 2 * tRow, 16);
    const t30 = v128.load(pt + 3 * tRow);
    const t31 = v128.load(pt + 3 * tRow, 16);
    let pa = a;
    let pc = partial + <usize>j * size;
    for (let k = 0; k < p; k++) {
      let c0 = v128.load(pc);
      let c1 = v128.load(pc, 16);
      let x = splatLoad<T>(pa);
      c0 = madd<T>(x, t00, c0);
      c1 = madd<T>(x, t01, c1);
      x = splatLoad<T>(pa + rowBytes);
      c0 = madd<T>(x, t10, c0);
      c1 = madd<T>(x, t11, c1);
      x = splatLoad<T>(pa + 2 * rowBytes);
      c0 = madd<T>(x, t20, c0);
      c1 = madd<T>(x, t21, c1);
      x = splatLoad<T>(pa + 3 * rowBytes);
      c0 = madd<T>(x, t30, c0);
      c1 = madd<T>(x, t31, c1);
      v128.store(pc, c0);
      v128.store(pc, c1, 16);
      pa += size;
      pc += tRow;
    }
  }
  if (j < lp) {
    const pt = t + <usize>j * size;
    const t0 = v128.load(pt);
    const t1 = v128.load(pt + tRow);
    const t2 = v128.load(pt + 2 * tRow);
    const t3 = v128.load(pt + 3 * tRow);
    let pa = a;
    let pc = partial + <usize>j * size;
    for (let k = 0; k < p; k++) {
      let c0 = v128.load(pc);
      c0 = madd<T>(splatLoad<T>(pa), t0, c0);
      c0 = madd<T>(splatLoad<T>(pa + rowBytes), t1, c0);
      c0 = madd<T>(splatLoad<T>(pa + 2 * rowBytes), t2, c0);
      c0 = madd<T>(splatLoad<T>(pa + 3 * rowBytes), t3, c0);
      v128.store(pc, c0);
      pa += size;
      pc += tRow;
    }
  }
}

/** Adds the contribution of 1 row (A at `a`, T at `t`) to the partial. */
export function transRow1<T>(a: usize, p: i32, t: usize, lp: i32, partial: usize): void {
  const size = <i32>sizeof<T>();
  const lanes = 16 / size;
  const tRow = <usize>lp * size;
  let j = 0;
  for (; j + 2 * lanes <= lp; j += 2 * lanes) {
    const t0 = v128.load(t + <usize>j * size);
    const t1 = v128.load(t + <usize>j * size, 16);
    let pa = a;
    let pc = partial + <usize>j * size;
    for (let k = 0; k < p; k++) {
      const x = splatLoad<T>(pa);
      v128.store(pc, madd<T>(x, t0, v128.load(pc)));
      v128.store(pc, madd<T>(x, t1, v128.load(pc, 16)), 16);
      pa += size;
      pc += tRow;
    }
  }
  if (j < lp) {
    const t0 = v128.load(t + <usize>j * size);
    let pa = a;
    let pc = partial + <usize>j * size;
    for (let k = 0; k < p; k++) {
      v128.store(pc, madd<T>(splatLoad<T>(pa), t0, v128.load(pc)));
      pa += size;
      pc += tRow;
    }
  }
}

/** Writes Aᵀ·T of one chunk (p × lp, element type) to `partial`. */
export function multiplyTrans<T>(
  a: usize,
  rows: i32,
  p: i32,
  t: usize,
  lp: i32,
  partial: usize,
): void {
  const size = <usize>sizeof<T>();
  const rowBytes = <usize>p * size;
  const tRow = <usize>lp * size;
  zeroBytes(partial, <usize>p * tRow);
  let i = 0;
  for (; i + 4 <= rows; i += 4)
    transRows4<T>(a + <usize>i * rowBytes, p, t + <usize>i * tRow, lp, partial);
  for (; i < rows; i++) transRow1<T>(a + <usize>i * rowBytes, p, t + <usize>i * tRow, lp, partial);
}
