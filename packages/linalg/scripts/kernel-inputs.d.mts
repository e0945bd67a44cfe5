/** Types of kernel-inputs.mjs, for the tests that import it. */

/** The package directory (packages/linalg). */
export const packageDir: string;
/** The file the build writes, relative to the package directory. */
export const generatedModule: string;
/** The installed AssemblyScript version. */
export function assemblyScriptVersion(): string;
/** SHA-256 (hex) of the kernel inputs. */
export function kernelInputHash(inputs?: {
  assemblyDir?: string;
  scriptsDir?: string;
  compilerVersion?: string;
}): string;
/** The input hash recorded in the generated module's text. */
export function recordedInputHash(moduleText: string): string | undefined;
