import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/**
 * Compiles assembly/ into wasm/ before the tests when a module is missing or older than its
 * sources, so the tests never run stale kernels; a no-op after the package build.
 */
export default function buildWasmIfStale(): void {
  const script = resolve(import.meta.dirname, "../scripts/build-wasm.mjs");
  execFileSync(process.execPath, [script, "--if-stale"], { stdio: "inherit" });
}
