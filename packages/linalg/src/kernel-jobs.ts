import {
  type ChunkJob,
  KERNEL_CHUNK_ROWS,
  type KernelFunctionName,
  type KernelFunctions,
  runChunk,
} from "./kernel-functions.js";
import type { KernelHeap } from "./kernel-heap.js";
import type { WorkerPool } from "./platform-types.js";

/** Below this many multiply-adds (or elements) a job runs on the main thread alone. */
const PARALLEL_MIN_WORK = 1 << 20;
/** Bytes of chunk partials held at once; at least one per thread is always allowed. */
const PARTIALS_BUDGET = 64 * 1024 * 1024;

/**
 * One argument of a chunked kernel call: a fixed number, the chunk's row count, a pointer into a
 * row-major array that advances `rowBytes` per row, or an offset into the chunk's partial slot.
 */
export type JobArg = number | "rows" | { perRow: number; rowBytes: number } | { slot: number };

/** What a reduction needs besides the kernel and its arguments. */
export interface ReduceOptions {
  /** Bytes of one chunk's partial (and scratch). */
  slotBytes: number;
  /** Byte offset of the f64 running total the partials are added to. */
  total: number;
  /** Elements of a partial added to the total. */
  count: number;
  /** Multiply-adds of the whole reduction, to decide whether threads are worth waking. */
  work: number;
  /** The kernel that adds a partial to the total; by default sum_f32 or sum_f64 as the kernel. */
  sumFn?: KernelFunctionName;
}

/** Runs kernel functions over the chunks of a matrix, on the worker pool when it pays. */
export class KernelJobs {
  readonly #heap: KernelHeap;
  readonly #functions: KernelFunctions;
  readonly #pool: WorkerPool | undefined;
  readonly #threads: number;

  constructor(
    heap: KernelHeap,
    functions: KernelFunctions,
    pool: WorkerPool | undefined,
    threads: number,
  ) {
    this.#heap = heap;
    this.#functions = functions;
    this.#pool = pool;
    this.#threads = threads;
  }

  /** Runs a kernel over every chunk of n rows, each chunk writing its own rows. */
  async rows(fn: KernelFunctionName, args: JobArg[], n: number, work: number): Promise<void> {
    const count = Math.ceil(n / KERNEL_CHUNK_ROWS);
    if (count > 0) await this.#run(this.#job(fn, args, n, 0, count, work, 0, 0));
  }

  /**
   * Runs a reduction over the chunks of n rows: each chunk writes its partial into a slot, and
   * after each wave of slots the partials are added to the f64 total in chunk order, so the result
   * does not depend on which thread ran which chunk, nor on how many slots a wave has.
   */
  async reduce(
    fn: KernelFunctionName,
    args: JobArg[],
    n: number,
    options: ReduceOptions,
  ): Promise<void> {
    const chunks = Math.ceil(n / KERNEL_CHUNK_ROWS);
    if (chunks === 0) return;
    const stride = Math.ceil(options.slotBytes / 64) * 64;
    const fit = Math.floor(PARTIALS_BUDGET / Math.max(stride, 1));
    const slots = Math.min(chunks, Math.max(this.#threads, fit));
    const slotAt = this.#heap.alloc(Math.max(slots * stride, 8));
    const sumFn = options.sumFn ?? (fn.endsWith("f32") ? "sum_f32" : "sum_f64");
    try {
      for (let first = 0; first < chunks; first += slots) {
        const count = Math.min(slots, chunks - first);
        const work = (options.work * count) / chunks;
        await this.#run(this.#job(fn, args, n, first, count, work, slotAt, stride));
        for (let s = 0; s < count; s++)
          this.#functions[sumFn](options.total, slotAt + s * stride, options.count);
      }
    } finally {
      this.#heap.free(slotAt);
    }
  }

  /**
   * Runs a row program kernel, `fn(a, first, program, unused)`, over the `rows` rows from byte
   * `at` (`rowBytes` apart) in chunks of `chunkRows` rows (the program's header says how many
   * rows and how many per chunk): each call finds its rows from `first`, its first row's number
   * in the job, and writes only those.
   */
  async programRows(
    fn: KernelFunctionName,
    target: {
      at: number;
      rowBytes: number;
      rows: number;
      chunkRows: number;
      program: number;
      work: number;
    },
  ): Promise<void> {
    const { at, rowBytes, rows, chunkRows, program, work } = target;
    const count = Math.ceil(rows / chunkRows);
    if (count === 0) return;
    const base = [at, 0, program, 0];
    const step = [chunkRows * rowBytes, chunkRows, 0, 0];
    await this.#run({ fn, base, step, rowsArg: 3, rows, count, work });
  }

  /** The job for chunks [first, first + count) of n rows, with partial slots at `slotAt`. */
  #job(
    fn: KernelFunctionName,
    args: JobArg[],
    n: number,
    first: number,
    count: number,
    work: number,
    slotAt: number,
    slotStride: number,
  ): ChunkJob {
    const base: number[] = [];
    const step: number[] = [];
    let rowsArg = -1;
    args.forEach((arg, k) => {
      if (arg === "rows") {
        rowsArg = k;
        base.push(0);
        step.push(0);
      } else if (typeof arg === "number") {
        base.push(arg);
        step.push(0);
      } else if ("perRow" in arg) {
        base.push(arg.perRow + first * KERNEL_CHUNK_ROWS * arg.rowBytes);
        step.push(KERNEL_CHUNK_ROWS * arg.rowBytes);
      } else {
        base.push(slotAt + arg.slot);
        step.push(slotStride);
      }
    });
    return { fn, base, step, rowsArg, rows: n - first * KERNEL_CHUNK_ROWS, count, work };
  }

  /** Runs a job on the pool when it is large enough to share, else on this thread. */
  async #run(job: ChunkJob): Promise<void> {
    if (this.#pool !== undefined && job.count > 1 && job.work >= PARALLEL_MIN_WORK)
      return this.#pool.run(job, this.#functions);
    for (let c = 0; c < job.count; c++) runChunk(this.#functions, job, c);
  }
}
