/** Compiles and instantiates a kernel module on a new memory and collects its functions. */
import { KERNEL_FUNCTION_NAMES, type KernelFunctions } from "./kernel-functions.js";
import { INITIAL_PAGES, MAX_PAGES } from "./kernel-heap.js";
import { featureOf, kernelModuleBytes, type WasmFlavor } from "./wasm-modules.js";

/** A kernel module ready to run: the module (for workers), its memory and its functions. */
export interface WasmKernels {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  functions: KernelFunctions;
}

/** Why `flavor` cannot run on this engine, or undefined when WebAssembly accepts it. */
export function unsupportedReason(flavor: WasmFlavor): string | undefined {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.validate !== "function")
    return "this JavaScript engine has no WebAssembly";
  if (!WebAssembly.validate(kernelModuleBytes(flavor, false)))
    return `this JavaScript engine does not accept ${featureOf(flavor)}`;
  return undefined;
}

/**
 * Compiles the `flavor` build (with shared memory when `shared`) and instantiates it on a new
 * memory. Rejects with the engine's error, prefixed with the step that failed.
 */
export async function instantiateKernels(
  flavor: WasmFlavor,
  shared: boolean,
): Promise<WasmKernels> {
  const what = `the ${featureOf(flavor)} kernel module${shared ? " (shared memory)" : ""}`;
  const step = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${name} ${what} failed: ${message}`, { cause: error });
    }
  };
  const module = await step("compiling", () =>
    WebAssembly.compile(kernelModuleBytes(flavor, shared)),
  );
  const memory = await step(
    "allocating the memory of",
    () => new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared }),
  );
  const instance = await step("instantiating", () =>
    WebAssembly.instantiate(module, { env: { memory } }),
  );
  const absent = KERNEL_FUNCTION_NAMES.filter(
    (name) => typeof instance.exports[name] !== "function",
  );
  if (absent.length > 0) throw new Error(`${what} lacks the functions ${absent.join(", ")}`);
  const functions = Object.fromEntries(
    KERNEL_FUNCTION_NAMES.map((name) => [name, instance.exports[name]]),
  ) as KernelFunctions;
  return { module, memory, functions };
}
