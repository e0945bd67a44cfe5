/** Paths confined to a served folder: symbolic links resolved, and refused when they lead out. */

import { realpath } from "node:fs/promises";
import { sep } from "node:path";

/** Error codes of a path that names nothing to serve. */
const NOT_FOUND_CODES = new Set(["ENOENT", "ENOTDIR", "ELOOP", "ENAMETOOLONG", "EISDIR"]);

/** A request for something that is not there (404) or may not be read (403), with a short reason. */
export interface Refusal {
  status: 403 | 404;
  reason: string;
}

/** Whether `path` is `folder` or inside it. */
function inside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/**
 * What a failed file system call on a requested path answers: 404 for nothing there, 403 for no
 * permission, undefined for a failure on the server's side (the caller rethrows it: a 500).
 */
export function refusalOf(error: unknown): Refusal | undefined {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (NOT_FOUND_CODES.has(code)) return { status: 404, reason: "not found" };
  if (code === "EACCES" || code === "EPERM") return { status: 403, reason: "forbidden" };
  return undefined;
}

/**
 * The real path of `wanted` (every link resolved) when it is `folder` (a real path) or lies in it;
 * else a refusal: 404 when nothing is there, 403 when it leads out or may not be read.
 */
export async function confinedRealpath(wanted: string, folder: string): Promise<string | Refusal> {
  let real: string;
  try {
    real = await realpath(wanted);
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal === undefined) throw error;
    return refusal;
  }
  return inside(real, folder) ? real : { status: 403, reason: "outside the served folder" };
}
