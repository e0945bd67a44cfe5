/**
 * Column-wise kernels in f64 arithmetic: the affine map used to center and scale, the moments used
 * to find means, variances and missing values, and the f64 sums of chunk partials. None of them
 * fuses a multiply with an add, so every build gives the same bits.
 */
import { zeroBytes } from "./common";

/** Four f32 at `ptr` as two f64x2 (first = lanes 0-1, second = lanes 2-3). */
function promoteLow(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

/** Rows × p elements at `a`: `a[i, j] = (a[i, j] - shift[j]) * scale[j]`, in f64, stored as T. */
export function affine<T>(a: usize, rows: i32, p: i32, shift: usize, scale: usize): void {
  const size = <usize>sizeof<T>();
  const lanes = 16 / <i32>size;
  for (let i = 0; i < rows; i++) {
    const row = a + <usize>i * p * size;
    let j = 0;
    for (; j + lanes <= p; j += lanes) {
      const at = row + <usize>j * size;
      const s = shift + ((<usize>j) << 3);
      const c = scale + ((<usize>j) << 3);
      if (sizeof<T>() === 4) {
        const v = v128.load(at);
        const lo = f64x2.mul(f64x2.sub(promoteLow(v), v128.load(s)), v128.load(c));
        const hi = f64x2.mul(f64x2.sub(promoteHigh(v), v128.load(s, 16)), v128.load(c, 16));
        const out = v128.shuffle<f32>(
          f32x4.demote_f64x2_zero(lo),
          f32x4.demote_f64x2_zero(hi),
          0,
          1,
          4,
          5,
        );
        v128.store(at, out);
      } else {
        v128.store(at, f64x2.mul(f64x2.sub(v128.load(at), v128.load(s)), v128.load(c)));
      }
    }
    for (; j < p; j++) {
      const at = row + <usize>j * size;
      const x = <f64>load<T>(at);
      store<T>(
        at,
        <T>((x - load<f64>(shift + ((<usize>j) << 3))) * load<f64>(scale + ((<usize>j) << 3))),
      );
    }
  }
}

/** Adds row `x` (f64 lanes of columns j, j+1) of the column sums, column squares and row squares. */
function columnStep(sums: usize, squares: usize, x: v128, s: v128): void {
  const d = f64x2.sub(x, s);
  v128.store(sums, f64x2.add(v128.load(sums), d));
  v128.store(squares, f64x2.add(v128.load(squares), f64x2.mul(d, d)));
}

/**
 * For rows × p elements at `a`: adds `a[i, j] - shift[j]` and its square to `sums[j]` and
 * `squares[j]` (f64, pp each, zeroed here), and writes the sum of `a[i, j]²` over j to `rowOut[i]`.
 * Rows are taken in pairs so that the row sums use the two f64 lanes, each lane summing its row
 * sequentially over j.
 */
export function moments<T>(
  a: usize,
  rows: i32,
  p: i32,
  shift: usize,
  pp: i32,
  sums: usize,
  rowOut: usize,
): void {
  const size = <usize>sizeof<T>();
  const lanes = 16 / <i32>size;
  const squares = sums + ((<usize>pp) << 3);
  zeroBytes(sums, (<usize>pp) << 4);
  let i = 0;
  for (; i + 2 <= rows; i += 2) {
    const row0 = a + <usize>i * p * size;
    const row1 = row0 + <usize>p * size;
    let r = f64x2.splat(0);
    let j = 0;
    for (; j + lanes <= p; j += lanes) {
      const v0 = v128.load(row0 + <usize>j * size);
      const v1 = v128.load(row1 + <usize>j * size);
      const at = (<usize>j) << 3;
      const lo0 = sizeof<T>() === 4 ? promoteLow(v0) : v0;
      const lo1 = sizeof<T>() === 4 ? promoteLow(v1) : v1;
      const s = v128.load(shift + at);
      columnStep(sums + at, squares + at, lo0, s);
      columnStep(sums + at, squares + at, lo1, s);
      let pair = v128.shuffle<f64>(lo0, lo1, 0, 2);
      r = f64x2.add(r, f64x2.mul(pair, pair));
      pair = v128.shuffle<f64>(lo0, lo1, 1, 3);
      r = f64x2.add(r, f64x2.mul(pair, pair));
      if (sizeof<T>() === 4) {
        const hi0 = promoteHigh(v0);
        const hi1 = promoteHigh(v1);
        const s2 = v128.load(shift + at, 16);
        columnStep(sums + at + 16, squares + at + 16, hi0, s2);
        columnStep(sums + at + 16, squares + at + 16, hi1, s2);
        pair = v128.shuffle<f64>(hi0, hi1, 0, 2);
        r = f64x2.add(r, f64x2.mul(pair, pair));
        pair = v128.shuffle<f64>(hi0, hi1, 1, 3);
        r = f64x2.add(r, f64x2.mul(pair, pair));
      }
    }
    let r0 = f64x2.extract_lane(r, 0);
    let r1 = f64x2.extract_lane(r, 1);
    for (; j < p; j++) {
      const x0 = <f64>load<T>(row0 + <usize>j * size);
      const x1 = <f64>load<T>(row1 + <usize>j * size);
      const at = (<usize>j) << 3;
      const s = load<f64>(shift + at);
      const d0 = x0 - s;
      const d1 = x1 - s;
      store<f64>(sums + at, load<f64>(sums + at) + d0 + d1);
      store<f64>(squares + at, load<f64>(squares + at) + d0 * d0 + d1 * d1);
      r0 += x0 * x0;
      r1 += x1 * x1;
    }
    store<f64>(rowOut + ((<usize>i) << 3), r0);
    store<f64>(rowOut + ((<usize>i) << 3) + 8, r1);
  }
  if (i < rows) {
    const row = a + <usize>i * p * size;
    let r0: f64 = 0;
    for (let j = 0; j < p; j++) {
      const x = <f64>load<T>(row + <usize>j * size);
      const at = (<usize>j) << 3;
      const d = x - load<f64>(shift + at);
      store<f64>(sums + at, load<f64>(sums + at) + d);
      store<f64>(squares + at, load<f64>(squares + at) + d * d);
      r0 += x * x;
    }
    store<f64>(rowOut + ((<usize>i) << 3), r0);
  }
}

/** `total[x] += partial[x]` in f64 for `count` elements of the element type at `partial`. */
export function sumInto<T>(total: usize, partial: usize, count: i32): void {
  const size = <usize>sizeof<T>();
  let x = 0;
  for (; x + 4 <= count; x += 4) {
    const at = total + ((<usize>x) << 3);
    const from = partial + <usize>x * size;
    if (sizeof<T>() === 4) {
      const v = v128.load(from);
      v128.store(at, f64x2.add(v128.load(at), promoteLow(v)));
      v128.store(at, f64x2.add(v128.load(at, 16), promoteHigh(v)), 16);
    } else {
      v128.store(at, f64x2.add(v128.load(at), v128.load(from)));
      v128.store(at, f64x2.add(v128.load(at, 16), v128.load(from, 16)), 16);
    }
  }
  for (; x < count; x++) {
    const at = total + ((<usize>x) << 3);
    store<f64>(at, load<f64>(at) + <f64>load<T>(partial + <usize>x * size));
  }
}
