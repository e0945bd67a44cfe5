/** Copying view blocks into matrix rows: column order and subsets, masks, element types. */

import type { AxisAnnotatedTensor, DType, ReadableView } from "@tt/schema";
import type { Plan } from "./plan.js";

/** The element type the kernels work in for a view's dtype: float32 when it is exact, else float64. */
export function matrixDType(dtype: DType): "float32" | "float64" {
  return dtype === "float32" ||
    dtype === "int8" ||
    dtype === "uint8" ||
    dtype === "int16" ||
    dtype === "uint16" ||
    dtype === "bool"
    ? "float32"
    : "float64";
}

/**
 * Copies instances `from...` of `block` for which `keep(row)` holds (row counted from the start of
 * `block`) into consecutive rows of `target` from row `targetRow`, in the plan's column order,
 * until `target` has `capacity` rows or the block ends; masked-out elements become NaN. Returns
 * the rows written and the first row of the block not consumed.
 */
export function copyRows(
  block: AxisAnnotatedTensor,
  plan: Plan,
  target: Float32Array | Float64Array,
  targetRow: number,
  capacity: number,
  from: number,
  keep: ((row: number) => boolean) | undefined,
): { written: number; next: number } {
  const { p, slab, columnSource } = plan;
  const data = block.data;
  const mask = block.mask;
  const rows = block.shape[0]!;
  const bigint = typeof data[0] === "bigint";
  let out = targetRow;
  let i = from;
  for (; i < rows && out < capacity; i++) {
    if (keep !== undefined && !keep(i)) continue;
    const source = i * slab;
    const to = out * p;
    if (columnSource === null && !bigint) {
      target.set((data as Float64Array).subarray(source, source + p), to);
    } else {
      for (let j = 0; j < p; j++) {
        const offset = source + (columnSource === null ? j : columnSource[j]!);
        target[to + j] = bigint ? Number(data[offset]) : (data[offset] as number);
      }
    }
    if (mask !== undefined) {
      for (let j = 0; j < p; j++) {
        const offset = source + (columnSource === null ? j : columnSource[j]!);
        if (mask[offset] === 0) target[to + j] = Number.NaN;
      }
    }
    out++;
  }
  return { written: out - targetRow, next: i };
}

/** Bytes of view data per read while filling kernel blocks. */
const READ_BYTES = 4 * 2 ** 20;

/**
 * Fills `target` (capacity `capacity` rows) from the view's blocks, whatever their size, and
 * yields the number of rows each time it is full and once at the end if rows remain, so that
 * every block but the last has exactly `capacity` rows. `keep(viewRow)` skips instances. For views
 * that need no copy in between, read-ahead.ts reads rows straight into kernel memory instead.
 */
export async function* fillBlocks(
  view: ReadableView,
  plan: Plan,
  target: { readonly data: Float32Array | Float64Array },
  capacity: number,
  signal: AbortSignal | undefined,
  keep?: (viewRow: number) => boolean,
): AsyncGenerator<number> {
  let filled = 0;
  // Reads are smaller than the kernel block: each read allocates, and small short-lived buffers
  // keep the resident memory near the budget instead of waiting for the collector.
  const bytesPerInstance =
    plan.slab * (view.dtype === "float64" || view.dtype.endsWith("64") ? 8 : 4);
  const readRows = Math.max(1, Math.min(capacity, Math.floor(READ_BYTES / bytesPerInstance)));
  for await (const { start, tensor } of view.blocks({ size: readRows, signal })) {
    const rows = tensor.shape[0]!;
    let at = 0;
    while (at < rows) {
      const copied = copyRows(
        tensor,
        plan,
        target.data,
        filled,
        capacity,
        at,
        keep && ((i) => keep(start + i)),
      );
      filled += copied.written;
      at = copied.next;
      if (filled === capacity) {
        yield filled;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield filled;
}

/**
 * Whether rows can be read straight into `target`: the view offers `readRowsInto`, has no mask,
 * every instance is kept, the matrix columns are the view's elements in order, and the target
 * holds the view's element type (float32 into float32, float64 into float64).
 */
export function readsStraightIn(
  view: ReadableView,
  plan: Plan,
  target: Float32Array | Float64Array,
  keep: ((viewRow: number) => boolean) | undefined,
): boolean {
  if (view.readRowsInto === undefined || view.hasMask || keep !== undefined) return false;
  if (plan.columnSource !== null || plan.p !== plan.slab) return false;
  return (
    (view.dtype === "float32" && target instanceof Float32Array) ||
    (view.dtype === "float64" && target instanceof Float64Array)
  );
}

/** A typical value of each column (its first finite entry among the first rows), else 0. */
export function typicalValues(
  data: Float32Array | Float64Array,
  rows: number,
  p: number,
): Float64Array {
  const shift = new Float64Array(p);
  const found = new Uint8Array(p);
  for (let i = 0; i < Math.min(rows, 64); i++)
    for (let j = 0; j < p; j++) {
      const x = data[i * p + j]!;
      if (found[j] === 0 && Number.isFinite(x)) {
        shift[j] = x;
        found[j] = 1;
      }
    }
  return shift;
}
