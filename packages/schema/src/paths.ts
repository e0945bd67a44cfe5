/** Paths inside a bundle: relative, forward-slashed, never leaving the bundle. */

/**
 * Why `path` is not a safe bundle-relative path, or `undefined` when it is. Safe paths are
 * non-empty, relative, use `/` as separator, have no `..` or empty segments and no URL scheme.
 */
export function unsafePathReason(path: unknown): string | undefined {
  if (typeof path !== "string") return `must be a string, got ${describeType(path)}`;
  if (path.length === 0) return "must not be empty";
  if (path.includes("\0")) return "must not contain a NUL character";
  if (path.includes("\\")) return `must use '/' as separator, got ${JSON.stringify(path)}`;
  if (path.startsWith("/"))
    return `must be relative to the bundle, got absolute path ${JSON.stringify(path)}`;
  if (/^[A-Za-z]:/.test(path))
    return `must be relative to the bundle, got drive path ${JSON.stringify(path)}`;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) {
    return `must be relative to the bundle, got URL ${JSON.stringify(path)}`;
  }
  const segments = path.replace(/\/$/, "").split("/");
  if (segments.includes(".."))
    return `must stay inside the bundle, got ${JSON.stringify(path)} (contains '..')`;
  if (segments.includes("")) return `must not contain empty segments, got ${JSON.stringify(path)}`;
  return undefined;
}

/** Whether `path` is a safe bundle-relative path (see {@link unsafePathReason}). */
export function isSafeRelativePath(path: unknown): path is string {
  return unsafePathReason(path) === undefined;
}

/** `path` with `.` segments and any trailing slash removed, for comparing two safe paths. */
export function normalizeRelativePath(path: string): string {
  return path
    .replace(/\/$/, "")
    .split("/")
    .filter((segment) => segment !== ".")
    .join("/");
}

/** A short description of the type of `value` for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "object":
      return "an object";
    case "string":
      return `string ${JSON.stringify(value)}`;
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof value} ${String(value)}`;
    default:
      return typeof value;
  }
}
