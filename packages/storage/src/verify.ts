/** Checking every file of a bundle version against its inventory: present, sized, checksummed. */

import type { KeyValueStore } from "@tt/schema";
import { type Inventory, sha256Hex } from "./inventory.js";

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

/**
 * Checks every file of `inventory` in `store`: it exists, has the listed length and (unless
 * `checksums` is false) the listed SHA-256.
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
    if (!checksums) {
      const size = await store.size(key, { signal: options.signal });
      if (size === undefined) report.problems.push({ key, problem: "is missing" });
      else if (size !== record.bytes)
        report.problems.push({
          key,
          problem: `has ${size} bytes, the manifest lists ${record.bytes}`,
        });
    } else {
      const bytes = await store.get(key, { signal: options.signal });
      if (bytes === undefined) report.problems.push({ key, problem: "is missing" });
      else if (bytes.length !== record.bytes)
        report.problems.push({
          key,
          problem: `has ${bytes.length} bytes, the manifest lists ${record.bytes}`,
        });
      else if ((await sha256Hex(bytes)) !== record.sha256)
        report.problems.push({
          key,
          problem: "has other bytes than were written (SHA-256 differs)",
        });
    }
    options.onProgress?.(report.files, entries.length);
  }
  return report;
}
