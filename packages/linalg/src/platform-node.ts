/**
 * The `#platform` module on Node (and runtimes that honour the `node` condition): threads default
 * to every core, large jobs are shared with worker threads, warnings go through
 * process.emitWarning. See platform-types.ts.
 */
import { availableParallelism } from "node:os";
import { KernelPool } from "./kernel-pool.js";
import type { WorkerPool } from "./platform-types.js";

/** The requested threads, else one per core (os.availableParallelism()). */
export function threadCount(requested: number | undefined): number {
  return requested ?? availableParallelism();
}

/** Starts `workers` kernel worker threads (see KernelPool.start). */
export function startWorkerPool(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  workers: number,
): Promise<WorkerPool> {
  return KernelPool.start(module, memory, workers);
}

/** Emits a process warning: Node prints it on stderr, and process.on("warning") receives it. */
export function warn(message: string, code: string): void {
  process.emitWarning(message, { type: "TensorToolsWarning", code });
}
