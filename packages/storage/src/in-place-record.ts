/** The inventory record of a file a bundle reads in place, computed from the file on disk. */

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { DataError } from "@tt/schema";
import type { FileRecord } from "./inventory.js";
import { fileSystem as fs } from "./stores/file-system.js";

/**
 * The record of the file at `path` for a version that reads it in place: its length, its SHA-256
 * (read once, a piece at a time, so a file larger than memory is fine) and its modification time.
 * A file that changes while it is read is a DataError: record it once nothing writes to it.
 *
 * @example
 * ```ts
 * const record = await recordInPlace("./study/recordings.h5");
 * write.adopt("arrays/recordings.h5", record);
 * ```
 */
export async function recordInPlace(path: string, signal?: AbortSignal): Promise<FileRecord> {
  const before = await fs.stat(path);
  if (!before.isFile()) throw new DataError(path, "is not a file");
  const hash = createHash("sha256");
  for await (const piece of createReadStream(path, { highWaterMark: 4 * 1024 * 1024, signal }))
    hash.update(piece as Buffer);
  const after = await fs.stat(path);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs)
    throw new DataError(path, "changed while it was read; record it once nothing writes to it");
  return { bytes: after.size, sha256: hash.digest("hex"), mtime_ms: after.mtimeMs };
}
