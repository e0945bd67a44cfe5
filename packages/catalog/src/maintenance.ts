/** What a catalog does besides recording: export for the browser, and garbage collection. */

import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeParquet } from "@tt/meta-parquet";
import { MetaTable } from "@tt/schema";
import type { Catalog, GcReport } from "./catalog.js";
import { immediate } from "./db.js";
import { unpinVersion } from "./pins.js";

/** The tables of the export, by name. */
function catalogTables(catalog: Catalog): [string, MetaTable][] {
  const db = catalog.database;
  return [
    ["versions", catalog.table({ allVersions: true })],
    [
      "runs",
      MetaTable.fromRecords(
        db
          .prepare(
            "SELECT id, transform, library_version, params, status, error, started_at, ended_at FROM runs ORDER BY id",
          )
          .all() as Record<string, unknown>[],
        {
          id: "int32",
          transform: "string",
          library_version: "string",
          params: "string",
          status: "string",
          error: "string",
          started_at: "string",
          ended_at: "string",
        },
      ),
    ],
    [
      "run_inputs",
      MetaTable.fromRecords(
        db
          .prepare(
            `SELECT i.run_id, i.position, a.key, v.version, i.location, i.sha256, i.selectors FROM run_inputs i
           LEFT JOIN versions v ON v.id = i.version_id LEFT JOIN artifacts a ON a.id = v.artifact_id
           ORDER BY i.run_id, i.position`,
          )
          .all() as Record<string, unknown>[],
        {
          run_id: "int32",
          position: "int32",
          key: "string",
          version: "int32",
          location: "string",
          sha256: "string",
          selectors: "string",
        },
      ),
    ],
    [
      "run_outputs",
      MetaTable.fromRecords(
        db
          .prepare(
            `SELECT o.run_id, a.key, v.version FROM run_outputs o JOIN versions v ON v.id = o.version_id
           JOIN artifacts a ON a.id = v.artifact_id ORDER BY o.run_id, a.key`,
          )
          .all() as Record<string, unknown>[],
        { run_id: "int32", key: "string", version: "int32" },
      ),
    ],
    [
      "features",
      MetaTable.fromRecords(
        db
          .prepare("SELECT name, dtype, unit, categories, description FROM features ORDER BY name")
          .all() as Record<string, unknown>[],
        {
          name: "string",
          dtype: "string",
          unit: "string",
          categories: "string",
          description: "string",
        },
      ),
    ],
  ];
}

/**
 * Writes the catalog as Parquet tables into `directory`, for readers without SQLite (the browser,
 * DuckDB): `versions.parquet` (one row per version, features as columns), `runs.parquet`,
 * `run_inputs.parquet`, `run_outputs.parquet` and `features.parquet`. Each file is written beside
 * and renamed into place. Returns the paths written.
 *
 * @example
 * ```ts
 * await exportCatalog(catalog, "./study/catalog-export");
 * ```
 */
export async function exportCatalog(catalog: Catalog, directory: string): Promise<string[]> {
  const out = resolve(directory);
  await mkdir(out, { recursive: true });
  const tables = catalogTables(catalog);
  const written: string[] = [];
  for (const [name, table] of tables) {
    const path = join(out, `${name}.parquet`);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, writeParquet(table));
    await rename(temporary, path);
    written.push(path);
  }
  return written;
}

/**
 * Drops the versions no one needs from the catalog and releases their pins, so that each
 * bundle's next cleanup (its next write, or `tt gc`) removes their files. Only when asked: a
 * version stays while it is an artifact's newest, while a run read it to make a version the
 * catalog still holds, or while a registered version records it as its input or source, unless
 * `force` (then only the newest versions stay). `dryRun` reports without changing anything.
 */
export async function gcCatalog(
  catalog: Catalog,
  options: { force?: boolean; dryRun?: boolean } = {},
): Promise<GcReport> {
  const db = catalog.database;
  type Candidate = {
    id: number;
    key: string;
    version: number;
    location: string;
    manifest_hash: string;
  };
  const candidates = db
    .prepare(
      `SELECT v.id, a.key, v.version, a.location, v.manifest_hash FROM versions v
       JOIN artifacts a ON a.id = v.artifact_id
       WHERE v.version < (SELECT max(version) FROM versions w WHERE w.artifact_id = v.artifact_id)
       ORDER BY a.key, v.version`,
    )
    .all() as Candidate[];
  const readBy = db.prepare(
    `SELECT a.key, v.version FROM run_inputs i JOIN run_outputs o ON o.run_id = i.run_id
     JOIN versions v ON v.id = o.version_id JOIN artifacts a ON a.id = v.artifact_id
     WHERE i.version_id = ? LIMIT 1`,
  );
  const derivedBy = db.prepare(
    `SELECT a.key, v.version FROM derivations d JOIN versions v ON v.id = d.version_id
     JOIN artifacts a ON a.id = v.artifact_id WHERE d.location = ? AND d.manifest_hash = ? LIMIT 1`,
  );
  const report: GcReport = { removed: [], kept: [] };
  const drop: Candidate[] = [];
  for (const c of candidates) {
    const user = (readBy.get(c.id) ?? derivedBy.get(c.location, c.manifest_hash)) as
      | { key: string; version: number }
      | undefined;
    if (user !== undefined && options.force !== true) {
      report.kept.push({
        version: `${c.key}@${c.version}`,
        reason: `${user.key}@${user.version} was made from it`,
      });
      continue;
    }
    drop.push(c);
    report.removed.push(`${c.key}@${c.version}`);
  }
  if (options.dryRun === true || drop.length === 0) return report;
  immediate(db, () => {
    for (const c of drop) {
      db.prepare("DELETE FROM feature_values WHERE version_id = ?").run(c.id);
      db.prepare("DELETE FROM derivations WHERE version_id = ?").run(c.id);
      db.prepare("UPDATE run_inputs SET version_id = NULL WHERE version_id = ?").run(c.id);
      db.prepare("DELETE FROM run_outputs WHERE version_id = ?").run(c.id);
      db.prepare("DELETE FROM versions WHERE id = ?").run(c.id);
    }
  });
  for (const c of drop) await unpinVersion(c.location, catalog.path, c.manifest_hash);
  return report;
}
