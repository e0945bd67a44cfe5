/**
 * The kernel worker thread, as code rather than a file: {@link kernelWorkerSource} is JavaScript
 * text that Node runs with `new Worker(source, { eval: true, workerData })`, so no worker file has
 * to be found next to the bundle. The text is made of two self-contained functions,
 * {@link takeChunks} (shared with the main thread) and {@link kernelWorkerMain}; everything else
 * (the module, the memory, the control block and its layout, the function names) arrives in
 * workerData. Both functions are written without helpers, nested functions, spread or optional
 * chaining, so that a bundler's transforms leave their text runnable on its own.
 */
import type { MessagePort } from "node:worker_threads";
import { type ControlLayout, takeChunks } from "./kernel-control.js";

/** What a kernel worker receives in workerData. */
export interface KernelWorkerData {
  /** The compiled kernel module with shared memory. */
  module: WebAssembly.Module;
  /** The shared memory the module is instantiated on. */
  memory: WebAssembly.Memory;
  /** The control block. */
  control: SharedArrayBuffer;
  /** The kernel functions, in the order of their numbers in the control block. */
  names: readonly string[];
  /** The layout of the control block. */
  layout: ControlLayout;
}

/** The part of node:worker_threads a worker uses. */
export interface WorkerThreadsApi {
  parentPort: Pick<MessagePort, "postMessage"> | null;
  workerData: KernelWorkerData;
}

/**
 * The body of a kernel worker: instantiates the module on the shared memory, says it is ready,
 * then waits for jobs and takes chunks until told to stop. Failures are posted to the main
 * thread and flagged in the control block, and the worker checks in either way.
 */
export function kernelWorkerMain(threads: WorkerThreadsApi, take: typeof takeChunks): void {
  const port = threads.parentPort!;
  const data = threads.workerData;
  const layout = data.layout;
  const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
  const functions: ((...args: number[]) => void)[] = [];
  for (let i = 0; i < data.names.length; i++)
    functions.push(instance.exports[data.names[i]!] as (...args: number[]) => void);
  const control = new Int32Array(data.control, 0, layout.numbersOffset / 4);
  const numbers = new Float64Array(data.control, layout.numbersOffset, 1 + 2 * layout.maxArgs);
  // Read the generation before saying ready: the first job comes only after every worker has.
  let seen = Atomics.load(control, layout.generation);
  port.postMessage({ ready: true });
  for (;;) {
    Atomics.wait(control, layout.generation, seen);
    const generation = Atomics.load(control, layout.generation);
    if (generation === seen) continue;
    seen = generation;
    if (control[layout.fn] === layout.stop) break;
    try {
      take(control, numbers, functions, layout);
    } catch (error) {
      const stack = error instanceof Error ? error.stack : undefined;
      port.postMessage({ error: String(stack !== undefined ? stack : error) });
      Atomics.store(control, layout.failed, 1);
    }
    Atomics.add(control, layout.checkedIn, 1);
    Atomics.notify(control, layout.checkedIn);
  }
}

/**
 * The source text of a kernel worker, for `new Worker(source, { eval: true, workerData })`. It
 * runs as a script or as a module, as the process's flags decide.
 */
export function kernelWorkerSource(): string {
  return [
    '"use strict";',
    `const takeChunks = ${takeChunks.toString()};`,
    `const kernelWorkerMain = ${kernelWorkerMain.toString()};`,
    // import() works whether Node evaluates the source as a script or, under
    // --input-type=module (which workers inherit), as a module, where require is undefined.
    'import("node:worker_threads").then((threads) => kernelWorkerMain(threads, takeChunks));',
    "",
  ].join("\n");
}
