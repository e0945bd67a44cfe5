/**
 * Element-wise functions with column sums (the nonlinearities of ICA), vectorized over f64x2:
 * exp by range reduction (x = k·ln2 + r, |r| <= ln2/2, e^r - 1 by its Taylor polynomial to degree
 * 13, 2^k through the exponent bits in two halves so that results fall smoothly into subnormals
 * and 0) and tanh from the same expm1, t / (t + 2) with t = expm1(2|x|), which keeps the relative
 * error near 0 at a few ulp and saturates to ±1. Every operation is a plain IEEE multiply, add,
 * divide, min or bit operation (no fused multiply-add in any build), so the JavaScript twin in
 * src/elementwise-js.ts gives the same bits.
 */
import { zeroBytes } from "./common";

/** Function codes (src/elementwise-js.ts, ELEMENT_FUNCTION_CODES). */
const TANH: i32 = 0;
const GAUSS: i32 = 1;
const LOGISTIC: i32 = 2;

const INV_LN2: f64 = Math.LOG2E;
/** ln 2 split: LN2_HI has 32 significant bits, so k·LN2_HI is exact for the k used here. */
const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;
/** 1.5·2^52: adding it rounds to an integer (ties to even) that sits in the low mantissa bits. */
const ROUNDER: f64 = 6755399441055744.0;
const ROUNDER_BITS: i64 = 0x4338000000000000;
/** exp(x) is 0 below about -745.13 and +Infinity above about 709.78. */
const EXP_LOW: f64 = -746.0;
const EXP_HIGH: f64 = 710.0;
/** tanh(x) rounds to ±1 from |x| of about 19.06 on. */
const TANH_SATURATION: f64 = 20.0;

/** e^r - 1 = r + r²·q(r), q the Taylor series of (e^r - 1 - r)/r² to r^11, by Horner. */
function expm1Reduced(r: v128): v128 {
  let q = f64x2.splat(1.0 / 6227020800.0);
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 479001600.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 39916800.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 3628800.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 362880.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 40320.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 5040.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 720.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 120.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 24.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 6.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(0.5));
  return f64x2.add(r, f64x2.mul(f64x2.mul(r, r), q));
}

/** k·LN2 for the rounded multiple `t` (ROUNDER + k) of ln 2 nearest to x: r = x - k·ln 2. */
function reduced(x: v128, t: v128): v128 {
  const k = f64x2.sub(t, f64x2.splat(ROUNDER));
  const hi = f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI)));
  return f64x2.sub(hi, f64x2.mul(k, f64x2.splat(LN2_LO)));
}

/** 2^k for integer lanes k in [-1022, 1023], through the exponent bits. */
function powerOfTwo(k: v128): v128 {
  return i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52);
}

/** e^x lane-wise (x clamped to [-746, 710]: 0 and +Infinity outside, NaN stays NaN). */
export function expVec(x: v128): v128 {
  const c = f64x2.max(f64x2.min(x, f64x2.splat(EXP_HIGH)), f64x2.splat(EXP_LOW));
  const t = f64x2.add(f64x2.mul(c, f64x2.splat(INV_LN2)), f64x2.splat(ROUNDER));
  const p = f64x2.add(f64x2.splat(1.0), expm1Reduced(reduced(c, t)));
  const k = i64x2.sub(t, i64x2.splat(ROUNDER_BITS));
  const k1 = i64x2.shr_s(k, 1);
  const k2 = i64x2.sub(k, k1);
  return f64x2.mul(f64x2.mul(p, powerOfTwo(k1)), powerOfTwo(k2));
}

/** e^y - 1 lane-wise for y in [0, 2·TANH_SATURATION]: 2^k·(e^r - 1) + (2^k - 1). */
function expm1Vec(y: v128): v128 {
  const t = f64x2.add(f64x2.mul(y, f64x2.splat(INV_LN2)), f64x2.splat(ROUNDER));
  const p = expm1Reduced(reduced(y, t));
  const s = powerOfTwo(i64x2.sub(t, i64x2.splat(ROUNDER_BITS)));
  return f64x2.add(f64x2.mul(s, p), f64x2.sub(s, f64x2.splat(1.0)));
}

/**
 * tanh(x) lane-wise: e / (e + 2) with e = expm1(2|x|), |x| clamped to 20, the sign of x. The
 * rounding error of e + 2 is found exactly (two-sum) and corrected: q - q·err/(e + 2).
 */
