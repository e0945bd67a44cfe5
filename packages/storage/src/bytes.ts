/** Small helpers the stores share. */

/**
 * Whether `a` and `b` hold the same bytes; two missing values are the same, one missing is not.
 *
 * @example
 * ```ts
 * sameBytes(await store.get("manifest.json"), expected); // the compare of a compare-and-swap
 * ```
 */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * The system error code behind a failed fetch (`ECONNREFUSED`, `ENOTFOUND`): fetch in Node
 * rejects with "fetch failed" and keeps the socket's error as its cause, sometimes one level down.
 *
 * @example
 * ```ts
 * await fetch("http://127.0.0.1:1/").catch(systemErrorCode); // "ECONNREFUSED"
 * ```
 */
export function systemErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const { code, cause, errors } = current as {
      code?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === "string") return code;
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}
