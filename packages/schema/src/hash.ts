/**
 * Content hashes that tie a result to its input: the dataset manifest as canonical JSON and the
 * ids of an axis, both as `sha256:<hex>` computed with WebCrypto (browsers and Node alike).
 */

import { DataError, UnsupportedError } from "./errors.js";
import type { Manifest } from "./manifest.js";
import type { AxisIndex } from "./tensor.js";

/** `value` as JSON with the keys of every object sorted, so equal values give equal text. */
function canonicalJson(value: unknown, path: string): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new DataError(path, `is ${value}, which JSON cannot hold`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => canonicalJson(item ?? null, `${path}[${i}]`)).join(",")}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item, `${path}.${key}`)}`);
    return `{${entries.join(",")}}`;
  }
  throw new DataError(path, `is a ${typeof value}, which JSON cannot hold`);
}

async function sha256(text: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new UnsupportedError(
      "WebCrypto",
      "hashing needs globalThis.crypto.subtle (Node 20+, or a browser page served over https or localhost)",
    );
  }
  const digest = new Uint8Array(await subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return `sha256:${hex}`;
}

/**
 * The hash of a dataset manifest: SHA-256 of its canonical JSON (keys sorted, no whitespace),
 * as `sha256:<hex>`. Any change to the manifest (shape, files, attrs) changes the hash.
 *
 * @example
 * ```ts
 * const hash = await hashManifest(dataset.manifest); // "sha256:9f86d0..."
 * ```
 */
export async function hashManifest(manifest: Manifest): Promise<string> {
  return sha256(canonicalJson(manifest, "manifest"));
}

/**
 * The hash of the ids of an axis of `n` elements, in order, as `sha256:<hex>`: SHA-256 of
 * `{"count":n,"ids":[...]}` (bigints as decimal strings), or of `{"count":n}` when the axis has
 * no ids. Ids that are not `n` long are a {@link DataError}.
 */
export async function hashIds(ids: AxisIndex | undefined, n: number): Promise<string> {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new DataError("ids count", `must be a non-negative integer, got ${n}`);
  }
  if (ids === undefined) return sha256(`{"count":${n}}`);
  if (ids.length !== n) throw new DataError("ids", `has ${ids.length} entries for ${n} elements`);
  const parts = new Array<string>(n);
  const values = ids as ArrayLike<string | number | bigint>;
  for (let i = 0; i < n; i++) {
    const id = values[i];
    parts[i] = typeof id === "bigint" ? `"${id}"` : canonicalJson(id, `ids[${i}]`);
  }
  return sha256(`{"count":${n},"ids":[${parts.join(",")}]}`);
}
