/**
 * Node.js system errors (ENOENT, ELOOP, ENOTFOUND, ...) in words: one line naming the path, host
 * or address, and a hint. They often arrive as the `cause` of another error (`fetch failed`).
 */

import { isTensorToolsError } from "tensortools";

/** A Node.js system error, with whatever it names. */
export interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  hostname?: string;
  address?: string;
  port?: number;
}

/** The codes described here; other codes stay "unexpected". */
export const SYSTEM_CODES: readonly string[] = [
  "ENOENT",
  "EACCES",
  "EPERM",
  "EISDIR",
  "ENOTDIR",
  "ELOOP",
  "ENAMETOOLONG",
  "ENOSPC",
  "EROFS",
  "EMFILE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EADDRINUSE",
  "EADDRNOTAVAIL",
];

function isSystemError(value: unknown): value is SystemError {
  const code = (value as { code?: unknown } | null)?.code;
  // A tensortools IoError carries the code of the system error it wraps, which is its cause.
  return (
    value instanceof Error &&
    !isTensorToolsError(value) &&
    typeof code === "string" &&
    SYSTEM_CODES.includes(code)
  );
}

/** The first system error in `error`, its causes and (for AggregateError) its errors. */
export function findSystemError(error: unknown, depth = 0): SystemError | undefined {
  if (depth > 8 || error === null || typeof error !== "object") return undefined;
  if (isSystemError(error)) return error;
  const inner = [
    (error as { cause?: unknown }).cause,
    ...(error instanceof AggregateError ? error.errors : []),
  ];
  for (const candidate of inner) {
    const found = findSystemError(candidate, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `work`, whose system errors name `path` when they do not already (EISDIR on read does not). */
export async function naming<T>(path: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isSystemError(error) && error.path === undefined) error.path = path;
    throw error;
  }
}

/**
 * One line and a hint for `error`. `options` are the options of the command that failed, so a
 * hint names only options it has.
 */
export function describeSystemError(
  error: SystemError,
  options: readonly string[] = [],
): { line: string; hint: string } {
  const path = error.path ?? "a path";
  const where = `${error.address ?? error.hostname ?? "the host"}${error.port === undefined ? "" : `:${error.port}`}`;
  const listening = error.syscall === "listen";
  switch (error.code) {
    case "ENOENT":
      return { line: `no such file or folder: ${path}`, hint: "check the path" };
    case "EACCES":
    case "EPERM":
      if (listening)
        return {
          line: `no permission to listen on ${where}`,
          hint: options.includes("port")
            ? "ports below 1024 need privileges; pick another with --port"
            : "ports below 1024 need privileges",
        };
      return { line: `permission denied: ${path}`, hint: "check the permissions of the path" };
    case "EISDIR":
      return { line: `${path} is a folder, where a file was expected`, hint: "check the path" };
    case "ENOTDIR":
      return {
        line: `${path}: a part of this path is a file, where a folder was expected`,
        hint: "check the path",
      };
    case "ELOOP":
      return {
        line: `${path}: too many levels of symbolic links (a loop of links?)`,
        hint: "check where the symbolic links on this path point",
      };
    case "ENAMETOOLONG":
      return { line: `path too long: ${path.slice(0, 120)}...`, hint: "check the path" };
    case "ENOSPC":
      return { line: `no space left on the device writing ${path}`, hint: "free some space" };
    case "EROFS":
      return { line: `read-only file system: ${path}`, hint: "write somewhere else" };
    case "EMFILE":
      return { line: "too many open files", hint: "raise the limit (ulimit -n) or retry" };
    case "ENOTFOUND":
      return {
        line: `could not resolve host ${error.hostname ?? "(unknown)"}`,
        hint: "check the URL's host name and the network connection",
      };
    case "EAI_AGAIN":
      return {
        line: `could not resolve host ${error.hostname ?? "(unknown)"} (temporary DNS failure)`,
        hint: "check the network connection and retry",
      };
    case "ECONNREFUSED":
      return {
        line: `connection refused by ${where}`,
        hint: "check the URL; is the server running? (tt serve prints its URL)",
      };
    case "ECONNRESET":
      return { line: `connection reset by ${where}`, hint: "retry; check the server" };
    case "ETIMEDOUT":
      return { line: `connection to ${where} timed out`, hint: "check the URL and the network" };
    case "EADDRINUSE":
      return {
        line: `${where} is already in use`,
        hint: options.includes("port")
          ? "pick another port with --port (0 picks a free one)"
          : "pick another port",
      };
    case "EADDRNOTAVAIL":
      return {
        line: `cannot listen on ${where}: no such address on this machine`,
        hint: options.includes("host") ? "check --host" : "check the address",
      };
    default:
      return { line: error.message, hint: "run with --debug for details" };
  }
}
