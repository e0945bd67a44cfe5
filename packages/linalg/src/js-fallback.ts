/** The one warning given when "auto" falls back to the JavaScript kernels. */
import { warn } from "#platform";

/** Marks the warning as given, on globalThis so that two copies of the package share it. */
const WARNED = Symbol.for("@tt/linalg/js-fallback-warned");

/** The warning code (Node prints it; process.on("warning") handlers can filter on it). */
export const JS_FALLBACK_WARNING_CODE = "TT_KERNELS_JS_FALLBACK";

/**
 * Warns, once per process (per JavaScript realm in browsers), that the WebAssembly kernels could
 * not be used and why, on one line: Node gets a process warning, other runtimes console.warn.
 */
export function warnJsFallback(reason: string): void {
  const flags = globalThis as { [WARNED]?: boolean };
  if (flags[WARNED] === true) return;
  flags[WARNED] = true;
  const oneLine = reason.replace(/\s+/g, " ").trim();
  warn(
    `@tt/linalg: the WebAssembly kernels cannot run (${oneLine}); using the JavaScript kernels, ` +
      `which are about 10x slower (pass backend "js" to choose them without this warning)`,
    JS_FALLBACK_WARNING_CODE,
  );
}
