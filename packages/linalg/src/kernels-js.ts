/**
 * The kernel functions in plain JavaScript, for engines without WebAssembly SIMD. They take the
 * same arguments as the wasm exports and do the same arithmetic in the same order (f32 values
 * round through Float32Array stores and Math.fround at every operation), so their results equal
 * the SIMD128 build bit for bit. Structure is kept simple: this is the reference, not the fast path.
 */
import { tridiagKernel } from "./eigen-js.js";
import { mapKernel } from "./elementwise-js.js";
import { DEPTH_F32, type KernelFunctions } from "./kernel-functions.js";
import type { KernelHeap } from "./kernel-heap.js";

type Floats = Float32Array | Float64Array;

/** The element view, its byte size and whether it is float32. */
interface Element {
  view: Floats;
  bytes: number;
  single: boolean;
}

/** `out[0, lp)` (f64) = row `a` (p elements) times B (p × lp), summed as the wasm kernel does. */
function multiplyRow(el: Element, a: number, p: number, b: number, lp: number, out: Float64Array) {
  const { view, single } = el;
  const depth = single ? DEPTH_F32 : p;
  const acc = single ? new Float32Array(lp) : new Float64Array(lp);
  out.fill(0);
  for (let k0 = 0; k0 < p; k0 += depth) {
    const k1 = Math.min(p, k0 + depth);
    acc.fill(0);
    for (let k = k0; k < k1; k++) {
      const x = view[a + k]!;
      const row = b + k * lp;
      if (single) for (let j = 0; j < lp; j++) acc[j]! += Math.fround(x * view[row + j]!);
      else for (let j = 0; j < lp; j++) acc[j]! += x * view[row + j]!;
    }
    for (let j = 0; j < lp; j++) out[j]! += acc[j]!;
  }
}

/** Adds row `a` of A (p elements) times row `t` of T (lp elements) to the partial at `c`. */
function addOuter(el: Element, a: number, p: number, t: Floats, ti: number, lp: number, c: number) {
  const { view, single } = el;
  for (let k = 0; k < p; k++) {
    const x = view[a + k]!;
    const row = c + k * lp;
    if (single) for (let j = 0; j < lp; j++) view[row + j]! += Math.fround(x * t[ti + j]!);
    else for (let j = 0; j < lp; j++) view[row + j]! += x * t[ti + j]!;
  }
}

/** The element view of `heap` for the precision, read at each call: the heap may have grown. */
function element(heap: KernelHeap, single: boolean): Element {
  return single ? { view: heap.f32, bytes: 4, single } : { view: heap.f64, bytes: 8, single };
}

/** `multiply`: out (f64, rows × lp) = A (rows × p) times B (p × lp). */
function multiplyKernel(heap: KernelHeap, single: boolean) {
  return (a: number, rows: number, p: number, b: number, lp: number, out: number) => {
    const el = element(heap, single);
    const f64 = heap.f64;
    const z = new Float64Array(lp);
    for (let i = 0; i < rows; i++) {
      multiplyRow(el, a / el.bytes + i * p, p, b / el.bytes, lp, z);
      f64.set(z, out / 8 + i * lp);
    }
  };
}

/** `trans`: partial (p × lp) = Aᵀ (p × rows) times T (rows × lp). */
function transKernel(heap: KernelHeap, single: boolean) {
  return (a: number, rows: number, p: number, t: number, lp: number, partial: number) => {
    const el = element(heap, single);
    const c = partial / el.bytes;
    el.view.fill(0, c, c + p * lp);
    for (let i = 0; i < rows; i++)
      addOuter(el, a / el.bytes + i * p, p, el.view, t / el.bytes + i * lp, lp, c);
  };
}

/** `normal`: partial (p × lp) = Aᵀ A Y, row by row of A. */
function normalKernel(heap: KernelHeap, single: boolean) {
  const affine = affineKernel(heap, single);
  return (
    a: number,
    rows: number,
    p: number,
    y: number,
    lp: number,
    partial: number,
    _scratch: number,
    shift = 0,
    scale = 0,
  ) => {
    const el = element(heap, single);
    const c = partial / el.bytes;
    const z = new Float64Array(lp);
    const zt = single ? new Float32Array(lp) : z;
    el.view.fill(0, c, c + p * lp);
    for (let i = 0; i < rows; i++) {
      if (shift !== 0) affine(a + i * p * el.bytes, 1, p, shift, scale);
      const row = a / el.bytes + i * p;
      multiplyRow(el, row, p, y / el.bytes, lp, z);
      if (single) zt.set(z);
      addOuter(el, row, p, zt, 0, lp, c);
    }
  };
}