export function tanhVec(x: v128): v128 {
  const a = f64x2.min(f64x2.abs(x), f64x2.splat(TANH_SATURATION));
  const e = expm1Vec(f64x2.add(a, a));
  const two = f64x2.splat(2.0);
  const d = f64x2.add(e, two);
  const back = f64x2.sub(d, e);
  const err = f64x2.add(f64x2.sub(e, f64x2.sub(d, back)), f64x2.sub(two, back));
  const q = f64x2.div(e, d);
  const t = f64x2.sub(q, f64x2.div(f64x2.mul(q, err), d));
  return v128.or(t, v128.and(x, i64x2.splat(0x8000000000000000)));
}

/** Loads two elements (or one, `full` false) of type I at `at` as f64 lanes. */
function loadPair<I>(at: usize, full: bool): v128 {
  if (sizeof<I>() === 8) return full ? v128.load(at) : v128.load64_zero(at);
  const v = full ? v128.load64_zero(at) : v128.load32_zero(at);
  return f64x2.promote_low_f32x4(v);
}

/** Stores two f64 lanes (or the first, `full` false) as elements of type O at `at`. */
function storePair<O>(at: usize, v: v128, full: bool): void {
  if (sizeof<O>() === 8) {
    if (full) v128.store(at, v);
    else v128.store64_lane(at, v, 0);
  } else {
    const d = f32x4.demote_f64x2_zero(v);
    if (full) v128.store64_lane(at, d, 0);
    else v128.store32_lane(at, d, 0);
  }
}

/** Adds the lanes of `v` (both, or the first when `full` is false) to the f64 values at `at`. */
function addPair(at: usize, v: v128, full: bool): void {
  if (full) v128.store(at, f64x2.add(v128.load(at), v));
  else store<f64>(at, load<f64>(at) + f64x2.extract_lane(v, 0));
}

/** f and f' of function `fn` for two lanes of x; f' is left in `derivative`. */
let derivative: v128 = f64x2.splat(0);

function apply(fn: i32, x: v128): v128 {
  if (fn === TANH) {
    const f = tanhVec(x);
    derivative = f64x2.sub(f64x2.splat(1.0), f64x2.mul(f, f));
    return f;
  }
  if (fn === GAUSS) {
    const h = f64x2.mul(x, x);
    const e = expVec(f64x2.mul(h, f64x2.splat(-0.5)));
    derivative = f64x2.mul(f64x2.sub(f64x2.splat(1.0), h), e);
    return f64x2.mul(x, e);
  }
  const f = v128.xor(tanhVec(f64x2.mul(x, f64x2.splat(0.5))), i64x2.splat(0x8000000000000000));
  derivative = f64x2.mul(f64x2.sub(f64x2.mul(f, f), f64x2.splat(1.0)), f64x2.splat(0.5));
  return f;
}

/** One row: `cols` elements from `x` to `out`, their f and f' added to the sums. */
function mapRow<I, O>(x: usize, cols: i32, out: usize, fn: i32, sums: usize, pp: i32): void {
  const derivatives = sums + ((<usize>pp) << 3);
  let j = 0;
  for (; j < cols; j += 2) {
    const full = j + 2 <= cols;
    const f = apply(fn, loadPair<I>(x + <usize>j * sizeof<I>(), full));
    storePair<O>(out + <usize>j * sizeof<O>(), f, full);
    addPair(sums + ((<usize>j) << 3), f, full);
    addPair(derivatives + ((<usize>j) << 3), derivative, full);
  }
}

/**
 * For rows × cols elements of type I at `x` (rows `xStride` elements apart): writes f(x) as O to
 * `out` (rows `outStride` apart; may be `x` itself when I and O agree), and sets `sums[j]` to the
 * sum of f over the rows of column j and `sums[pp + j]` to that of f' (f64, pp >= cols, even),
 * adding row after row. f is tanh (fn 0), x·exp(-x²/2) (1) or -tanh(x/2) = 1 - 2/(1 + e^-x) (2).
 */
export function mapElements<I, O>(
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
  zeroBytes(sums, (<usize>pp) << 4);
  for (let i = 0; i < rows; i++) {
    const from = x + <usize>i * xStride * sizeof<I>();
    const to = out + <usize>i * outStride * sizeof<O>();
    if (fn === TANH) mapRow<I, O>(from, cols, to, TANH, sums, pp);
    else if (fn === GAUSS) mapRow<I, O>(from, cols, to, GAUSS, sums, pp);
    else mapRow<I, O>(from, cols, to, LOGISTIC, sums, pp);
  }
}
