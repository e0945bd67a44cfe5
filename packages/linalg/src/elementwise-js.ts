/**
 * The element-wise functions of assembly/elementwise.ts in scalar JavaScript: the same constants,
 * the same operations in the same order (IEEE f64 multiply, add, divide, min, max; 2^k through
 * the exponent bits), hence the same bits as every WebAssembly build.
 */
import type { KernelFunction } from "./kernel-functions.js";
import type { KernelHeap } from "./kernel-heap.js";
import type { ElementFunction } from "./kernel-types.js";

/** The code each function has in the kernel calls. */
export const ELEMENT_FUNCTION_CODES: Record<ElementFunction, number> = {
  tanh: 0,
  gauss: 1,
  logistic: 2,
};

const INV_LN2 = Math.LOG2E;
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const ROUNDER = 6755399441055744;
const EXP_LOW = -746;
const EXP_HIGH = 710;
const TANH_SATURATION = 20;
const C = [
  1 / 6227020800,
  1 / 479001600,
  1 / 39916800,
  1 / 3628800,
  1 / 362880,
  1 / 40320,
  1 / 5040,
  1 / 720,
  1 / 120,
  1 / 24,
  1 / 6,
  0.5,
] as const;

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/** 2^k for an integer k in [-1022, 1023], from its exponent bits (little-endian words). */
function powerOfTwo(k: number): number {
  words[0] = 0;
  words[1] = (k + 1023) << 20;
  return bits[0]!;
}

/** e^r - 1 for the reduced argument, as expm1Reduced in assembly/elementwise.ts. */
function expm1Reduced(r: number): number {
  let q = C[0];
  for (let i = 1; i < C.length; i++) q = q * r + C[i]!;
  return r + r * r * q;
}

/** x - k·ln 2 for k = t - ROUNDER. */
function reduced(x: number, t: number): number {
  const k = t - ROUNDER;
  return x - k * LN2_HI - k * LN2_LO;
}

/**
 * e^x as the kernels compute it (see `Kernels.mapElements` for its accuracy): 0 below -746,
 * +Infinity above 710, subnormal results rounded once.
 */
export function kernelExp(x: number): number {
  const c = Math.max(Math.min(x, EXP_HIGH), EXP_LOW);
  const t = c * INV_LN2 + ROUNDER;
  const p = 1 + expm1Reduced(reduced(c, t));
  const k = (t - ROUNDER) | 0;
  const k1 = k >> 1;
  return p * powerOfTwo(k1) * powerOfTwo(k - k1);
}

/** e^y - 1 for y in [0, 40]. */
function expm1Small(y: number): number {
  const t = y * INV_LN2 + ROUNDER;
  const p = expm1Reduced(reduced(y, t));
  const s = powerOfTwo((t - ROUNDER) | 0);
  return s * p + (s - 1);
}

/** tanh(x) as the kernels compute it: e / (e + 2) with e = expm1(2|x|), the division compensated for the rounding of e + 2, ±1 from |x| = 20 on. */
export function kernelTanh(x: number): number {
  const a = Math.min(Math.abs(x), TANH_SATURATION);
  const e = expm1Small(a + a);
  const d = e + 2;
  const back = d - e;
  const err = e - (d - back) + (2 - back);
  const q = e / d;
  const t = q - (q * err) / d;
  return x < 0 || Object.is(x, -0) ? -t : t;
}

/** The function of `code` at x, and its derivative, written to `out[0]`, `out[1]`. */
function apply(code: number, x: number, out: Float64Array): void {
  if (code === 0) {
    const f = kernelTanh(x);
    out[0] = f;
    out[1] = 1 - f * f;
  } else if (code === 1) {
    const h = x * x;
    const e = kernelExp(h * -0.5);
    out[0] = x * e;
    out[1] = (1 - h) * e;
  } else {
    const f = -kernelTanh(x * 0.5);
    out[0] = f;
    out[1] = (f * f - 1) * 0.5;
  }
}

/**
 * The `map` kernel: rows × cols of x (single or double, rows `xStride` apart) to f(x) at `out`
 * (`outSingle`, rows `outStride` apart), column sums of f and f' into the f64 `sums` (pp each).
 */
export function mapKernel(heap: KernelHeap, inSingle: boolean, outSingle: boolean): KernelFunction {
  const pair = new Float64Array(2);
  return (x, rows, cols, xStride, out, outStride, code, sums, pp) => {
    const source = inSingle ? heap.f32 : heap.f64;
    const target = outSingle ? heap.f32 : heap.f64;
    const f64 = heap.f64;
    const from = x! / (inSingle ? 4 : 8);
    const to = out! / (outSingle ? 4 : 8);
    const s = sums! / 8;
    const d = s + pp!;
    f64.fill(0, s, s + 2 * pp!);
    for (let i = 0; i < rows!; i++)
      for (let j = 0; j < cols!; j++) {
        apply(code!, source[from + i * xStride! + j]!, pair);
        target[to + i * outStride! + j] = pair[0]!;
        f64[s + j]! += pair[0]!;
        f64[d + j]! += pair[1]!;
      }
  };
}
