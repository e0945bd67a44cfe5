/**
 * What differs between Node and the other runtimes, behind the package's `#platform` import: the
 * `node` condition picks platform-node.ts (worker threads, every core, process warnings), the
 * default platform-browser.ts (one thread, console warnings), so browser bundlers never see a
 * `node:` module. Both implement {@link Platform}.
 */
import type { ChunkJob, KernelFunctions } from "./kernel-functions.js";

/** Worker threads that share chunked kernel jobs with the main thread. */
export interface WorkerPool {
  /** Worker threads in the pool. */
  readonly size: number;
  /** Runs every chunk of `job` on the workers and on this thread (with `functions`). */
  run(job: ChunkJob, functions: KernelFunctions): Promise<void>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** The functions a `#platform` module exports. */
export interface Platform {
  /** The threads to run on, given the (validated) `threads` option or undefined for the default. */
  threadCount(requested: number | undefined): number;
  /** Starts `workers` worker threads on the shared `memory`, each with its own instance of `module`. */
  startWorkerPool(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    workers: number,
  ): Promise<WorkerPool>;
  /** Shows a one-line warning to the developer. */
  warn(message: string, code: string): void;
}
