/** The column moments of the engine (`Kernels.moments`), on checked arguments. */
import type { KernelHeap } from "./kernel-heap.js";
import type { JobArg, KernelJobs } from "./kernel-jobs.js";
import { bytesOf, type HeapMatrix, type KernelDType } from "./kernel-matrix.js";
import type { ColumnMoments, KernelMoments } from "./kernel-types.js";

const roundUp = (value: number, multiple: number) => Math.ceil(value / multiple) * multiple;
const suffix = (dtype: KernelDType) => (dtype === "float32" ? "f32" : "f64");

/**
 * Column sums and sums of squares about `shift` (continuing `into`) and each row's sum of
 * squares, by the moments kernel over chunks of rows, the chunk partials added in order.
 */
export async function momentsOnHeap(
  heap: KernelHeap,
  jobs: KernelJobs,
  a: HeapMatrix,
  shift: Float64Array,
  into: ColumnMoments | undefined,
): Promise<KernelMoments> {
  const alloc = (bytes: number) => heap.alloc(Math.max(bytes, 8));
  const { rows: n, cols: p, dtype } = a;
  const pp = roundUp(p, 4);
  const shiftAt = alloc(p * 8);
  const total = alloc(2 * pp * 8);
  const rowOut = alloc(n * 8);
  try {
    const f64 = heap.f64;
    f64.set(shift, shiftAt / 8);
    f64.fill(0, total / 8, total / 8 + 2 * pp);
    if (into !== undefined) {
      f64.set(into.columnSums, total / 8);
      f64.set(into.columnSumSquares, total / 8 + pp);
    }
    const args: JobArg[] = [
      { perRow: a.offset, rowBytes: p * bytesOf(dtype) },
      "rows",
      p,
      shiftAt,
      pp,
      { slot: 0 },
      { perRow: rowOut, rowBytes: 8 },
    ];
    await jobs.reduce(`moments_${suffix(dtype)}`, args, n, {
      slotBytes: 2 * pp * 8,
      total,
      count: 2 * pp,
      work: n * p,
      sumFn: "sum_f64",
    });
    const sums = heap.f64;
    const columnSums = into?.columnSums ?? new Float64Array(p);
    const columnSumSquares = into?.columnSumSquares ?? new Float64Array(p);
    columnSums.set(sums.subarray(total / 8, total / 8 + p));
    columnSumSquares.set(sums.subarray(total / 8 + pp, total / 8 + pp + p));
    const rowSumSquares = sums.slice(rowOut / 8, rowOut / 8 + n);
    return { columnSums, columnSumSquares, rowSumSquares };
  } finally {
    heap.free(shiftAt);
    heap.free(total);
    heap.free(rowOut);
  }
}
