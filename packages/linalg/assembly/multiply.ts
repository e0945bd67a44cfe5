/**
 * `A·B` for row-major A (rows × p) and B (p × lp), lp a multiple of the lane count, into an f64
 * output (rows × lp). Register blocks of 4 rows × 2 vectors accumulate axpy-style, so every output
 * element is a sequential sum over k. f32 sums run in f32 within blocks of DEPTH_F32 terms that
 * are then added in f64; f64 sums run over all of p.
 */
import { addToF64, DEPTH_F32, madd, splatLoad, zeroBytes } from "./common";

function depthOf<T>(p: i32): i32 {
  return sizeof<T>() === 4 ? DEPTH_F32 : p;
}

/** Adds A(4 rows at `a`) · B to 4 output rows at `out`, which hold zero or earlier blocks. */
export function multiplyRows4<T>(a: usize, p: i32, b: usize, lp: i32, out: usize): void {
  const size = <i32>sizeof<T>();
  const lanes = 16 / size;
  const rowBytes = <usize>p * size;
  const bRow = <usize>lp * size;
  const outRow = (<usize>lp) << 3;
  const depth = depthOf<T>(p);
  for (let k0 = 0; k0 < p; k0 += depth) {
    const k1 = min(p, k0 + depth);
    let j = 0;
    for (; j + 2 * lanes <= lp; j += 2 * lanes) {
      let c00 = v128.splat<T>(0);
      let c01 = c00;
      let c10 = c00;
      let c11 = c00;
      let c20 = c00;
      let c21 = c00;
      let c30 = c00;
      let c31 = c00;
      let pa = a + <usize>k0 * size;
      let pb = b + <usize>k0 * bRow + <usize>j * size;
      for (let k = k0; k < k1; k++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let x = splatLoad<T>(pa);
        c00 = madd<T>(x, b0, c00);
        c01 = madd<T>(x, b1, c01);
        x = splatLoad<T>(pa + rowBytes);
        c10 = madd<T>(x, b0, c10);
        c11 = madd<T>(x, b1, c11);
        x = splatLoad<T>(pa + 2 * rowBytes);
        c20 = madd<T>(x, b0, c20);
        c21 = madd<T>(x, b1, c21);
        x = splatLoad<T>(pa + 3 * rowBytes);
        c30 = madd<T>(x, b0, c30);
        c31 = madd<T>(x, b1, c31);
        pa += size;
        pb += bRow;
      }
      const o = out + ((<usize>j) << 3);
      const half = (<usize>lanes) << 3;
      addToF64<T>(o, c00);
      addToF64<T>(o + half, c01);
      addToF64<T>(o + outRow, c10);
      addToF64<T>(o + outRow + half, c11);
      addToF64<T>(o + 2 * outRow, c20);
      addToF64<T>(o + 2 * outRow + half, c21);
      addToF64<T>(o + 3 * outRow, c30);
      addToF64<T>(o + 3 * outRow + half, c31);
    }
    if (j < lp) {
      let c0 = v128.splat<T>(0);
      let c1 = c0;
      let c2 = c0;
      let c3 = c0;
      let pa = a + <usize>k0 * size;
      let pb = b + <usize>k0 * bRow + <usize>j * size;
      for (let k = k0; k < k1; k++) {
        const b0 = v128.load(pb);
        c0 = madd<T>(splatLoad<T>(pa), b0, c0);
        c1 = madd<T>(splatLoad<T>(pa + rowBytes), b0, c1);
        c2 = madd<T>(splatLoad<T>(pa + 2 * rowBytes), b0, c2);
        c3 = madd<T>(splatLoad<T>(pa + 3 * rowBytes), b0, c3);
        pa += size;
        pb += bRow;
      }
      const o = out + ((<usize>j) << 3);
      addToF64<T>(o, c0);
      addToF64<T>(o + outRow, c1);
      addToF64<T>(o + 2 * outRow, c2);
      addToF64<T>(o + 3 * outRow, c3);
    }
  }
}

/** Adds A(1 row at `a`) · B to the output row at `out`. */
export function multiplyRow1<T>(a: usize, p: i32, b: usize, lp: i32, out: usize): void {
  const size = <i32>sizeof<T>();
  const lanes = 16 / size;
  const bRow = <usize>lp * size;
  const depth = depthOf<T>(p);
  for (let k0 = 0; k0 < p; k0 += depth) {
    const k1 = min(p, k0 + depth);
    let j = 0;
    for (; j + 2 * lanes <= lp; j += 2 * lanes) {
      let c0 = v128.splat<T>(0);
      let c1 = c0;
      let pa = a + <usize>k0 * size;
      let pb = b + <usize>k0 * bRow + <usize>j * size;
      for (let k = k0; k < k1; k++) {
        const x = splatLoad<T>(pa);
        c0 = madd<T>(x, v128.load(pb), c0);
        c1 = madd<T>(x, v128.load(pb, 16), c1);
        pa += size;
        pb += bRow;
      }
      const o = out + ((<usize>j) << 3);
      addToF64<T>(o, c0);
      addToF64<T>(o + ((<usize>lanes) << 3), c1);
    }
    if (j < lp) {
      let c0 = v128.splat<T>(0);
      let pa = a + <usize>k0 * size;
      let pb = b + <usize>k0 * bRow + <usize>j * size;
      for (let k = k0; k < k1; k++) {
        c0 = madd<T>(splatLoad<T>(pa), v128.load(pb), c0);
        pa += size;
        pb += bRow;
      }
      addToF64<T>(out + ((<usize>j) << 3), c0);
    }
  }
}

/** Writes A·B (rows × lp, f64) to `out`. */
export function multiply<T>(a: usize, rows: i32, p: i32, b: usize, lp: i32, out: usize): void {
  const size = <usize>sizeof<T>();
  const outRow = (<usize>lp) << 3;
  zeroBytes(out, <usize>rows * outRow);
  let i = 0;
  for (; i + 4 <= rows; i += 4)
    multiplyRows4<T>(a + <usize>i * p * size, p, b, lp, out + <usize>i * outRow);
  for (; i < rows; i++) multiplyRow1<T>(a + <usize>i * p * size, p, b, lp, out + <usize>i * outRow);
}
