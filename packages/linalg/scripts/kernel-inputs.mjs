/**
 * The inputs of the generated kernel module (src/kernel-wasm.generated.ts) and their hash: the
 * AssemblyScript sources in assembly/, the scripts in scripts/ that compile and write them, and
 * the AssemblyScript version. The hash is written into the generated module, so a committed
 * module whose inputs changed since it was generated is detected without compiling anything.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** The package directory (packages/linalg). */
export const packageDir = join(import.meta.dirname, "..");

/** The file the build writes, relative to the package directory. */
export const generatedModule = "src/kernel-wasm.generated.ts";

/** The installed AssemblyScript version, as the compiler of the kernels. */
export function assemblyScriptVersion() {
  const require = createRequire(join(packageDir, "package.json"));
  return JSON.parse(readFileSync(require.resolve("assemblyscript/package.json"), "utf8")).version;
}

/**
 * SHA-256 (hex) of the kernel inputs: every file of `assemblyDir` and `scriptsDir` (sorted by
 * name; line endings normalised, so a checkout with CRLF gives the same hash) and the compiler
 * version. Pass other directories or another version to see what a change does to the hash.
 */
export function kernelInputHash({
  assemblyDir = join(packageDir, "assembly"),
  scriptsDir = join(packageDir, "scripts"),
  compilerVersion = assemblyScriptVersion(),
} = {}) {
  const hash = createHash("sha256");
  hash.update(`assemblyscript ${compilerVersion}\n`);
  for (const [label, dir] of [
    ["assembly", assemblyDir],
    ["scripts", scriptsDir],
  ]) {
    for (const name of readdirSync(dir).sort()) {
      const text = readFileSync(join(dir, name), "utf8").replaceAll("\r\n", "\n");
      hash.update(`${label}/${name} ${Buffer.byteLength(text)}\n${text}`);
    }
  }
  return hash.digest("hex");
}

/** The input hash recorded in the generated module's text, or undefined when it has none. */
export function recordedInputHash(moduleText) {
  return /KERNEL_WASM_INPUT_HASH =\s*"([0-9a-f]{64})"/.exec(moduleText)?.[1];
}
