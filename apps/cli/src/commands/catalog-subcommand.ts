/** What a subcommand of `tt catalog` is, and how catalog entries are printed. */

import type { Catalog, VersionRecord } from "@tt/catalog";
import type { Parsed } from "../command.js";
import type { Output } from "../output.js";
import { textTable } from "../tables.js";

/** A subcommand of `tt catalog`: `list`, `feature define`, ... */
export interface Subcommand {
  /** Its words after `tt catalog`: `list`, `feature set`. */
  name: string;
  /** Its synopsis after `tt catalog`, for `--help`. */
  usage: string;
  /** Names of its arguments; a last one ending in `...` takes one or more. */
  positionals: readonly string[];
  /** The options of `tt catalog` it takes (besides the global ones). */
  options: readonly string[];
  /** Whether it may create the catalog (it adds to it); else the catalog must exist. */
  creates?: boolean;
  run(catalog: Catalog, positionals: string[], args: Parsed, out: Output): Promise<number>;
}

/** A size in bytes, in B, kB, MB or GB (powers of 1000). */
export function bytesText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** An ISO 8601 time as `YYYY-MM-DD HH:MM:SS` (UTC), or empty for none. */
export function timeText(iso: string | null): string {
  return iso === null ? "" : iso.slice(0, 19).replace("T", " ");
}

/** A shape as `20 x 10 x 3`. */
export function shapeText(shape: readonly number[]): string {
  return shape.join(" x ");
}

/** A version in a line: `dataset eeg/night-01 v2`. */
export function versionLabel(record: Pick<VersionRecord, "kind" | "key" | "version">): string {
  return `${record.kind} ${record.key} v${record.version}`;
}

/** Versions as a text table: key, kind, version, shape, size, registered. */
export function versionTable(records: readonly VersionRecord[]): string {
  return textTable(
    ["key", "kind", "version", "shape", "size", "registered (UTC)"],
    records.map((r) => [
      r.key,
      r.kind,
      String(r.version),
      shapeText(r.shape),
      bytesText(r.sizeBytes),
      timeText(r.registeredAt),
    ]),
  );
}

/** A version with its feature values, for JSON output. */
export function versionJson(catalog: Catalog, record: VersionRecord): Record<string, unknown> {
  return { ...record, features: catalog.featuresOf(record.key, { version: record.version }) };
}
