/**
 * The `#platform` module outside Node (the default condition, which browser bundlers pick): the
 * kernels run on one thread, with unshared memory, so they need neither workers nor
 * cross-origin isolation; warnings go to console.warn. See platform-types.ts.
 */
import { UnsupportedError } from "@tt/schema";
import type { WorkerPool } from "./platform-types.js";

/** Always one thread: the kernels start no workers outside Node. */
export function threadCount(_requested: number | undefined): number {
  return 1;
}

/** Never called outside Node (threadCount is 1); rejects if it is. */
export async function startWorkerPool(
  _module: WebAssembly.Module,
  _memory: WebAssembly.Memory,
  workers: number,
): Promise<WorkerPool> {
  throw new UnsupportedError(
    "kernel worker threads",
    `cannot start ${workers} kernel worker threads: the kernels run on one thread outside Node`,
  );
}

/** Logs a warning on the console. */
export function warn(message: string, _code: string): void {
  console.warn(message);
}
