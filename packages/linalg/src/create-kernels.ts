import { ConfigError, NotFoundError, UnsupportedError } from "@tt/schema";
import { KernelEngine } from "./kernel-engine.js";
import { KERNEL_FUNCTION_NAMES, type KernelFunctions } from "./kernel-functions.js";
import {
  arrayBufferStorage,
  INITIAL_PAGES,
  KernelHeap,
  MAX_PAGES,
  memoryStorage,
} from "./kernel-heap.js";
import { KernelPool } from "./kernel-pool.js";
import type { KernelBackend, KernelOptions, Kernels } from "./kernel-types.js";
import { createJsFunctions } from "./kernels-js.js";
import { isNode, kernelWorkerUrl, readWasm, type WasmFlavor, wasmFileName } from "./wasm-loader.js";

const BACKENDS: readonly string[] = ["auto", "wasm-relaxed-simd", "wasm-simd", "js"];

/** Whether the engine has WebAssembly at all. */
function hasWebAssembly(): boolean {
  return typeof WebAssembly === "object" && typeof WebAssembly.validate === "function";
}

/** The threads to use: the option, else every core on Node; always 1 in browsers and for JS. */
async function resolveThreads(option: number | undefined, backend: KernelBackend): Promise<number> {
  if (option !== undefined && (!Number.isInteger(option) || option < 1))
    throw new ConfigError("threads", `must be a positive integer, got ${option}`);
  if (backend === "js" || !isNode()) return 1;
  if (option !== undefined) return option;
  const os = await import("node:os");
  return os.availableParallelism();
}

/**
 * The wasm flavor for a requested backend, or "js" when "auto" finds no SIMD support. Reads the
 * unshared modules to validate them, so a missing build throws instead of falling back.
 */
async function chooseFlavor(requested: KernelBackend | "auto"): Promise<WasmFlavor | "js"> {
  if (requested === "js") return "js";
  if (requested === "auto" && !hasWebAssembly()) return "js";
  if (!hasWebAssembly())
    throw new UnsupportedError("WebAssembly", `backend "${requested}" needs WebAssembly`);
  const accepts = async (flavor: WasmFlavor) =>
    WebAssembly.validate(await readWasm(wasmFileName(flavor, false)));
  if (requested === "wasm-relaxed-simd") {
    if (await accepts("relaxed-simd")) return "relaxed-simd";
    throw new UnsupportedError(
      "WebAssembly relaxed SIMD",
      `backend "wasm-relaxed-simd": this engine does not accept WebAssembly relaxed SIMD ` +
        `(Node 20 needs --experimental-wasm-relaxed-simd); use "wasm-simd" or "auto"`,
    );
  }
  if (requested === "wasm-simd") {
    if (await accepts("simd")) return "simd";
    throw new UnsupportedError(
      "WebAssembly SIMD",
      `backend "wasm-simd": this engine does not accept WebAssembly SIMD128; use "js" or "auto"`,
    );
  }
  if (await accepts("relaxed-simd")) return "relaxed-simd";
  if (await accepts("simd")) return "simd";
  return "js";
}

/**
 * Creates the dense kernels: loads the WebAssembly module (relaxed SIMD or SIMD128) from the
 * package's wasm/ folder, or uses the JavaScript kernels, and on Node with `threads > 1` starts
 * `threads - 1` worker threads on a shared memory. Call `dispose()` when done.
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
  const requested = options.backend ?? "auto";
  if (!BACKENDS.includes(requested))
    throw new ConfigError(
      "backend",
      `must be "auto", "wasm-relaxed-simd", "wasm-simd" or "js", got ${JSON.stringify(requested)}`,
    );
  const flavor = await chooseFlavor(requested);
  const backend: KernelBackend = flavor === "js" ? "js" : `wasm-${flavor}`;
  const threads = await resolveThreads(options.threads, backend);

  if (flavor === "js") {
    const heap = new KernelHeap(arrayBufferStorage(INITIAL_PAGES));
    const functions = createJsFunctions(heap);
    return new KernelEngine({ backend, threads, heap, functions, pool: undefined });
  }

  const shared = threads > 1;
  const bytes = await readWasm(wasmFileName(flavor, shared));
  const module = await WebAssembly.compile(bytes);
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const absent = KERNEL_FUNCTION_NAMES.filter(
    (name) => typeof instance.exports[name] !== "function",
  );
  if (absent.length > 0)
    throw new NotFoundError(
      `wasm/${wasmFileName(flavor, shared)}`,
      `the kernel module lacks ${absent.join(", ")}: it is older than the sources, rebuild ` +
        `@tt/linalg (\`npx -y pnpm@10 --filter @tt/linalg build\`)`,
    );
  const functions = Object.fromEntries(
    KERNEL_FUNCTION_NAMES.map((name) => [name, instance.exports[name]]),
  ) as KernelFunctions;
  const heap = new KernelHeap(memoryStorage(memory));
  const pool = shared
    ? await KernelPool.start(module, memory, threads - 1, kernelWorkerUrl())
    : undefined;
  return new KernelEngine({ backend, threads, heap, functions, pool });
}
