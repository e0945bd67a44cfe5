/** Checking every file of a bundle version against its inventory: present, sized, checksummed. */

import type { KeyValueStore } from "@tt/schema";
import { incrementalSha256 } from "#platform";
import { type FileRecord, type Inventory, sha256Hex } from "./inventory.js";

/** One file that disagrees with the inventory. */
export interface VerifyProblem {
  /** The file's key. */
  key: string;
  /** What is wrong: missing, its length, or its checksum. */
  problem: string;
}

/** What {@link verifyInventory} found. */
export interface VerifyReport {
  /** Files checked. */
  files: number;
  /** Bytes they should hold. */
  bytes: number;
  /** Whether checksums were computed (else only presence and lengths). */
  checksums: boolean;
  /** Every file that disagrees; empty when the version is whole. */
  problems: VerifyProblem[];
}

/** Options of {@link verifyInventory}. */
export interface VerifyOptions {
  /** Read every file and compare its SHA-256 (default true); false checks presence and lengths. */
  checksums?: boolean;
  /** Reports progress as files are checked. */
  onProgress?: (done: number, total: number) => void;
  /** Stops the check. */
  signal?: AbortSignal;
}

/** Files this long and longer are hashed a piece at a time where the platform can. */
const PIECE_BYTES = 8 * 1024 * 1024;

/** SHA-256 of the `bytes` bytes of `key`: piece by piece where the platform can, else whole. */
async function hashOf(
  store: KeyValueStore,
  key: string,
  bytes: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const hash = bytes > PIECE_BYTES ? incrementalSha256() : undefined;
  if (hash === undefined) {
    const whole = await store.get(key, { signal });
    return whole === undefined || whole.length !== bytes ? undefined : sha256Hex(whole);
  }
  for (let offset = 0; offset < bytes; offset += PIECE_BYTES) {
    const length = Math.min(PIECE_BYTES, bytes - offset);
    const piece = await store.get(key, { range: { offset, length }, signal });
    if (piece === undefined || piece.length !== length) return undefined;
    hash.update(piece);
  }
  return hash.hex();
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What is wrong with the file of `key` against `record`, or undefined when nothing is. */
async function problemOf(
  store: KeyValueStore,
  key: string,
  record: FileRecord,
  checksums: boolean,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const inPlace = record.mtime_ms !== undefined;
  const changed = inPlace
    ? "; it is read in place, and was changed after the bundle linked it"
    : "";
  const size = await store.size(key, { signal });
  if (size === undefined) return "is missing";
  if (size !== record.bytes)
    return `has ${size} bytes, the manifest lists ${record.bytes}${changed}`;
  const hash = checksums ? await hashOf(store, key, record.bytes, signal) : record.sha256;
  if (hash === undefined) return `could not be read whole (${record.bytes} bytes)`;
  if (hash !== record.sha256)
    return inPlace
      ? "has other bytes than when the bundle linked it (SHA-256 differs): it was changed in place"
      : "has other bytes than were written (SHA-256 differs)";
  const time = inPlace ? await store.modified?.(key, { signal }) : undefined;
  if (time === undefined || time === record.mtime_ms) return undefined;
  const same = checksums
    ? "its bytes are the same (SHA-256 matches)"
    : "its bytes were not compared (--quick)";
  return `was modified at ${iso(time)}, after the bundle linked it (${iso(record.mtime_ms!)}); ${same}, but readers refuse a file whose time changed: link it anew`;
}

/**
 * Checks every file of `inventory` in `store`: it exists, has the listed length and (unless
 * `checksums` is false) the listed SHA-256. A file read in place (its record has `mtime_ms`) must
 * also have the recorded modification time, where the store tells it; large files are hashed a
 * piece at a time on Node.
 *
 * @example
 * ```ts
 * const { problems } = await verifyInventory(store, manifest.files);
 * for (const { key, problem } of problems) console.log(key, problem);
 * ```
 */
export async function verifyInventory(
  store: KeyValueStore,
  inventory: Readonly<Inventory>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const checksums = options.checksums ?? true;
  const entries = Object.entries(inventory).sort(([a], [b]) => (a < b ? -1 : 1));
  const report: VerifyReport = { files: 0, bytes: 0, checksums, problems: [] };
  for (const [key, record] of entries) {
    options.signal?.throwIfAborted();
    report.files++;
    report.bytes += record.bytes;
    const problem = await problemOf(store, key, record, checksums, options.signal);
    if (problem !== undefined) report.problems.push({ key, problem });
    options.onProgress?.(report.files, entries.length);
  }
  return report;
}