/** `gram`: the upper triangle of partial (p × pp) = Aᵀ A. */
function gramKernel(heap: KernelHeap, single: boolean) {
  return (a: number, rows: number, p: number, pp: number, partial: number) => {
    const { view } = element(heap, single);
    const bytes = single ? 4 : 8;
    const c = partial / bytes;
    view.fill(0, c, c + p * pp);
    for (let i = 0; i < rows; i++) {
      const row = a / bytes + i * p;
      for (let k = 0; k < p; k++) {
        const x = view[row + k]!;
        const g = c + k * pp;
        if (single) for (let j = k; j < p; j++) view[g + j]! += Math.fround(x * view[row + j]!);
        else for (let j = k; j < p; j++) view[g + j]! += x * view[row + j]!;
      }
    }
  };
}

/** `affine`: A = (A - shift) * scale, column by column, in place. */
function affineKernel(heap: KernelHeap, single: boolean) {
  return (a: number, rows: number, p: number, shift: number, scale: number) => {
    const { view, bytes } = element(heap, single);
    const f64 = heap.f64;
    const s = shift / 8;
    const c = scale / 8;
    for (let i = 0; i < rows; i++) {
      const row = a / bytes + i * p;
      for (let j = 0; j < p; j++) view[row + j] = (view[row + j]! - f64[s + j]!) * f64[c + j]!;
    }
  };
}

/** `moments`: column sums and sums of squares about `shift`, and each row's sum of squares. */
function momentsKernel(heap: KernelHeap, single: boolean) {
  return (
    a: number,
    rows: number,
    p: number,
    shift: number,
    pp: number,
    sums: number,
    rowOut: number,
  ) => {
    const { view, bytes } = element(heap, single);
    const f64 = heap.f64;
    const s = shift / 8;
    const sum = sums / 8;
    const square = sum + pp;
    f64.fill(0, sum, sum + 2 * pp);
    for (let i = 0; i < rows; i++) {
      const row = a / bytes + i * p;
      let r = 0;
      for (let j = 0; j < p; j++) {
        const x = view[row + j]!;
        const d = x - f64[s + j]!;
        f64[sum + j]! += d;
        f64[square + j]! += d * d;
        r += x * x;
      }
      f64[rowOut / 8 + i] = r;
    }
  };
}

/** `sum`: adds `count` partial values to the f64 totals. */
function sumKernel(heap: KernelHeap, single: boolean) {
  return (total: number, partial: number, count: number) => {
    const { view, bytes } = element(heap, single);
    const f64 = heap.f64;
    const t = total / 8;
    const from = partial / bytes;
    for (let x = 0; x < count; x++) f64[t + x]! += view[from + x]!;
  };
}

/** The JavaScript kernel functions over `heap`. */
export function createJsFunctions(heap: KernelHeap): KernelFunctions {
  return {
    multiply_f32: multiplyKernel(heap, true),
    multiply_f64: multiplyKernel(heap, false),
    trans_f32: transKernel(heap, true),
    trans_f64: transKernel(heap, false),
    normal_f32: normalKernel(heap, true),
    normal_f64: normalKernel(heap, false),
    normal_affine_f32: normalKernel(heap, true),
    normal_affine_f64: normalKernel(heap, false),
    gram_f32: gramKernel(heap, true),
    gram_f64: gramKernel(heap, false),
    affine_f32: affineKernel(heap, true),
    affine_f64: affineKernel(heap, false),
    moments_f32: momentsKernel(heap, true),
    moments_f64: momentsKernel(heap, false),
    sum_f32: sumKernel(heap, true),
    sum_f64: sumKernel(heap, false),
    tridiag_f64: tridiagKernel(heap),
    map_f32: mapKernel(heap, true, true),
    map_f64: mapKernel(heap, false, false),
    map_f64_f32: mapKernel(heap, false, true),
  } as KernelFunctions;
}
