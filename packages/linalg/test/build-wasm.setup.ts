import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/**
 * Regenerates src/kernel-wasm.generated.ts before the tests when its recorded input hash differs
 * from the inputs' (assembly/ or scripts/ changed), so the tests never run stale kernels; a no-op
 * otherwise. With the CI environment variable set, a stale module fails the run instead.
 */
export default function buildWasmIfStale(): void {
  const script = resolve(import.meta.dirname, "../scripts/build-wasm.mjs");
  execFileSync(process.execPath, [script, "--if-stale"], { stdio: "inherit" });
}
