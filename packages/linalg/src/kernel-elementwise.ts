/**
 * The element-wise kernels of the engine (`mapElements`, `contrastProduct`): the function runs in
 * the map kernels (assembly/elementwise.ts, src/elementwise-js.ts) over chunks of rows on every
 * kernel thread, each chunk summing its columns into a partial that is added in chunk order.
 */
import { ArgumentError } from "@tt/schema";
import { checkMatrix } from "./check.js";
import { ELEMENT_FUNCTION_CODES } from "./elementwise-js.js";
import type { KernelHeap } from "./kernel-heap.js";
import type { JobArg, KernelJobs } from "./kernel-jobs.js";
import { bytesOf, type HeapMatrix } from "./kernel-matrix.js";
import type { ContrastProduct, ElementFunction, ElementSums } from "./kernel-types.js";

/** Work per element of a map, in multiply-adds, to decide whether threads are worth waking. */
const MAP_WORK = 24;

const roundUp = (value: number, multiple: number) => Math.ceil(value / multiple) * multiple;

/** The code of `fn`, or an ArgumentError naming the functions there are. */
export function elementFunctionCode(where: string, fn: unknown): number {
  if (typeof fn !== "string" || !Object.hasOwn(ELEMENT_FUNCTION_CODES, fn))
    throw new ArgumentError(
      where,
      "fn",
      `fn must be one of ${Object.keys(ELEMENT_FUNCTION_CODES).join(", ")}, got ${String(fn)}`,
    );
  return ELEMENT_FUNCTION_CODES[fn as ElementFunction];
}

/** Checks that `into` holds two vectors of `length`. */
export function checkSums(where: string, into: ElementSums, length: number): void {
  checkMatrix(where, "into.valueSums", into.valueSums, 1, length);
  checkMatrix(where, "into.derivativeSums", into.derivativeSums, 1, length);
}

/** The f64 running sums (values at `at`, derivatives at `at + pp`), started from `into`. */
function startSums(heap: KernelHeap, at: number, pp: number, into: ElementSums | undefined) {
  const f64 = heap.f64;
  f64.fill(0, at / 8, at / 8 + 2 * pp);
  if (into === undefined) return;
  f64.set(into.valueSums, at / 8);
  f64.set(into.derivativeSums, at / 8 + pp);
}

/** Reads the sums started by startSums, into `into` when given. */
function readSums(heap: KernelHeap, at: number, pp: number, length: number, into?: ElementSums) {
  const f64 = heap.f64;
  const valueSums = into?.valueSums ?? new Float64Array(length);
  const derivativeSums = into?.derivativeSums ?? new Float64Array(length);
  valueSums.set(f64.subarray(at / 8, at / 8 + length));
  derivativeSums.set(f64.subarray(at / 8 + pp, at / 8 + pp + length));
  return { valueSums, derivativeSums };
}

/** `Kernels.mapElements` on checked arguments: f(A) into `out` (A itself or its shape and type). */
export async function mapElementsOnHeap(
  heap: KernelHeap,
  jobs: KernelJobs,
  a: HeapMatrix,
  out: HeapMatrix,
  code: number,
  into: ElementSums | undefined,
): Promise<ElementSums> {
  const { rows: n, cols, dtype } = a;
  const bytes = bytesOf(dtype);
  const pp = roundUp(Math.max(cols, 1), 2);
  const total = heap.alloc(2 * pp * 8);
  try {
    startSums(heap, total, pp, into);
    const args: JobArg[] = [
      { perRow: a.offset, rowBytes: cols * bytes },
      "rows",
      cols,
      cols,
      { perRow: out.offset, rowBytes: cols * bytes },
      cols,
      code,
      { slot: 0 },
      pp,
    ];
    if (cols > 0)
      await jobs.reduce(dtype === "float32" ? "map_f32" : "map_f64", args, n, {
        slotBytes: 2 * pp * 8,
        total,
        count: 2 * pp,
        work: n * cols * MAP_WORK,
        sumFn: "sum_f64",
      });
    return readSums(heap, total, pp, cols, into);
  } finally {
    heap.free(total);
  }
}

/**
 * `Kernels.contrastProduct` on checked arguments: A·B into kernel memory (f64), f applied there
 * (stored in A's type, in place for float64) with its column sums, then Aᵀ of it, with no copy
 * out of kernel memory in between.
 */
export async function contrastProductOnHeap(
  heap: KernelHeap,
  jobs: KernelJobs,
  a: HeapMatrix,
  B: Float64Array,
  l: number,
  code: number,
  into: ContrastProduct | undefined,
): Promise<ContrastProduct> {
  const { rows: n, cols: p, dtype } = a;
  const single = dtype === "float32";
  const bytes = bytesOf(dtype);
  const suffix = single ? "f32" : "f64";
  const lp = roundUp(Math.max(l, 1), 16 / bytes);
  const taken: number[] = [];
  const take = (size: number) => {
    const at = heap.alloc(Math.max(size, 8));
    taken.push(at);
    return at;
  };
  try {
    const b = take(p * lp * bytes);
    const projected = take(n * lp * 8);
    const mapped = single ? take(n * lp * 4) : projected;
    const sums = take(2 * lp * 8);
    const total = take(p * lp * 8);
    heap.writeRows(b, B, p, l, lp, single);
    startSums(heap, sums, lp, into);
    heap.f64.fill(0, total / 8, total / 8 + p * lp);
    if (into !== undefined) heap.writeRows(total, into.product, p, l, lp, false);
    const aRows = { perRow: a.offset, rowBytes: p * bytes };
    const mappedRows = { perRow: mapped, rowBytes: lp * bytes };
    if (n > 0 && l > 0) {
      const projectedRows = { perRow: projected, rowBytes: lp * 8 };
      await jobs.rows(
        `multiply_${suffix}`,
        [aRows, "rows", p, b, lp, projectedRows],
        n,
        n * p * lp,
      );
      await jobs.reduce(
        single ? "map_f64_f32" : "map_f64",
        [projectedRows, "rows", lp, lp, mappedRows, lp, code, { slot: 0 }, lp],
        n,
        {
          slotBytes: 2 * lp * 8,
          total: sums,
          count: 2 * lp,
          work: n * lp * MAP_WORK,
          sumFn: "sum_f64",
        },
      );
      await jobs.reduce(`trans_${suffix}`, [aRows, "rows", p, mappedRows, lp, { slot: 0 }], n, {
        slotBytes: roundUp(p * lp * bytes, 64),
        total,
        count: p * lp,
        work: n * p * lp,
      });
    }
    const product = heap.readRows(total, p, lp, l, into?.product);
    return { product, ...readSums(heap, sums, lp, l, into) };
  } finally {
    for (const at of taken) heap.free(at);
  }
}
