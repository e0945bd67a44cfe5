/** The parameters of a recorded run: an API call's options as JSON a catalog can store. */

import { type JsonValue, MetaTable } from "@tt/schema";

/** A value that is not a parameter: code, a signal, or an object that carries code (a plugin). */
function isCode(value: unknown): boolean {
  if (typeof value === "function" || typeof value === "symbol") return true;
  if (typeof AbortSignal !== "undefined" && value instanceof AbortSignal) return true;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  // Plugins, registries and stores are plain objects with functions among their own values.
  return Object.values(value).some((field) => typeof field === "function");
}

/** Whether `value` is a plain object (a literal), not an instance of a class. */
function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function jsonOf(value: unknown, seen: Set<object>): JsonValue | undefined {
  if (value instanceof MetaTable) return { columns: [...value.columnNames], rows: value.numRows };
  if (value instanceof Date) return value.toISOString();
  if (value === undefined || isCode(value)) return undefined;
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint") return value.toString();
  const object = value as object;
  if (seen.has(object)) return undefined;
  if (ArrayBuffer.isView(object) && !(object instanceof DataView))
    return Array.from(object as unknown as ArrayLike<number | bigint>, (x) => jsonOf(x, seen)!);
  seen.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => jsonOf(item, seen) ?? null);
    if (!isPlainObject(object)) return undefined;
    const out: Record<string, JsonValue> = {};
    for (const [key, field] of Object.entries(object)) {
      const json = jsonOf(field, seen);
      if (json !== undefined) out[key] = json;
    }
    return out;
  } finally {
    seen.delete(object);
  }
}

/**
 * `options` as a run's parameters: JSON values kept as they are; functions, abort signals and
 * objects that carry functions among their values (plugins, registries, stores) dropped; bigints
 * and non-finite numbers as strings; dates as ISO text; a metadata table as its column names and
 * row count; typed arrays as arrays; other class instances and cyclic references dropped.
 */
export function runParams(options: object): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  const seen = new Set<object>([options]);
  for (const [key, value] of Object.entries(options)) {
    const json = jsonOf(value, seen);
    if (json !== undefined) out[key] = json;
  }
  return out;
}
