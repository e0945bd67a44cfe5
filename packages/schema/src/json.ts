/** JSON value types, for manifests, configs, selectors and attrs that must round-trip as text. */

/** A JSON primitive. */
export type JsonPrimitive = string | number | boolean | null;

/** Any JSON value. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Whether `value` is a plain object (not null, not an array, not a class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The path of the first part of `value` that JSON cannot represent faithfully (functions,
 * undefined, bigint, non-finite numbers, class instances, cycles), or `undefined` if it is JSON.
 */
export function findNonJson(
  value: unknown,
  path = "$",
  seen = new Set<object>(),
): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : path;
    case "object": {
      if (value === null) return undefined;
      if (seen.has(value)) return path;
      seen.add(value);
      let found: string | undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length && found === undefined; i++) {
          found = findNonJson(value[i], `${path}[${i}]`, seen);
        }
      } else if (isPlainObject(value)) {
        for (const [key, item] of Object.entries(value)) {
          found = findNonJson(item, `${path}.${key}`, seen);
          if (found !== undefined) break;
        }
      } else {
        found = path;
      }
      seen.delete(value);
      return found;
    }
    default:
      return path;
  }
}
