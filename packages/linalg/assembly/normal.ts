/**
 * `Aᵀ·(A·Y)` over one chunk in a single pass: for each group of 4 rows, `Z = A_g·Y` (f64, as
 * `multiply` computes it) is rounded to the element type and its contribution `A_gᵀ·Z` added to
 * the partial while the rows are still in cache. The result equals `multiplyTrans(A, multiply(A,
 * Y))` bit for bit.
 */
import { affine } from "./columns";
import { fromF64, zeroBytes } from "./common";
import { multiplyRow1, multiplyRows4 } from "./multiply";
import { transRow1, transRows4 } from "./multiply-trans";

/** Rounds `count` f64 values at `src` to the element type at `dst`. */
function narrow<T>(src: usize, dst: usize, count: i32): void {
  const size = <usize>sizeof<T>();
  for (let x = 0; x < count; x++)
    store<T>(dst + <usize>x * size, fromF64<T>(load<f64>(src + ((<usize>x) << 3))));
}

/**
 * Writes Aᵀ·(A·Y) of one chunk (p × lp, element type) to `partial`; `scratch` holds 4 × lp f64
 * and 4 × lp elements. With `shift` (not 0), each group of rows first goes through `affine` with
 * `shift` and `scale` in place, while it is in cache: the chunk ends up as `affine` leaves it and
 * the partial has the bits of `affine` followed by `normalProduct`, without a pass of its own.
 */
export function normalProduct<T>(
  a: usize,
  rows: i32,
  p: i32,
  y: usize,
  lp: i32,
  partial: usize,
  scratch: usize,
  shift: usize,
  scale: usize,
): void {
  const size = <usize>sizeof<T>();
  const rowBytes = <usize>p * size;
  const zRow = (<usize>lp) << 3;
  const z = scratch;
  const zt = scratch + 4 * zRow;
  zeroBytes(partial, <usize>p * lp * size);
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const ai = a + <usize>i * rowBytes;
    if (shift !== 0) affine<T>(ai, 4, p, shift, scale);
    zeroBytes(z, 4 * zRow);
    multiplyRows4<T>(ai, p, y, lp, z);
    narrow<T>(z, zt, 4 * lp);
    transRows4<T>(ai, p, zt, lp, partial);
  }
  for (; i < rows; i++) {
    const ai = a + <usize>i * rowBytes;
    if (shift !== 0) affine<T>(ai, 1, p, shift, scale);
    zeroBytes(z, zRow);
    multiplyRow1<T>(ai, p, y, lp, z);
    narrow<T>(z, zt, lp);
    transRow1<T>(ai, p, zt, lp, partial);
  }
}
