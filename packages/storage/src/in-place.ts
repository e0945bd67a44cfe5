/**
 * Files a bundle version reads in place: files it lists but never wrote (a user's HDF5 file
 * linked into the bundle). Their inventory record carries the file's modification time beside its
 * length and SHA-256; a reader compares length and time when it opens the version, which costs
 * two small calls, and `verifyInventory` compares the bytes.
 */

import { InputChangedError, type KeyValueStore } from "@tt/schema";
import type { FileRecord, Inventory } from "./inventory.js";

/**
 * The files of `inventory` that are read in place (their record has `mtime_ms`).
 *
 * @example
 * ```ts
 * inPlaceFiles(manifest.inventory); // [["arrays/recordings.h5", { bytes, sha256, mtime_ms }]]
 * ```
 */
export function inPlaceFiles(inventory: Readonly<Inventory>): [string, FileRecord][] {
  return Object.entries(inventory).filter(([, record]) => record.mtime_ms !== undefined);
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Checks each file of `inventory` that the version reads in place: it is in `store` with the
 * recorded length and (where the store tells modification times: a directory) the recorded time.
 * A file that is missing or differs was changed outside tensortools after the bundle linked it,
 * so the bundle, and every result computed from it, may no longer describe it: an
 * InputChangedError (`what: "data"`) naming the file and what differs.
 *
 * @example
 * ```ts
 * await checkInPlaceFiles(createDirectoryStore("./eeg"), manifest.inventory);
 * ```
 */
export async function checkInPlaceFiles(
  store: KeyValueStore,
  inventory: Readonly<Inventory>,
  signal?: AbortSignal,
): Promise<void> {
  for (const [key, record] of inPlaceFiles(inventory)) {
    const changed = (what: string) =>
      new InputChangedError(
        store.location,
        "data",
        `${key}, a file the bundle reads in place, ${what} after the bundle linked it, so the bundle may no longer describe it; verifying the bundle compares its bytes, and linking the file anew records it again`,
      );
    const size = await store.size(key, { signal });
    if (size === undefined) throw changed("is missing: it was moved or deleted");
    if (size !== record.bytes)
      throw changed(`has ${size} bytes where the bundle recorded ${record.bytes}: it changed`);
    const time = await store.modified?.(key, { signal });
    if (time !== undefined && time !== record.mtime_ms)
      throw changed(`was modified at ${iso(time)} (the bundle recorded ${iso(record.mtime_ms!)})`);
  }
}
