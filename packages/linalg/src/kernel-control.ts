/**
 * The control block through which the main thread hands chunked jobs to the kernel workers, and
 * the loop every thread runs to take chunks from it. Both are defined once, here: the layout
 * reaches the workers in their workerData, and {@link takeChunks} is copied into the worker's
 * source (see kernel-worker.ts), so it must stay self-contained: it uses only its parameters and
 * built-ins (no imports, no helpers, no nested functions).
 *
 * Protocol: the main thread writes a job into the block, bumps `generation` and wakes the
 * workers; every thread takes chunks from the shared `nextChunk` counter until none is left;
 * each worker then adds one to `checkedIn`, and the job ends when all have. A function number of
 * `stop` tells the workers to exit.
 */
import { KERNEL_CHUNK_ROWS } from "./kernel-functions.js";

/** Int32 slots of the control block, the float64 area after them, and the protocol constants. */
export const CONTROL_LAYOUT = {
  generation: 0,
  nextChunk: 1,
  checkedIn: 2,
  failed: 3,
  fn: 4,
  rowsArg: 5,
  argCount: 6,
  chunkCount: 7,
  /** Float64 slots start here (in bytes): total rows, then `maxArgs` bases, then `maxArgs` steps. */
  numbersOffset: 64,
  maxArgs: 10,
  /** The function number that tells workers to stop. */
  stop: -1,
  chunkRows: KERNEL_CHUNK_ROWS,
} as const;

/** The layout of the control block, as workers receive it. */
export type ControlLayout = typeof CONTROL_LAYOUT;

/** Bytes of the control block. */
export const CONTROL_BYTES = CONTROL_LAYOUT.numbersOffset + 8 * (1 + 2 * CONTROL_LAYOUT.maxArgs);

/** The Int32 slots and the float64 numbers of a control block. */
export function controlViews(buffer: SharedArrayBuffer): {
  control: Int32Array;
  numbers: Float64Array;
} {
  const { numbersOffset, maxArgs } = CONTROL_LAYOUT;
  return {
    control: new Int32Array(buffer, 0, numbersOffset / 4),
    numbers: new Float64Array(buffer, numbersOffset, 1 + 2 * maxArgs),
  };
}

/**
 * Takes chunks of the job in the control block until none is left, calling the job's function
 * (from `functions`, indexed by function number) with argument `k` of chunk `c` set to
 * `base[k] + c * step[k]`, except argument `rowsArg`, the rows of that chunk. Runs on the main
 * thread and, as source text, on every worker.
 */
export function takeChunks(
  control: Int32Array,
  numbers: Float64Array,
  functions: readonly ((...args: number[]) => void)[],
  layout: ControlLayout,
): void {
  const fn = functions[control[layout.fn]!]!;
  const rowsArg = control[layout.rowsArg]!;
  const count = control[layout.chunkCount]!;
  const rows = numbers[0]!;
  const args: number[] = new Array(control[layout.argCount]!);
  for (let c = Atomics.add(control, layout.nextChunk, 1); c < count; ) {
    for (let k = 0; k < args.length; k++)
      args[k] = numbers[1 + k]! + c * numbers[1 + layout.maxArgs + k]!;
    args[rowsArg] = Math.min(layout.chunkRows, rows - c * layout.chunkRows);
    fn.apply(undefined, args);
    c = Atomics.add(control, layout.nextChunk, 1);
  }
}
