/**
 * The WebAssembly kernels of @tt/linalg, compiled by scripts/build-wasm.mjs into a SIMD128 and a
 * relaxed-SIMD build, each with unshared and shared memory. Pointers are byte offsets into the
 * imported memory, which JavaScript manages; nothing here allocates.
 */
import { affine, moments, sumInto } from "./columns";
import { mapElements } from "./elementwise";
import { gram } from "./gram";
import { multiply } from "./multiply";
import { multiplyTrans } from "./multiply-trans";
import { normalProduct } from "./normal";
import {
  absRows,
  arithOperands,
  arithScalars,
  rowProgram,
  sqrtRows,
  subtractMeans,
  windowMeans,
} from "./rows";
import { tridiagonalize } from "./tridiagonal";

export function multiply_f32(a: usize, rows: i32, p: i32, b: usize, lp: i32, out: usize): void {
  multiply<f32>(a, rows, p, b, lp, out);
}
export function multiply_f64(a: usize, rows: i32, p: i32, b: usize, lp: i32, out: usize): void {
  multiply<f64>(a, rows, p, b, lp, out);
}
export function trans_f32(a: usize, rows: i32, p: i32, t: usize, lp: i32, partial: usize): void {
  multiplyTrans<f32>(a, rows, p, t, lp, partial);
}
export function trans_f64(a: usize, rows: i32, p: i32, t: usize, lp: i32, partial: usize): void {
  multiplyTrans<f64>(a, rows, p, t, lp, partial);
}
export function normal_f32(
  a: usize,
  rows: i32,
  p: i32,
  y: usize,
  lp: i32,
  partial: usize,
  scratch: usize,
): void {
  normalProduct<f32>(a, rows, p, y, lp, partial, scratch, 0, 0);
}
export function normal_affine_f32(
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
  normalProduct<f32>(a, rows, p, y, lp, partial, scratch, shift, scale);
}
export function normal_f64(
  a: usize,
  rows: i32,
  p: i32,
  y: usize,
  lp: i32,
  partial: usize,
  scratch: usize,
): void {
  normalProduct<f64>(a, rows, p, y, lp, partial, scratch, 0, 0);
}
export function normal_affine_f64(
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
  normalProduct<f64>(a, rows, p, y, lp, partial, scratch, shift, scale);
}
export function gram_f32(a: usize, rows: i32, p: i32, pp: i32, partial: usize): void {
  gram<f32>(a, rows, p, pp, partial);
}
export function gram_f64(a: usize, rows: i32, p: i32, pp: i32, partial: usize): void {
  gram<f64>(a, rows, p, pp, partial);
}
export function affine_f32(a: usize, rows: i32, p: i32, shift: usize, scale: usize): void {
  affine<f32>(a, rows, p, shift, scale);
}
export function affine_f64(a: usize, rows: i32, p: i32, shift: usize, scale: usize): void {
  affine<f64>(a, rows, p, shift, scale);
}
export function moments_f32(
  a: usize,
  rows: i32,
  p: i32,
  shift: usize,
  pp: i32,
  sums: usize,
  rowOut: usize,
): void {
  moments<f32>(a, rows, p, shift, pp, sums, rowOut);
}
export function moments_f64(
  a: usize,
  rows: i32,
  p: i32,
  shift: usize,
  pp: i32,
  sums: usize,
  rowOut: usize,
): void {
  moments<f64>(a, rows, p, shift, pp, sums, rowOut);
}
export function sum_f32(total: usize, partial: usize, count: i32): void {
  sumInto<f32>(total, partial, count);
}
export function sum_f64(total: usize, partial: usize, count: i32): void {
  sumInto<f64>(total, partial, count);
}
export function tridiag_f64(
  a: usize,
  n: i32,
  d: usize,
  e: usize,
  tau: usize,
  p: usize,
  w: usize,
  k0: i32,
  k1: i32,
): void {
  tridiagonalize(a, n, d, e, tau, p, w, k0, k1);
}

export function map_f32(
  x: usize,
  rows: i32,
  cols: i32,
  xStride: i32,
  out: usize,
  outStride: i32,
  fn: i32,
  sums: usize,
  pp: i32,
): void {
  mapElements<f32, f32>(x, rows, cols, xStride, out, outStride, fn, sums, pp);
}
export function map_f64(
  x: usize,
  rows: i32,
  cols: i32,
  xStride: i32,
  out: usize,
  outStride: i32,
  fn: i32,
  sums: usize,
  pp: i32,
): void {
  mapElements<f64, f64>(x, rows, cols, xStride, out, outStride, fn, sums, pp);
}
export function map_f64_f32(
  x: usize,
  rows: i32,
  cols: i32,
  xStride: i32,
  out: usize,
  outStride: i32,
  fn: i32,
  sums: usize,
  pp: i32,
): void {
  mapElements<f64, f32>(x, rows, cols, xStride, out, outStride, fn, sums, pp);
}

// Row kernels of element-wise transforms (rows.ts): run on one thread, outside the worker protocol.
export function rows_operands_f32(a: usize, rows: i32, n: i32, op: i32, operands: usize): void {
  arithOperands<f32>(a, rows, n, op, operands);
}
export function rows_operands_f64(a: usize, rows: i32, n: i32, op: i32, operands: usize): void {
  arithOperands<f64>(a, rows, n, op, operands);
}
export function rows_scalars_f32(
  a: usize,
  rows: i32,
  n: i32,
  op: i32,
  values: usize,
  splat: usize,
): void {
  arithScalars<f32>(a, rows, n, op, values, splat);
}
export function rows_scalars_f64(
  a: usize,
  rows: i32,
  n: i32,
  op: i32,
  values: usize,
  splat: usize,
): void {
  arithScalars<f64>(a, rows, n, op, values, splat);
}
export function rows_means_f32(
  a: usize,
  rows: i32,
  outer: i32,
  length: i32,
  inner: i32,
  columns: usize,
  count: i32,
  means: usize,
): void {
  windowMeans<f32>(a, rows, outer, length, inner, columns, count, means);
}
export function rows_means_f64(
  a: usize,
  rows: i32,
  outer: i32,
  length: i32,
  inner: i32,
  columns: usize,
  count: i32,
  means: usize,
): void {
  windowMeans<f64>(a, rows, outer, length, inner, columns, count, means);
}
export function rows_shift_f32(
  a: usize,
  rows: i32,
  outer: i32,
  length: i32,
  inner: i32,
  means: usize,
  pattern: usize,
): void {
  subtractMeans<f32>(a, rows, outer, length, inner, means, pattern);
}
export function rows_shift_f64(
  a: usize,
  rows: i32,
  outer: i32,
  length: i32,
  inner: i32,
  means: usize,
  pattern: usize,
): void {
  subtractMeans<f64>(a, rows, outer, length, inner, means, pattern);
}
export function rows_sqrt_f32(a: usize, count: i32): void {
  sqrtRows<f32>(a, count);
}
export function rows_sqrt_f64(a: usize, count: i32): void {
  sqrtRows<f64>(a, count);
}
export function rows_abs_f32(a: usize, count: i32): void {
  absRows<f32>(a, count);
}
export function rows_abs_f64(a: usize, count: i32): void {
  absRows<f64>(a, count);
}

export function rows_program_f32(a: usize, first: i32, program: usize, _rows: i32): void {
  rowProgram<f32>(a, first, program);
}
export function rows_program_f64(a: usize, first: i32, program: usize, _rows: i32): void {
  rowProgram<f64>(a, first, program);
}
