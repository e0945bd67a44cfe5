/**
 * How files of a version are named and how writers announce themselves. A writer of generation
 * `g` names every file it creates `<stem>.v<g>-<token><extension>` (the token is random, so two
 * writers never pick the same name) and registers itself under `.tt-writers/<token>.json` until
 * its commit, so that cleanup can tell its files from those of a writer that died.
 */

import type { KeyValueStore, WritableKeyValueStore } from "@tt/schema";
import { hostName, processAlive, processId } from "#platform";

/** Where writers register while they write. */
export const WRITERS_PREFIX = ".tt-writers/";

/**
 * Where a catalog pins the versions it holds: each `.tt-pins/<name>.json` is `{"files": [...]}`,
 * keys of a version that cleanup keeps (and the rest of the units they belong to) until the pin
 * is removed.
 */
export const PINS_PREFIX = ".tt-pins/";

/** A file (or array folder) name written by version `g` with writer token `t`: `.v<g>-<t>`. */
const VERSIONED = /\.v(\d+)-([0-9a-f]{6})(?=[./]|$)/;

/** A temporary file of a directory store's write in progress: `<name>.tmp-<12 hex>`. */
const TEMPORARY = /\.tmp-[0-9a-f]{12}$/;

/** How long a writer on another host (or in a page) counts as alive without word from it. */
export const FOREIGN_WRITER_TIMEOUT_MS = 6 * 60 * 60 * 1000;

/** The name of a file of version `generation` written by `token`. */
export function versionedPath(stem: string, extension: string, generation: number, token: string) {
  return `${stem}.v${generation}-${token}${extension}`;
}

/** The version and writer of a versioned key, or undefined for other keys. */
export function versionOfKey(
  key: string,
): { generation: number; token: string; unit: string } | undefined {
  const match = VERSIONED.exec(key);
  if (match === null) return undefined;
  const end = key.indexOf("/", match.index + match[0].length);
  const unit = end < 0 ? key : key.slice(0, end);
  return { generation: Number(match[1]), token: match[2]!, unit };
}

/** Whether `key` is a temporary file of a write in progress (or of one that died). */
export function isTemporaryKey(key: string): boolean {
  return TEMPORARY.test(key);
}

/** A random writer token: 6 hex digits. */
export function newToken(): string {
  const bytes = new Uint8Array(3);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What a writer records of itself while it writes. */
export interface WriterRecord {
  /** The version it is writing. */
  generation: number;
  /** Its process id and host, to tell whether it still runs. */
  pid: number;
  host: string;
  /** When it started, in milliseconds since the epoch. */
  started: number;
}

/** Registers a writer under its token. */
export async function registerWriter(
  store: WritableKeyValueStore,
  token: string,
  generation: number,
): Promise<void> {
  const record: WriterRecord = {
    generation,
    pid: processId(),
    host: hostName(),
    started: Date.now(),
  };
  await store.set(
    `${WRITERS_PREFIX}${token}.json`,
    new TextEncoder().encode(JSON.stringify(record)),
  );
}

/** Removes a writer's registration. */
export async function deregisterWriter(store: WritableKeyValueStore, token: string): Promise<void> {
  await store.delete(`${WRITERS_PREFIX}${token}.json`);
}

/** The registered writers by token (a registration that cannot be read counts as a dead writer). */
export async function registeredWriters(
  store: WritableKeyValueStore,
): Promise<Map<string, WriterRecord | undefined>> {
  const writers = new Map<string, WriterRecord | undefined>();
  for await (const key of store.list(WRITERS_PREFIX)) {
    const name = /^([0-9a-f]{6})\.json$/.exec(key.slice(WRITERS_PREFIX.length));
    if (name === null) continue;
    const token = name[1]!;
    let record: WriterRecord | undefined;
    try {
      const bytes = await store.get(key);
      record =
        bytes === undefined
          ? undefined
          : (JSON.parse(new TextDecoder().decode(bytes)) as WriterRecord);
    } catch {
      record = undefined;
    }
    writers.set(token, record);
  }
  return writers;
}

/** Whether the writer of `record` may still be writing. */
export function writerAlive(record: WriterRecord | undefined, now = Date.now()): boolean {
  if (record === undefined || typeof record.started !== "number") return false;
  if (record.host === hostName() && record.pid !== 0) {
    const alive = processAlive(record.pid);
    if (alive !== undefined) return alive;
  }
  return now - record.started < FOREIGN_WRITER_TIMEOUT_MS;
}

/** Reads `key` as text, or undefined. */
export async function readText(store: KeyValueStore, key: string): Promise<string | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}
