/** The h5wasm module, loaded once on first use, and HDF5's errors caught as JavaScript errors. */

type H5wasmPackage = typeof import("h5wasm");

/** The HDF5 C library compiled to WebAssembly, as h5wasm exposes it. */
export type H5Module = Awaited<H5wasmPackage["ready"]> & {
  activate_throwing_error_handler(): number;
  deactivate_throwing_error_handler(): number;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
};

/** h5wasm's high-level classes beside its module. */
export interface H5wasm {
  module: H5Module;
  classes: H5wasmPackage["default"];
}

let loading: Promise<H5wasm> | undefined;

/**
 * Loads h5wasm (its ESM build, which runs in Node and in browsers alike) on first use; the
 * WebAssembly module is compiled once per process.
 */
export function loadH5wasm(): Promise<H5wasm> {
  loading ??= import("h5wasm").then(
    async (h5wasm) => ({ module: (await h5wasm.ready) as H5Module, classes: h5wasm.default }),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * Runs `work` with HDF5's error handler set to throw its error stack as an Error rather than
 * print it to stderr, and puts the default handler back after. h5wasm is synchronous, so no other
 * HDF5 call runs in between.
 */
export function hdf5Call<T>(module: H5Module, work: () => T): T {
  module.activate_throwing_error_handler();
  try {
    return work();
  } finally {
    module.deactivate_throwing_error_handler();
  }
}

/**
 * The innermost reason of an HDF5 error stack (`truncated file: eof = ...`), which says what went
 * wrong; other errors' messages as they are.
 */
export function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const reasons = [...text.matchAll(/#\d+: .* in [\w.]+\(\): (.*)$/gm)].map((m) => m[1]!.trim());
  return reasons.at(-1) ?? text.split("\n")[0]!.trim();
}
