/**
 * The kernel functions every backend provides (the wasm exports, or their JavaScript twins), and
 * the chunked jobs that call them: `runChunk` on one thread, `takeChunks` (kernel-control.ts)
 * when a worker pool shares the job; the two give each chunk the same arguments.
 */

/**
 * Rows per chunk. Reductions over rows (`multiplyTransA`, `normalProduct`, `gram`, `moments`)
 * sum each chunk into a partial and add the partials in f64 in chunk order, so their results do
 * not depend on the thread count; a caller that streams blocks whose row counts are multiples of
 * this, passing the running total as `into`, gets the bits of one call on the whole matrix.
 * Small enough that a streamed block of two chunks (one per thread of a 2-core machine) of a
 * wide matrix stays small: 1024 rows of the headline's 5379 float32 columns are 22 MB.
 */
export const KERNEL_CHUNK_ROWS = 1024;

/** Terms an f32 product sums in f32 before adding the block in f64 (assembly/common.ts). */
export const DEPTH_F32 = 256;

/** The kernel functions, in the order the worker protocol numbers them. */
export const KERNEL_FUNCTION_NAMES = [
  "multiply_f32",
  "multiply_f64",
  "trans_f32",
  "trans_f64",
  "normal_f32",
  "normal_f64",
  "normal_affine_f32",
  "normal_affine_f64",
  "gram_f32",
  "gram_f64",
  "affine_f32",
  "affine_f64",
  "moments_f32",
  "moments_f64",
  "sum_f32",
  "sum_f64",
  "tridiag_f64",
  "rows_program_f32",
  "rows_program_f64",
  "map_f32",
  "map_f64",
  "map_f64_f32",
] as const;

/** The name of one kernel function. */
export type KernelFunctionName = (typeof KERNEL_FUNCTION_NAMES)[number];

/** A kernel function: byte offsets into the heap and sizes in, results written to the heap. */
export type KernelFunction = (...args: number[]) => void;

/** The kernel functions of one backend, bound to one heap. */
export type KernelFunctions = Record<KernelFunctionName, KernelFunction>;

/**
 * A kernel function called once per chunk of rows: argument `k` of chunk `c` is
 * `base[k] + c * step[k]`, except argument `rowsArg`, the rows of that chunk.
 */
export interface ChunkJob {
  fn: KernelFunctionName;
  base: number[];
  step: number[];
  rowsArg: number;
  /** Rows from the first chunk of the job to the end of the matrix. */
  rows: number;
  /** Chunks in the job. */
  count: number;
  /** Multiply-adds (or elements) in the job, to decide whether threads are worth waking. */
  work: number;
}

/** Calls the kernel function of a job for chunk `c` (0-based within the job). */
export function runChunk(functions: KernelFunctions, job: ChunkJob, c: number): void {
  const args = job.base.map((base, k) => base + c * job.step[k]!);
  args[job.rowsArg] = Math.min(KERNEL_CHUNK_ROWS, job.rows - c * KERNEL_CHUNK_ROWS);
  functions[job.fn](...args);
}
