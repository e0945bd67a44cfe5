/**
 * One write of a new bundle version: files go to names no other version uses, every write is
 * recorded in the inventory, and the commit swaps the manifest only if it is still the one the
 * write started from. Until the commit nothing of the write is visible; after a crash its files
 * are found by cleanup through the writer's registration.
 */

import {
  ConflictError,
  hashManifest,
  type JsonValue,
  type Manifest,
  NotFoundError,
  type WritableKeyValueStore,
} from "@tt/schema";
import { sameBytes } from "./bytes.js";
import {
  type FileRecord,
  type Inventory,
  type RecordingStore,
  recordingStore,
  recordOf,
} from "./inventory.js";
import {
  deregisterWriter,
  isTemporaryKey,
  newToken,
  registerWriter,
  versionedPath,
} from "./versions.js";

/** The version a write builds on: the manifest as stored, parsed, and its inventory. */
export interface BaseVersion {
  /** The manifest file's bytes as read; the commit swaps only if they are unchanged. */
  readonly bytes: Uint8Array;
  /** The parsed manifest. */
  readonly manifest: Readonly<Record<string, unknown>>;
  /** Its generation (`version`); 0 for bundles written before versions existed. */
  readonly generation: number;
  /** Its files, for links that share them; empty for bundles written before inventories. */
  readonly inventory: Readonly<Inventory>;
}

/** The fields every versioned manifest carries. */
export interface VersionFields {
  /** The generation: 1 for a new bundle, one more than the base for every later version. */
  version: number;
  /** `hashManifest` of the manifest this one replaced, or null for the first. */
  previous: string | null;
  /** When the version was committed (ISO 8601). */
  created_at: string;
  /** Every file of the version with its length and SHA-256. */
  inventory: Inventory;
  /** What made this version (`{ kind: "append", ... }`), as the writer describes it. */
  change: VersionChange;
  /** The versions before this one, oldest first: their generation, manifest hash and change. */
  history: VersionRecord[];
}

/** What made a version: a kind (`write`, `append`, `annotate`, ...) and details of the writer's. */
export interface VersionChange {
  kind: string;
  [detail: string]: JsonValue;
}

/** One earlier version in a manifest's `history`. */
export interface VersionRecord {
  version: number;
  manifest_hash: string;
  change: VersionChange;
}

/** A write of a new version under way. */
export interface VersionedWrite {
  /** The generation being written. */
  readonly generation: number;
  /** This writer's token, part of every file name it writes. */
  readonly token: string;
  /** Write every file of the version through this store (it records the inventory). */
  readonly store: WritableKeyValueStore;
  /** The key of a new file of this version: `<stem>.v<generation>-<token><extension>`. */
  path(stem: string, extension: string): string;
  /**
   * Keeps files of the base version in this one: `path` (a file, or a folder such as an array)
   * joins the inventory unwritten and unchanged, with the base's records (or, for a base written
   * before inventories, records computed from the files).
   */
  keep(path: string): Promise<void>;
  /**
   * Lists `key`, a file this write did not write (one the version reads in place, such as a
   * user's HDF5 file linked into the bundle), in the inventory with `record`. The write never
   * removes it, not even when it gives up.
   */
  adopt(key: string, record: FileRecord): void;
  /**
   * The version fields of the manifest to commit: the inventory of what was written, `change`
   * (what this version does), and the `history` of the versions before it.
   */
  versionFields(change?: VersionChange): Promise<VersionFields>;
  /**
   * Commits: swaps `manifestKey` to `text` if it still holds the base version's bytes, and
   * releases the registration. Another writer's commit in between is a ConflictError, and this
   * write's files are removed.
   */
  commit(text: string): Promise<void>;
  /** Gives up: removes the files written so far and the registration. */
  abort(): Promise<void>;
}

/** Options of {@link beginVersionedWrite}. */
export interface VersionedWriteOptions {
  /** The key of the manifest (default `manifest.json`). */
  manifestKey?: string;
  /** The version this write replaces; none for a new bundle. */
  base?: BaseVersion;
}

/** What the steps of one versioned write share. */
interface WriteSession {
  readonly store: WritableKeyValueStore;
  readonly manifestKey: string;
  readonly base: BaseVersion | undefined;
  readonly generation: number;
  readonly token: string;
  /** The store the files of the version go through, recording what is written. */
  readonly recording: RecordingStore;
  /** Files of the base version kept in this one, with their records. */
  readonly kept: Inventory;
  /** Files the version lists but this write did not write, with their records. */
  readonly adopted: Inventory;
  /** Whether the write was committed or given up. */
  finished: boolean;
}

/** Gives up the write (once): removes the files written so far and the registration. */
async function abortWrite(session: WriteSession): Promise<void> {
  if (session.finished) return;
  session.finished = true;
  const { store } = session;
  for (const key of Object.keys(session.recording.inventory())) await store.delete(key);
  await deregisterWriter(store, session.token);
}

