/**
 * The catalog's SQLite database (libsql, whose binary comes inside its npm package): its tables, and transactions that several processes can run at
 * once. The database is in WAL mode (readers never wait for a writer) and every change is one
 * `BEGIN IMMEDIATE` transaction, so a process killed in the middle of one leaves nothing of it;
 * a writer that finds another one writing waits for it (busy timeout) instead of failing.
 */

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigError, IoError, type KeyValueStore } from "@tt/schema";
import Database from "libsql";

/** The schema's version, in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS artifacts (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('dataset', 'result')),
  location TEXT NOT NULL UNIQUE,
  description TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  transform TEXT NOT NULL,
  library_version TEXT NOT NULL,
  params TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  error TEXT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
  id INTEGER PRIMARY KEY,
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
  version INTEGER NOT NULL,
  manifest_hash TEXT NOT NULL,
  manifest TEXT NOT NULL,
  shape TEXT NOT NULL,
  dtype TEXT,
  n_instances INTEGER,
  size_bytes INTEGER NOT NULL,
  run_id INTEGER REFERENCES runs(id),
  committed_at TEXT,
  registered_at TEXT NOT NULL,
  UNIQUE (artifact_id, version),
  UNIQUE (artifact_id, manifest_hash)
);
CREATE TABLE IF NOT EXISTS run_inputs (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  position INTEGER NOT NULL,
  version_id INTEGER REFERENCES versions(id),
  location TEXT NOT NULL,
  sha256 TEXT,
  selectors TEXT,
  PRIMARY KEY (run_id, position)
);
CREATE TABLE IF NOT EXISTS run_outputs (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  version_id INTEGER NOT NULL REFERENCES versions(id),
  PRIMARY KEY (run_id, version_id)
);
CREATE TABLE IF NOT EXISTS derivations (
  version_id INTEGER NOT NULL REFERENCES versions(id),
  position INTEGER NOT NULL,
  how TEXT NOT NULL,
  location TEXT,
  manifest_hash TEXT,
  selectors TEXT,
  PRIMARY KEY (version_id, position)
);
CREATE TABLE IF NOT EXISTS features (
  name TEXT PRIMARY KEY,
  dtype TEXT NOT NULL,
  unit TEXT,
  categories TEXT,
  description TEXT
);
CREATE TABLE IF NOT EXISTS feature_values (
  version_id INTEGER NOT NULL REFERENCES versions(id),
  name TEXT NOT NULL REFERENCES features(name),
  value TEXT NOT NULL,
  PRIMARY KEY (version_id, name)
);
CREATE INDEX IF NOT EXISTS versions_hash ON versions (manifest_hash);
CREATE INDEX IF NOT EXISTS run_inputs_version ON run_inputs (version_id);
CREATE INDEX IF NOT EXISTS derivations_source ON derivations (location, manifest_hash);
`;

/** Options of {@link openDatabase}. */
export interface DatabaseOptions {
  /** How long a writer waits for another one before giving up, in ms (default 60 s). */
  busyTimeoutMs?: number;
  /**
   * Opens the store of a bundle at a URL (`s3://`, `http(s)://`), so that the catalog registers
   * bundles there as it does directories (without pins: `gc` works on directories). Without it,
   * registering a URL is a ConfigError and a run records a URL input by its location alone.
   */
  openStore?: (location: string) => Promise<KeyValueStore>;
}

/** Opens (creating when missing) the catalog database at `path`, its tables ready. */
export function openDatabase(path: string, options: DatabaseOptions = {}): Database.Database {
  const file = resolve(path);
  let db: Database.Database;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 60_000 });
  } catch (error) {
    throw new IoError(file, `cannot open the catalog ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    const found = pragmaNumber(db, "user_version");
    if (found > SCHEMA_VERSION)
      throw new ConfigError(
        "catalog",
        `${file} has catalog schema ${found}, newer than this library's (${SCHEMA_VERSION}); upgrade tensortools`,
      );
    immediate(db, () => {
      db.exec(SCHEMA);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    });
  } catch (error) {
    db.close();
    if (error instanceof ConfigError) throw error;
    throw new IoError(file, `${file} is not a tensortools catalog: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return db;
}

/** The value of a pragma that answers one number. */
function pragmaNumber(db: Database.Database, name: string): number {
  const row = db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown>;
  return Number(row[name]);
}

/** Runs `work` in one `BEGIN IMMEDIATE` transaction: all of it is committed, or none. */
export function immediate<T>(db: Database.Database, work: () => T): T {
  return db.transaction(work).immediate();
}
