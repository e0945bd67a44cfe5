/**
 * Node worker threads that run chunked kernel jobs on a shared WebAssembly memory. The main thread
 * takes chunks too, so a pool of `threads - 1` workers gives `threads` threads of work. Jobs are
 * handed over through the control block of kernel-control.ts; the workers run the source of
 * kernel-worker.ts, started from code (`eval`), not from a file. Loaded only through
 * platform-node.ts.
 */
import { Worker } from "node:worker_threads";
import {
  CONTROL_BYTES,
  CONTROL_LAYOUT,
  type ControlLayout,
  controlViews,
  takeChunks,
} from "./kernel-control.js";
import { type ChunkJob, KERNEL_FUNCTION_NAMES, type KernelFunctions } from "./kernel-functions.js";
import { type KernelWorkerData, kernelWorkerSource } from "./kernel-worker.js";
import type { WorkerPool } from "./platform-types.js";

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: boolean; value: Promise<string> | string };

/** The control block's layout, shared with the workers. */
const layout: ControlLayout = CONTROL_LAYOUT;

/** A pool of kernel worker threads sharing one memory. */
export class KernelPool implements WorkerPool {
  readonly #workers: Worker[];
  readonly #control: Int32Array;
  readonly #numbers: Float64Array;
  readonly #errors: string[] = [];
  #broken: Error | undefined;

  private constructor(workers: Worker[], control: SharedArrayBuffer) {
    this.#workers = workers;
    const views = controlViews(control);
    this.#control = views.control;
    this.#numbers = views.numbers;
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
   * Starts `count` workers on `module` and the shared `memory`, and resolves once each has
   * instantiated the module. Workers get the compiled module itself and Node's default execArgv,
   * which is the process's own: V8 flags such as --experimental-wasm-relaxed-simd are
   * process-wide (and Node rejects them in an explicit execArgv), so workers accept the same
   * WebAssembly features as the main thread.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    count: number,
  ): Promise<KernelPool> {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const workerData: KernelWorkerData = {
      module,
      memory,
      control,
      names: KERNEL_FUNCTION_NAMES,
      layout,
    };
    const source = kernelWorkerSource();
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let w = 0; w < count; w++) {
      const worker = new Worker(source, { eval: true, workerData });
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

  get size(): number {
    return this.#workers.length;
  }

  async run(job: ChunkJob, functions: KernelFunctions): Promise<void> {
    if (this.#broken !== undefined) throw this.#broken;
    const control = this.#control;
    control[layout.fn] = KERNEL_FUNCTION_NAMES.indexOf(job.fn);
    control[layout.rowsArg] = job.rowsArg;
    control[layout.argCount] = job.base.length;
    control[layout.chunkCount] = job.count;
    this.#numbers[0] = job.rows;
    job.base.forEach((base, k) => {
      this.#numbers[1 + k] = base;
      this.#numbers[1 + layout.maxArgs + k] = job.step[k]!;
    });
    Atomics.store(control, layout.nextChunk, 0);
    Atomics.store(control, layout.checkedIn, 0);
    Atomics.store(control, layout.failed, 0);
    Atomics.add(control, layout.generation, 1);
    Atomics.notify(control, layout.generation);

    let mainError: unknown;
    try {
      const byNumber = KERNEL_FUNCTION_NAMES.map((name) => functions[name]);
      takeChunks(control, this.#numbers, byNumber, layout);
    } catch (error) {
      mainError = error;
    }
    const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
    for (;;) {
      const checkedIn = Atomics.load(control, layout.checkedIn);
      if (checkedIn >= this.#workers.length) break;
      const waited = waitAsync(control, layout.checkedIn, checkedIn);
      if (waited.async) await waited.value;
    }
    if (mainError !== undefined) throw mainError;
    if (Atomics.load(control, layout.failed) !== 0) {
      // The worker posts its error before checking in; give the message a turn to arrive.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const detail = this.#errors.splice(0).join("\n") || "no detail";
      throw this.#broken ?? new Error(`a kernel worker failed running ${job.fn}: ${detail}`);
    }
  }

  async close(): Promise<void> {
    this.#broken ??= new Error("the kernel worker pool was closed");
    this.#control[layout.fn] = layout.stop;
    Atomics.add(this.#control, layout.generation, 1);
    Atomics.notify(this.#control, layout.generation);
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  /** Marks the pool broken and releases a job waiting for check-ins. */
  #fail(error: Error): void {
    this.#broken ??= new Error(`a kernel worker failed: ${error.message}`, { cause: error });
    Atomics.store(this.#control, layout.failed, 1);
    Atomics.add(this.#control, layout.checkedIn, this.#workers.length);
    Atomics.notify(this.#control, layout.checkedIn);
  }
}