/** The stored files under `path` (itself or below it), skipping temporary files. */
async function storedFilesUnder(store: WritableKeyValueStore, path: string): Promise<string[]> {
  const found: string[] = [];
  for await (const key of store.list(path))
    if ((key === path || key.startsWith(`${path}/`)) && !isTemporaryKey(key)) found.push(key);
  return found;
}

/**
 * Keeps `path` of the base version: its records from the base's inventory, or, for a base
 * written before inventories, records computed from the stored files.
 */
async function keepPath(session: WriteSession, path: string): Promise<void> {
  const { store, kept } = session;
  const inventory = session.base?.inventory ?? {};
  const listed = Object.keys(inventory).filter((key) => key === path || key.startsWith(`${path}/`));
  if (listed.length > 0) {
    for (const key of listed) kept[key] = inventory[key]!;
    return;
  }
  const found = await storedFilesUnder(store, path);
  if (found.length === 0)
    throw new NotFoundError(
      path,
      `'${path}' is not a file of the version this write builds on (${store.location})`,
    );
  for (const key of found) {
    const bytes = await store.get(key);
    if (bytes === undefined)
      throw new NotFoundError(key, `'${key}' vanished from ${store.location}`);
    kept[key] = await recordOf(bytes);
  }
}

/** The version fields of the manifest to commit. */
async function versionFieldsOf(
  session: WriteSession,
  change: VersionChange = { kind: "write" },
): Promise<VersionFields> {
  const { base } = session;
  const previous = base === undefined ? null : await hashManifest(base.manifest as Manifest);
  return {
    version: session.generation,
    previous,
    created_at: new Date().toISOString(),
    inventory: { ...session.kept, ...session.adopted, ...session.recording.inventory() },
    change,
    history: base === undefined ? [] : [...historyOf(base.manifest), baseRecord(base, previous!)],
  };
}

/** The history a manifest carries (none for manifests written before histories existed). */
function historyOf(manifest: Readonly<Record<string, unknown>>): VersionRecord[] {
  return Array.isArray(manifest.history) ? (manifest.history as VersionRecord[]) : [];
}

/** The record of the base version in the history of the next one. */
function baseRecord(base: BaseVersion, hash: string): VersionRecord {
  const change = base.manifest.change as VersionChange | undefined;
  return { version: base.generation, manifest_hash: hash, change: change ?? { kind: "write" } };
}

/**
 * Replaces the manifest with `bytes` if it still holds the base version's bytes: by the store's
 * compare-and-swap, or by a read and a write on a store without one. Whether it was replaced.
 */
async function swapManifest(session: WriteSession, bytes: Uint8Array): Promise<boolean> {
  const { store, manifestKey, base } = session;
  if (store.swap !== undefined) return store.swap(manifestKey, bytes, base?.bytes);
  const swapped = sameBytes(await store.get(manifestKey), base?.bytes);
  if (swapped) await store.set(manifestKey, bytes);
  return swapped;
}

/** Commits the manifest `text`; another writer's commit in between is a ConflictError. */
async function commitWrite(session: WriteSession, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text.endsWith("\n") ? text : `${text}\n`);
  if (!(await swapManifest(session, bytes))) {
    await abortWrite(session);
    throw new ConflictError(
      session.store.location,
      `another writer committed a new version while this one (version ${session.generation}) was written; nothing of this write was kept: retry it`,
    );
  }
  session.finished = true;
  await deregisterWriter(session.store, session.token);
}

/**
 * Starts writing a new version into `store`: registers the writer and returns the session. Use
 * `session.store` for every file of the version and `session.path` for their names.
 *
 * @example
 * ```ts
 * const write = await beginVersionedWrite(store, { base });
 * const table = write.path("meta/instance", ".parquet");
 * await write.store.set(table, bytes);
 * await write.commit(JSON.stringify({ ...manifest, ...(await write.versionFields()) }));
 * ```
 */
export async function beginVersionedWrite(
  store: WritableKeyValueStore,
  options: VersionedWriteOptions = {},
): Promise<VersionedWrite> {
  const base = options.base;
  const generation = (base?.generation ?? 0) + 1;
  const token = newToken();
  await registerWriter(store, token, generation);
  const session: WriteSession = {
    store,
    manifestKey: options.manifestKey ?? "manifest.json",
    base,
    generation,
    token,
    recording: recordingStore(store, base?.inventory ?? {}),
    kept: {},
    adopted: {},
    finished: false,
  };
  return {
    generation,
    token,
    store: session.recording.store,
    path: (stem, extension) => versionedPath(stem, extension, generation, token),
    keep: (path) => keepPath(session, path),
    adopt: (key, record) => {
      session.adopted[key] = { ...record };
    },
    versionFields: (change) => versionFieldsOf(session, change),
    commit: (text) => commitWrite(session, text),
    abort: () => abortWrite(session),
  };
}
