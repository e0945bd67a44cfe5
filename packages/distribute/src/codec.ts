/**
 * Task data as JSON: plain values as they are, typed arrays as base64 of their little-endian bytes
 * under a tag (`{ "$f64": "..." }`), so that plans, statistics and pass inputs and outputs travel
 * through any engine's JSON without losing a bit.
 */

import { DataError, type JsonValue } from "@tt/schema";

/** The typed arrays the data of a split fit holds, by their tags. */
const TAGS = {
  $f64: Float64Array,
  $f32: Float32Array,
  $i32: Int32Array,
} as const;

type Tag = keyof typeof TAGS;

/** Bytes as base64 (btoa over chunks of bytes: Node and browsers alike). */
function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += 0x8000)
    parts.push(String.fromCharCode(...bytes.subarray(at, at + 0x8000)));
  return btoa(parts.join(""));
}

/** The bytes of a base64 string; `where` names it when it is not base64. */
function fromBase64(text: string, where: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new DataError(where, "is not a base64 string");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function tagOf(value: ArrayBufferView): Tag | undefined {
  if (value instanceof Float64Array) return "$f64";
  if (value instanceof Float32Array) return "$f32";
  if (value instanceof Int32Array) return "$i32";
  return undefined;
}

/** `value` as JSON; a typed array other than float64, float32 and int32 is a DataError. */
export function toJson(value: unknown, where = "(task)"): JsonValue {
  if (value === null || typeof value !== "object") {
    if (value === undefined) return null;
    if (typeof value === "number" && !Number.isFinite(value))
      throw new DataError(where, `holds ${value}, which JSON cannot carry`);
    return value as JsonValue;
  }
  if (ArrayBuffer.isView(value)) {
    const tag = tagOf(value);
    if (tag === undefined)
      throw new DataError(where, `holds a ${value.constructor.name}, which a task cannot carry`);
    return {
      [tag]: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)),
    };
  }
  if (Array.isArray(value)) return value.map((item, i) => toJson(item, `${where}[${i}]`));
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value))
    if (item !== undefined) out[key] = toJson(item, `${where}.${key}`);
  return out;
}

/** The value of {@link toJson}: tagged base64 strings become typed arrays again. */
export function fromJson(json: unknown, where = "(task)"): unknown {
  if (json === null || typeof json !== "object") return json;
  if (Array.isArray(json)) return json.map((item, i) => fromJson(item, `${where}[${i}]`));
  const entries = Object.entries(json as Record<string, unknown>);
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only !== undefined && Object.hasOwn(TAGS, only[0])) {
    const [tag, text] = only as [Tag, unknown];
    return decodeTyped(tag, text, where);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) out[key] = fromJson(item, `${where}.${key}`);
  return out;
}

function decodeTyped(tag: Tag, text: unknown, where: string): ArrayBufferView {
  const Type = TAGS[tag];
  if (typeof text !== "string")
    throw new DataError(where, `${tag} must be a base64 string, got ${typeof text}`);
  const bytes = fromBase64(text, where);
  if (bytes.length % Type.BYTES_PER_ELEMENT !== 0)
    throw new DataError(
      where,
      `${tag} holds ${bytes.length} bytes, not a whole number of ${Type.BYTES_PER_ELEMENT}-byte values`,
    );
  const values = new Type(bytes.length / Type.BYTES_PER_ELEMENT);
  new Uint8Array(values.buffer).set(bytes);
  return values;
}
