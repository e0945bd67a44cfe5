/**
 * Finds and reads the kernel modules and the worker script in the package's wasm/ folder. The
 * URLs are relative to this file, which sits directly in src/ and is bundled directly into dist/,
 * so `../wasm/` names the same folder from the sources (tests) and from the build. Node reads the
 * files with node:fs (imported dynamically, so the "." entry stays loadable in browsers); browsers
 * fetch them.
 */
import { NotFoundError } from "@tt/schema";

/** The kernel module builds: SIMD128, or relaxed SIMD with fused multiply-add. */
export type WasmFlavor = "simd" | "relaxed-simd";

/** Whether this runs on Node (or a runtime that mimics it), where node:fs and workers exist. */
export function isNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}

/** The file name of a kernel module build. */
export function wasmFileName(flavor: WasmFlavor, shared: boolean): string {
  return `kernels-${flavor}${shared ? "-shared" : ""}.wasm`;
}

/** The URL of a file in the package's wasm/ folder. */
export function wasmAssetUrl(name: string): URL {
  return new URL(`../wasm/${name}`, import.meta.url);
}

/** The URL of the worker script that runs kernel chunks on other threads. */
export function kernelWorkerUrl(): URL {
  return wasmAssetUrl("kernel-worker.mjs");
}

/** The error for a missing module: the package build compiles them. */
function missing(name: string, url: URL, cause: unknown): NotFoundError {
  return new NotFoundError(
    `wasm/${name}`,
    `the WebAssembly kernel module wasm/${name} (${url.href}) is missing: run the build of ` +
      `@tt/linalg (\`npx -y pnpm@10 --filter @tt/linalg build\`, which compiles assembly/ with ` +
      `AssemblyScript), or pass { backend: "js" }`,
    { cause },
  );
}

/** Reads the bytes of a kernel module; throws a NotFoundError naming the build when it is missing. */
export async function readWasm(name: string): Promise<Uint8Array<ArrayBuffer>> {
  const url = wasmAssetUrl(name);
  if (isNode() && url.protocol === "file:") {
    const { readFile } = await import("node:fs/promises");
    try {
      return new Uint8Array(await readFile(url));
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") throw missing(name, url, error);
      throw error;
    }
  }
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw missing(name, url, error);
  }
  if (!response.ok) throw missing(name, url, new Error(`HTTP ${response.status}`));
  return new Uint8Array(await response.arrayBuffer());
}
