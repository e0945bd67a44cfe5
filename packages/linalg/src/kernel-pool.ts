/**
 * Node worker threads that run chunked kernel jobs on a shared WebAssembly memory. The main thread
 * takes chunks too, so a pool of `threads - 1` workers gives `threads` threads of work. Jobs are
 * handed over through a small shared control block: the main thread writes the job, bumps the
 * generation and wakes the workers; every thread takes chunks from a shared counter until none is
 * left; each worker then checks in, and the job ends when all have. The layout of the control
 * block is repeated in wasm/kernel-worker.mjs: keep the two in step.
 */
import type { Worker } from "node:worker_threads";
import {
  type ChunkJob,
  KERNEL_FUNCTION_NAMES,
  type KernelFunctions,
  runChunk,
} from "./kernel-functions.js";

/** Int32 slots of the control block. */
const GENERATION = 0;
const NEXT_CHUNK = 1;
const CHECKED_IN = 2;
const FAILED = 3;
const FUNCTION = 4;
const ROWS_ARG = 5;
const ARG_COUNT = 6;
const CHUNK_COUNT = 7;
/** Float64 slots, from byte 64: total rows, then 8 bases, then 8 steps. */
const NUMBERS_OFFSET = 64;
const MAX_ARGS = 8;
const CONTROL_BYTES = NUMBERS_OFFSET + 8 * (1 + 2 * MAX_ARGS);
/** The function number that tells workers to stop. */
const STOP = -1;

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: boolean; value: Promise<string> | string };

/** A pool of kernel worker threads sharing one memory. */
export class KernelPool {
  readonly #workers: Worker[];
  readonly #control: Int32Array;
  readonly #numbers: Float64Array;
  readonly #errors: string[] = [];
  #broken: Error | undefined;

  private constructor(workers: Worker[], control: SharedArrayBuffer) {
    this.#workers = workers;
    this.#control = new Int32Array(control, 0, NUMBERS_OFFSET / 4);
    this.#numbers = new Float64Array(control, NUMBERS_OFFSET, 1 + 2 * MAX_ARGS);
    for (const worker of workers) {
      worker.on("message", (message: { error?: string }) => {
        if (message.error !== undefined) this.#errors.push(message.error);
      });
      worker.on("error", (error) => this.#fail(error));
      worker.on("exit", (code) => {
        if (this.#broken === undefined) this.#fail(new Error(`a kernel worker exited (${code})`));
      });
    }
  }

  /**
   * Starts `count` workers from `workerUrl` on `module` and the shared `memory`, and resolves once
   * each has instantiated the module. Workers get the compiled module itself and Node's default
   * execArgv, which is the process's own: V8 flags such as --experimental-wasm-relaxed-simd are
   * process-wide (and Node rejects them in an explicit execArgv), so workers accept the same
   * WebAssembly features as the main thread.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    count: number,
    workerUrl: URL,
  ): Promise<KernelPool> {
    const { Worker } = await import("node:worker_threads");
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const workerData = { module, memory, control, names: KERNEL_FUNCTION_NAMES };
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let w = 0; w < count; w++) {
      const worker = new Worker(workerUrl, { workerData });
      workers.push(worker);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once("message", () => resolve());
          worker.once("error", reject);
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    for (const worker of workers) worker.unref();
    return new KernelPool(workers, control);
  }

  /** Worker threads in the pool. */
  get size(): number {
    return this.#workers.length;
  }

  /** Runs every chunk of `job` on the workers and on this thread (with `functions`). */
  async run(job: ChunkJob, functions: KernelFunctions): Promise<void> {
    if (this.#broken !== undefined) throw this.#broken;
    const control = this.#control;
    control[FUNCTION] = KERNEL_FUNCTION_NAMES.indexOf(job.fn);
    control[ROWS_ARG] = job.rowsArg;
    control[ARG_COUNT] = job.base.length;
    control[CHUNK_COUNT] = job.count;
    this.#numbers[0] = job.rows;
    job.base.forEach((base, k) => {
      this.#numbers[1 + k] = base;
      this.#numbers[1 + MAX_ARGS + k] = job.step[k]!;
    });
    Atomics.store(control, NEXT_CHUNK, 0);
    Atomics.store(control, CHECKED_IN, 0);
    Atomics.store(control, FAILED, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);

    let mainError: unknown;
    try {
      for (let c = Atomics.add(control, NEXT_CHUNK, 1); c < job.count; ) {
        runChunk(functions, job, c);
        c = Atomics.add(control, NEXT_CHUNK, 1);
      }
    } catch (error) {
      mainError = error;
    }
    const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
    for (;;) {
      const checkedIn = Atomics.load(control, CHECKED_IN);
      if (checkedIn >= this.#workers.length) break;
      const waited = waitAsync(control, CHECKED_IN, checkedIn);
      if (waited.async) await waited.value;
    }
    if (mainError !== undefined) throw mainError;
    if (Atomics.load(control, FAILED) !== 0) {
      // The worker posts its error before checking in; give the message a turn to arrive.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const detail = this.#errors.splice(0).join("\n") || "no detail";
      throw this.#broken ?? new Error(`a kernel worker failed running ${job.fn}: ${detail}`);
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.#broken ??= new Error("the kernel worker pool was closed");
    this.#control[FUNCTION] = STOP;
    Atomics.add(this.#control, GENERATION, 1);
    Atomics.notify(this.#control, GENERATION);
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  /** Marks the pool broken and releases a job waiting for check-ins. */
  #fail(error: Error): void {
    this.#broken ??= new Error(`a kernel worker failed: ${error.message}`, { cause: error });
    Atomics.store(this.#control, FAILED, 1);
    Atomics.add(this.#control, CHECKED_IN, this.#workers.length);
    Atomics.notify(this.#control, CHECKED_IN);
  }
}
