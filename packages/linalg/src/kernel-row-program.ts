/**
 * Row steps (a view's delayed operations) applied in place to rows in kernel memory: rows that a
 * streamed decomposition read straight into a kernel matrix are transformed there, on every
 * kernel thread, without the copies in and out of the row kernels' own memory (`rowKernels`).
 * The steps run as one program per chunk of rows (`rows_program_f32` / `_f64` of the kernel
 * module), a cache-sized piece at a time, with the same arithmetic as the row kernels and the
 * JavaScript loops, so the bits are the same. Steps written in JavaScript (`each-row`, such as
 * `log1p`) run between programs on this thread, over the same memory.
 */

import type { KernelHeap } from "./kernel-heap.js";
import type { KernelJobs } from "./kernel-jobs.js";
import type { RowOperator, RowStep } from "./row-kernels.js";

const OPERATOR_CODES: Record<RowOperator, number> = {
  add: 0,
  subtract: 1,
  multiply: 2,
  divide: 3,
};

/** Bytes of a program's header: step count, rows, rows per chunk, elements per row. */
const PROGRAM_HEADER = 16;
/** Bytes of one step of a program: eight u32 (see assembly/rows.ts, `rowProgram`). */
const STEP_BYTES = 32;
/** Bytes of rows a thread takes at once: a few cache-sized pieces, so threads share the work. */
const CHUNK_BYTES = 1024 * 1024;

/** Rows in kernel memory: `rows` rows of `rowSize` elements from byte `at`. */
export interface ProgramRows {
  readonly at: number;
  readonly rows: number;
  readonly rowSize: number;
  readonly float32: boolean;
  /** The number the steps give the first row (their `value(row)`, `fill(row, ...)`). */
  readonly firstRow: number;
}

/** Writes `steps` (none of them `each-row`) and their data into the heap; the blocks to free. */
function placeProgram(
  heap: KernelHeap,
  steps: readonly Exclude<RowStep, { kind: "each-row" }>[],
  target: ProgramRows,
  chunkRows: number,
): { program: number; blocks: number[] } {
  const { rows, rowSize, firstRow } = target;
  const blocks: number[] = [];
  const take = (bytes: number) => {
    const at = heap.alloc(Math.max(8, bytes));
    blocks.push(at);
    return at;
  };
  const f64 = (at: number, length: number) => new Float64Array(heap.buffer, at, length);
  const program = take(PROGRAM_HEADER + steps.length * STEP_BYTES);
  const words: number[] = [steps.length, rows, chunkRows, rowSize];
  for (const step of steps) {
    const fields = new Array<number>(8).fill(0);
    if (step.kind === "operands") {
      const at = take(rowSize * 8);
      f64(at, rowSize).set(step.operands.subarray(0, rowSize));
      fields.splice(0, 3, 0, OPERATOR_CODES[step.op], at);
    } else if (step.kind === "scalars") {
      const at = take(rows * 8);
      const values = f64(at, rows);
      for (let r = 0; r < rows; r++) values[r] = step.value(firstRow + r);
      fields.splice(0, 3, 1, OPERATOR_CODES[step.op], at);
    } else if (step.kind === "means" || step.kind === "given-means") {
      const { outer, length, inner } = step.layout;
      const m = outer * inner;
      const means = take(rows * m * 8);
      const pattern = take(rows * inner * 4 * 8);
      if (step.kind === "means") {
        const columns = take(step.columns.length * 4);
        new Int32Array(heap.buffer, columns, step.columns.length).set(step.columns);
        fields.splice(0, 8, 2, outer, length, inner, means, pattern, columns, step.columns.length);
      } else {
        for (let r = 0; r < rows; r++) step.fill(firstRow + r, f64(means + r * m * 8, m));
        fields.splice(0, 6, 3, outer, length, inner, means, pattern);
      }
    } else fields[0] = step.kind === "sqrt" ? 4 : 5;
    words.push(...fields);
  }
  new Uint32Array(heap.buffer, program, words.length).set(words);
  return { program, blocks };
}

/**
 * Applies `steps` in order to the rows of `target`, in place: runs of kernel steps as programs
 * over chunks of rows on the kernel threads, `each-row` steps on this thread in between.
 */
export async function runRowProgram(
  heap: KernelHeap,
  jobs: KernelJobs,
  target: ProgramRows,
  steps: readonly RowStep[],
): Promise<void> {
  const { at, rows, rowSize, float32, firstRow } = target;
  if (rows === 0 || rowSize === 0) return;
  const rowBytes = rowSize * (float32 ? 4 : 8);
  const chunkRows = Math.max(1, Math.floor(CHUNK_BYTES / rowBytes));
  for (let s = 0; s < steps.length; ) {
    const step = steps[s]!;
    if (step.kind === "each-row") {
      for (let r = 0; r < rows; r++) {
        const start = at + r * rowBytes;
        const row = float32
          ? new Float32Array(heap.buffer, start, rowSize)
          : new Float64Array(heap.buffer, start, rowSize);
        step.apply(row, firstRow + r);
      }
      s++;
      continue;
    }
    let end = s;
    while (end < steps.length && steps[end]!.kind !== "each-row") end++;
    const run = steps.slice(s, end) as Exclude<RowStep, { kind: "each-row" }>[];
    const { program, blocks } = placeProgram(heap, run, target, chunkRows);
    try {
      await jobs.programRows(float32 ? "rows_program_f32" : "rows_program_f64", {
        at,
        rowBytes,
        rows,
        chunkRows,
        program,
        work: rows * rowSize * run.length,
      });
    } finally {
      for (const block of blocks) heap.free(block);
    }
    s = end;
  }
}
