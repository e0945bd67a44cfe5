import { ConfigError, UnsupportedError } from "@tt/schema";
import { startWorkerPool, threadCount } from "#platform";
import { warnJsFallback } from "./js-fallback.js";
import { KernelEngine } from "./kernel-engine.js";
import { arrayBufferStorage, INITIAL_PAGES, KernelHeap, memoryStorage } from "./kernel-heap.js";
import type { KernelBackend, KernelOptions, Kernels } from "./kernel-types.js";
import { createJsFunctions } from "./kernels-js.js";
import { instantiateKernels, unsupportedReason, type WasmKernels } from "./wasm-kernels.js";
import { featureOf, type WasmFlavor } from "./wasm-modules.js";

const BACKENDS = [
  "auto",
  "wasm-relaxed-simd",
  "wasm-simd",
  "js",
] as const satisfies readonly NonNullable<KernelOptions["backend"]>[];

/** What a user can do when an explicit wasm backend cannot run. */
const REMEDIES: Record<WasmFlavor, string> = {
  "relaxed-simd":
    'use backend "wasm-simd" or "auto" (relaxed SIMD is on by default in Node 22+ and ' +
    "Chromium 114+; Node 20 needs the flag --experimental-wasm-relaxed-simd)",
  simd:
    'use backend "js" or "auto" (SIMD128 needs Node 16.4+, Chrome 91+, Firefox 89+ or ' +
    "Safari 16.4+)",
};

/** The message of an error of unknown type. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Checks the options and returns the backend asked for. */
function checkOptions(options: KernelOptions): KernelBackend | "auto" {
  const requested = options.backend ?? "auto";
  if (!(BACKENDS as readonly unknown[]).includes(requested))
    throw new ConfigError(
      "backend",
      `must be "auto", "wasm-relaxed-simd", "wasm-simd" or "js", got ${JSON.stringify(requested)}`,
    );
  const { threads } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
    throw new ConfigError("threads", `must be a positive integer, got ${threads}`);
  return requested;
}

/** The JavaScript kernels: one thread, a plain ArrayBuffer heap. */
function jsKernels(): Kernels {
  const heap = new KernelHeap(arrayBufferStorage(INITIAL_PAGES));
  const functions = createJsFunctions(heap);
  return new KernelEngine({ backend: "js", threads: 1, heap, functions, pool: undefined });
}

/**
 * Creates the dense kernels: WebAssembly (relaxed SIMD or SIMD128, compiled from bytes inlined
 * in the package, so no file or URL is loaded) or JavaScript, and on Node with `threads > 1`
 * `threads - 1` worker threads on a shared memory. Outside Node the kernels run on one thread.
 * Call `dispose()` when done.
 *
 * With backend "auto" (the default), an engine without WebAssembly SIMD, or a module that fails to
 * compile or instantiate, gives the JavaScript kernels and one warning per process (a process
 * warning on Node, console.warn elsewhere). An explicit "wasm-relaxed-simd" or "wasm-simd" that
 * cannot run rejects with an UnsupportedError; a bad option with a ConfigError.
 *
 * @example
 * ```ts
 * const kernels = await createKernels({ threads: 1 });
 * const A = kernels.allocMatrix(3, 2, "float64");
 * A.data.set([1, 2, 3, 4, 5, 6]);
 * const AB = await kernels.multiply(A, Float64Array.from([1, 0, 0, 1]), 2); // A · I
 * console.log(kernels.backend, AB); // "wasm-simd" on Node 20, Float64Array [1, 2, 3, 4, 5, 6]
 * await kernels.dispose();
 * ```
 */
export async function createKernels(options: KernelOptions = {}): Promise<Kernels> {
  const requested = checkOptions(options);
  if (requested === "js") return jsKernels();

  if (requested === "auto") {
    const flavor: WasmFlavor =
      unsupportedReason("relaxed-simd") === undefined ? "relaxed-simd" : "simd";
    const reason = unsupportedReason(flavor);
    if (reason !== undefined) {
      warnJsFallback(reason);
      return jsKernels();
    }
    const threads = threadCount(options.threads);
    let loaded: WasmKernels;
    try {
      loaded = await instantiateKernels(flavor, threads > 1);
    } catch (error) {
      warnJsFallback(messageOf(error));
      return jsKernels();
    }
    return wasmKernels(flavor, threads, loaded);
  }

  const flavor: WasmFlavor = requested === "wasm-relaxed-simd" ? "relaxed-simd" : "simd";
  const reason = unsupportedReason(flavor);
  if (reason !== undefined)
    throw new UnsupportedError(
      featureOf(flavor),
      `backend "${requested}": ${reason}; ${REMEDIES[flavor]}`,
    );
  const threads = threadCount(options.threads);
  let loaded: WasmKernels;
  try {
    loaded = await instantiateKernels(flavor, threads > 1);
  } catch (error) {
    throw new UnsupportedError(
      featureOf(flavor),
      `backend "${requested}": ${messageOf(error)}; ${REMEDIES[flavor]}`,
      { cause: error },
    );
  }
  return wasmKernels(flavor, threads, loaded);
}

/** The wasm kernels on a loaded module, with a worker pool when `threads > 1`. */
async function wasmKernels(
  flavor: WasmFlavor,
  threads: number,
  { module, memory, functions }: WasmKernels,
): Promise<Kernels> {
  const heap = new KernelHeap(memoryStorage(memory));
  const pool = threads > 1 ? await startWorkerPool(module, memory, threads - 1) : undefined;
  return new KernelEngine({ backend: `wasm-${flavor}`, threads, heap, functions, pool });
}
