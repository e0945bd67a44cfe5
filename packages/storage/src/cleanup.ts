/**
 * Safe cleanup of a bundle's store: files of versions that were replaced, files of writers that
 * died before their commit, and temporary files. It never touches a file of the current version,
 * of a writer that is still writing, or a file that is not ours (a name the bundle format does not
 * use); and files of replaced versions only once the current version is older than the grace
 * period, so that a reader that opened an older manifest just before can finish.
 */

import type { WritableKeyValueStore } from "@tt/schema";
import type { Inventory } from "./inventory.js";
import {
  isTemporaryKey,
  PINS_PREFIX,
  registeredWriters,
  versionOfKey,
  WRITERS_PREFIX,
  writerAlive,
} from "./versions.js";

/** The lock file a directory store's commit holds while it swaps the manifest. */
const LOCK_KEY = ".tt-lock";

/** Whether the commit lock in `store` belongs to a writer that still runs (a dead one's is left). */
async function lockHeld(store: WritableKeyValueStore, now: number): Promise<boolean> {
  try {
    const bytes = await store.get(LOCK_KEY);
    if (bytes === undefined) return false;
    const { pid, host, at } = JSON.parse(new TextDecoder().decode(bytes));
    return writerAlive({ generation: 0, pid, host, started: at }, now);
  } catch {
    return false;
  }
}

/** The keys that catalogs pinned in `store` (see {@link PINS_PREFIX}); an unreadable pin keeps nothing. */
async function pinnedKeys(store: WritableKeyValueStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(PINS_PREFIX)) {
    if (!key.endsWith(".json")) continue;
    try {
      const bytes = await store.get(key);
      const pin = JSON.parse(new TextDecoder().decode(bytes)) as { files?: unknown };
      if (Array.isArray(pin.files))
        for (const file of pin.files) if (typeof file === "string") keys.push(file);
    } catch {
      // A pin being written or damaged: it pins nothing yet; the files it names stay current or
      // within the grace period of the write that made them.
    }
  }
  return keys;
}

/** The keys cleanup keeps: the current version's, and those catalogs pinned. */
async function keptKeys(
  store: WritableKeyValueStore,
  current: CurrentVersion,
): Promise<Set<string>> {
  return new Set([
    ...Object.keys(current.inventory),
    ...current.keep,
    ...(await pinnedKeys(store)),
  ]);
}

/** The default grace period: ten minutes. */
export const DEFAULT_GRACE_MS = 10 * 60 * 1000;

/** The current version, as cleanup needs it. */
export interface CurrentVersion {
  /** Its generation (0 when there is no committed version). */
  generation: number;
  /** When it was committed, in milliseconds since the epoch (undefined: unknown, keep old files). */
  committedAt: number | undefined;
  /** Its files, kept whatever their name. */
  inventory: Readonly<Inventory>;
  /** Keys of the version other than its inventory (the manifest itself). */
  keep: readonly string[];
}

/** Options of {@link cleanupVersions}. */
export interface CleanupOptions {
  /** How long a replaced version stays readable after it was replaced (default ten minutes). */
  graceMs?: number;
  /**
   * Whether a key that is neither versioned nor temporary is still the bundle's own, from a
   * layout written before versions existed (`meta/instance.parquet`); such keys are removed as
   * replaced files. Other keys are never touched.
   */
  legacy?: (key: string) => string | undefined;
  /** The time now (tests). */
  now?: number;
}

/** What cleanup removed and what it kept, and why. */
export interface CleanupReport {
  /** Keys or folders removed. */
  removed: string[];
  /** Keys left for now, with the reason (a live writer, the grace period). */
  deferred: { key: string; reason: string }[];
}

/**
 * Removes what no reader of the current version needs (see the module's description). Safe to
 * run at any time, by any number of processes at once.
 */
export async function cleanupVersions(
  store: WritableKeyValueStore,
  current: CurrentVersion,
  options: CleanupOptions = {},
): Promise<CleanupReport> {
  const now = options.now ?? Date.now();
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const writers = await registeredWriters(store);
  const liveWriters = [...writers].filter(([, record]) => writerAlive(record, now));
  const live = new Set(liveWriters.map(([token]) => token));
  const pastGrace = current.committedAt !== undefined && now - current.committedAt >= graceMs;
  const keep = await keptKeys(store, current);
  const currentUnits = new Set<string>();
  const currentTokens = new Set<string>();
  for (const key of keep) {
    const versioned = versionOfKey(key);
    if (versioned === undefined) continue;
    currentUnits.add(versioned.unit);
    currentTokens.add(versioned.token);
  }
  const units = new Map<string, "remove" | string>();
  const members = new Map<string, string[]>();
  const note = (unit: string, key: string, verdict: string) => {
    units.set(unit, verdict);
    members.set(unit, [...(members.get(unit) ?? []), key]);
  };

  for await (const key of store.list()) {
    if (keep.has(key)) continue;
    if (isTemporaryKey(key)) {
      note(key, key, live.size > 0 ? "a writer is writing" : "remove");
      continue;
    }
    if (key === LOCK_KEY) {
      if (!(await lockHeld(store, now))) note(key, key, "remove");
      continue;
    }
    if (key.startsWith(WRITERS_PREFIX) || key.startsWith(PINS_PREFIX)) continue;
    const versioned = versionOfKey(key);
    if (versioned !== undefined) {
      const { token, generation, unit } = versioned;
      if (currentUnits.has(unit)) continue;
      let verdict: string;
      // A writer that died registered, at or past the current generation, with no file in the
      // current version, never committed: no reader can have seen its files.
      const neverCommitted =
        writers.has(token) && !currentTokens.has(token) && generation >= current.generation;
      if (live.has(token)) verdict = "its writer is still writing";
      else if (neverCommitted) verdict = "remove";
      else verdict = pastGrace ? "remove" : "the grace period";
      note(unit, key, verdict);
      continue;
    }
    const legacy = options.legacy?.(key);
    if (legacy !== undefined) note(legacy, key, pastGrace ? "remove" : "the grace period");
  }

  const report: CleanupReport = { removed: [], deferred: [] };
  for (const [unit, verdict] of units) {
    if (verdict === "remove") {
      for (const key of members.get(unit) ?? []) await store.delete(key);
      report.removed.push(unit);
    } else {
      report.deferred.push({ key: unit, reason: verdict });
    }
  }
  for (const [token, record] of writers) {
    if (live.has(token)) continue;
    // A writer that died after its commit, or one whose files were all removed above.
    const left = [...units].some(
      ([unit, v]) => v !== "remove" && versionOfKey(unit)?.token === token,
    );
    if (!left || record === undefined) await store.delete(`${WRITERS_PREFIX}${token}.json`);
  }
  report.removed.sort();
  return report;
}
