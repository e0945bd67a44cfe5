/**
 * The catalog: datasets and results under keys, a version per manifest, the runs that wrote them,
 * lineage, typed features. One SQLite file that several processes use at once.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, isAbsolute, parse, relative, resolve, sep } from "node:path";
import { queryRows } from "@tt/query";
import {
  AlreadyExistsError,
  ConfigError,
  type LogicalType,
  MetaTable,
  NotFoundError,
} from "@tt/schema";
import type Database from "libsql";
import { type BundleFacts, bundleFacts, canonicalLocation, isUrl } from "./bundle-facts.js";
import { type DatabaseOptions, immediate, openDatabase } from "./db.js";
import {
  checkDefinition,
  decodeFeatureValue,
  encodeFeatureValue,
  type FeatureDefinition,
  logicalTypeOf,
} from "./features.js";
import type { LineageEdge, LineageNode } from "./lineage.js";
import { pinVersion } from "./pins.js";
import {
  type RunInputRecord,
  type RunRecord,
  VERSION_SELECT,
  type VersionRecord,
  type VersionRow,
  versionRecord,
} from "./records.js";

/** What registering a bundle may say about it. */
export interface RegisterOptions {
  /** The key; by default the bundle's path relative to the catalog's folder. */
  key?: string;
  description?: string;
  /** The run that wrote this version (see {@link Catalog.finishRun}). */
  runId?: number;
}

/** An input of a run: a bundle (registered as it is now) or a plain file (checksummed). */
export interface RunInput {
  /** A bundle directory or a file. */
  location: string;
  /** The selectors of the view the run read, when it read a view. */
  selectors?: unknown[];
}

/** A run as it starts. */
export interface RunSpec {
  /** The command or function: `tt concat`, `concatDatasets`. */
  transform: string;
  /** The library and its version, e.g. `tensortools 0.1.0`. */
  libraryVersion: string;
  /** The full parameters; stored as JSON. */
  params: unknown;
  inputs: readonly RunInput[];
}

/** Options of {@link Catalog.lineage}. */
export interface LineageOptions {
  /** The version to start from (default the newest). */
  version?: number;
  /** `up` (where it came from, default) or `down` (what was made of it). */
  direction?: "up" | "down";
}

/** What {@link Catalog.gc} removed or would remove. */
export interface GcReport {
  /** Versions dropped from the catalog (their pins released), as `key@version`. */
  removed: string[];
  /** Versions kept because a result or a run still reads them, with who. */
  kept: { version: string; reason: string }[];
}

type Row = Record<string, unknown>;

/** The catalog's view of a key or a path: the row of the version asked for. */
interface Resolved {
  row: VersionRow;
}

const now = () => new Date().toISOString();

/**
 * A catalog in a SQLite file. Synchronous reads; writes that read bundles are async. Close it
 * when done.
 *
 * @example
 * ```ts
 * import { openCatalog, formatLineage } from "@tt/catalog";
 *
 * const catalog = openCatalog("./study/catalog.db");
 * await catalog.register("./study/night-01", { key: "eeg/night-01" });
 * catalog.defineFeature({ name: "modality", dtype: "string", categories: ["eeg", "ecg"] });
 * catalog.setFeatures("eeg/night-01", { modality: "eeg" });
 * catalog.find("modality == 'eeg' and n_instances > 1000"); // [VersionRecord]
 * console.log(formatLineage(catalog.lineage("eeg/night-01")));
 * catalog.close();
 * ```
 */
export class Catalog {
  /** The catalog file, absolute. */
  readonly path: string;
  readonly #db: Database.Database;

  readonly #openStore: DatabaseOptions["openStore"];

  constructor(path: string, options: DatabaseOptions = {}) {
    this.path = resolve(path);
    this.#db = openDatabase(this.path, options);
    this.#openStore = options.openStore;
  }

  /**
   * The facts of the bundle at `location`: a directory, or a URL through the `openStore` option
   * (a ConfigError without it). Only a directory's version is pinned.
   */
  async #facts(location: string): Promise<{ facts: BundleFacts; pinnable: boolean }> {
    if (!isUrl(location)) return { facts: await bundleFacts(location), pinnable: true };
    if (this.#openStore === undefined)
      throw new ConfigError(
        "location",
        `${location} is a URL: the catalog registers bundles there only when opened with an openStore option (tt does so for s3:// and http(s)://)`,
      );
    return { facts: await bundleFacts(location, await this.#openStore(location)), pinnable: false };
  }

  /** Registers `facts` as a version (see {@link register}) and pins it where it can. */
  async #registerFacts(
    facts: BundleFacts,
    pinnable: boolean,
    options: RegisterOptions,
  ): Promise<VersionRow> {
    const row = this.#store(facts, options);
    if (pinnable) await pinVersion(facts.location, this.path, facts.manifestHash, facts.files);
    return row;
  }

  close(): void {
    this.#db.close();
  }

  /**
   * Registers the bundle (dataset or result) in directory `location` as it is now: a new version
   * when its manifest is new to the catalog, else the version already registered. The version's
   * files are pinned in the bundle so that its own cleanup keeps them (see {@link gc}).
   */
  async register(location: string, options: RegisterOptions = {}): Promise<VersionRecord> {
    const { facts, pinnable } = await this.#facts(location);
    return versionRecord(await this.#registerFacts(facts, pinnable, options));
  }

  /** Writes the facts as a version in one transaction; returns its row. */
  #store(facts: BundleFacts, options: RegisterOptions): VersionRow {
    const db = this.#db;
    return immediate(db, () => {
      const artifact = this.#artifactFor(facts, options);
      const found = db
        .prepare("SELECT id FROM versions WHERE artifact_id = ? AND manifest_hash = ?")
        .get(artifact, facts.manifestHash) as { id: number } | undefined;
      if (found !== undefined) {
        if (options.runId !== undefined)
          db.prepare("UPDATE versions SET run_id = coalesce(run_id, ?) WHERE id = ?").run(
            options.runId,
            found.id,
          );
        return this.#row("v.id = ?", found.id)!;
      }
      const next = db
        .prepare("SELECT coalesce(max(version), 0) + 1 AS n FROM versions WHERE artifact_id = ?")
        .get(artifact) as { n: number };
      const { lastInsertRowid } = db
        .prepare(
          `INSERT INTO versions (artifact_id, version, manifest_hash, manifest, shape, dtype,
             n_instances, size_bytes, run_id, committed_at, registered_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          artifact,
          next.n,
          facts.manifestHash,
          facts.manifestText,
          JSON.stringify(facts.shape),
          facts.dtype,
          facts.nInstances,
          facts.sizeBytes,
          options.runId ?? null,
          facts.committedAt,
          now(),
        );
      const insert = db.prepare(
        "INSERT INTO derivations (version_id, position, how, location, manifest_hash, selectors) VALUES (?, ?, ?, ?, ?, ?)",
      );
      facts.derivations.forEach((d, i) => {
        insert.run(
          lastInsertRowid,
          i,
          d.how,
          d.location,
          d.manifestHash,
          d.selectors === null ? null : JSON.stringify(d.selectors),
        );
      });
      return this.#row("v.id = ?", Number(lastInsertRowid))!;
    });
  }

  /** The artifact id of the bundle at `facts.location`, created when new. */
  #artifactFor(facts: BundleFacts, options: RegisterOptions): number {
    const db = this.#db;
    const byLocation = db
      .prepare("SELECT id, key, kind FROM artifacts WHERE location = ?")
      .get(facts.location) as { id: number; key: string; kind: string } | undefined;
    if (byLocation !== undefined) {
      if (options.key !== undefined && options.key !== byLocation.key)
        throw new AlreadyExistsError(
          facts.location,
          `${facts.location} is registered as '${byLocation.key}', not '${options.key}'`,
        );
      if (byLocation.kind !== facts.kind)
        throw new ConfigError(
          "location",
          `${facts.location} was registered as a ${byLocation.kind} and now holds a ${facts.kind}`,
        );
      if (options.description !== undefined)
        db.prepare("UPDATE artifacts SET description = ? WHERE id = ?").run(
          options.description,
          byLocation.id,
        );
      return byLocation.id;
    }
    const key = options.key ?? this.#defaultKey(facts.location);
    checkKey(key);
    const taken = db.prepare("SELECT location FROM artifacts WHERE key = ?").get(key) as
      | { location: string }
      | undefined;
    if (taken !== undefined)
      throw new AlreadyExistsError(
        facts.location,
        `the key '${key}' already names ${taken.location}; register ${facts.location} under another key`,
      );
    const { lastInsertRowid } = db
      .prepare(
        "INSERT INTO artifacts (key, kind, location, description, created_at) VALUES (?, ?, ?, ?, ?)",
      )
      .run(key, facts.kind, facts.location, options.description ?? null, now());
    return Number(lastInsertRowid);
  }

  /**
   * The path of `location` relative to the catalog's folder, with `/`; a bundle outside that
   * folder, its absolute path without the root (`/data/eeg/night-1` is `data/eeg/night-1`); a
   * URL, its scheme, host and path.
   */
  #defaultKey(location: string): string {
    // A URL: its scheme, host and path (`s3://studies/eeg` is `s3/studies/eeg`).
    if (isUrl(location)) return location.replace("://", "/").split("/").filter(Boolean).join("/");
    const path = relative(dirname(this.path), location);
    const inside = path !== "" && !path.startsWith("..") && !isAbsolute(path);
    const key = inside ? path : location.slice(parse(location).root.length);
    return key.split(sep).join("/");
  }

  /** The first version row matching `where`. */
  #row(where: string, ...args: unknown[]): VersionRow | undefined {
    return this.#db.prepare(`${VERSION_SELECT} WHERE ${where}`).get(...args) as
      | VersionRow
      | undefined;
  }

  /**
   * The version of `keyOrPath` (a key, or a bundle's directory), the newest unless `version` is
   * given; a NotFoundError listing what there is when the catalog does not hold it.
   */
  resolve(keyOrPath: string, version?: number): VersionRecord {
    return versionRecord(this.#resolve(keyOrPath, version).row);
  }

  #resolve(keyOrPath: string, version?: number): Resolved {
    const byKey = this.#db.prepare("SELECT id FROM artifacts WHERE key = ?").get(keyOrPath) as
      | { id: number }
      | undefined;
    const artifact =
      byKey ??
      (this.#db
        .prepare("SELECT id FROM artifacts WHERE location = ?")
        .get(canonicalLocation(keyOrPath)) as { id: number } | undefined);
    if (artifact === undefined)
      throw new NotFoundError(
        `'${keyOrPath}'`,
        `'${keyOrPath}' is neither a key nor a bundle of the catalog ${this.path}`,
        {
          available: this.list()
            .slice(0, 20)
            .map((v) => v.key),
        },
      );
    const row =
      version === undefined
        ? this.#row("v.artifact_id = ? ORDER BY v.version DESC", artifact.id)
        : this.#row("v.artifact_id = ? AND v.version = ?", artifact.id, version);
    if (row === undefined) {
      const versions = this.versions(keyOrPath).map((v) => String(v.version));
      throw new NotFoundError(
        `'${keyOrPath}' version ${version}`,
        `'${keyOrPath}' has no version ${version} in the catalog; it has ${versions.join(", ")}`,
        { available: versions },
      );
    }
    return { row };
  }

  /** The manifest text of a version, as registered (old versions stay readable with it). */
  manifestOf(keyOrPath: string, version?: number): string {
    return this.#resolve(keyOrPath, version).row.manifest;
  }

  /** Every version of `keyOrPath`, oldest first. */
  versions(keyOrPath: string): VersionRecord[] {
    const { row } = this.#resolve(keyOrPath);
    const rows = this.#db
      .prepare(`${VERSION_SELECT} WHERE a.key = ? ORDER BY v.version`)
      .all(row.key) as VersionRow[];
    return rows.map(versionRecord);
  }

  /** The newest version of every artifact, by key. */
  list(): VersionRecord[] {
    return this.#versionRows(false).map(versionRecord);
  }

  /** Every version's row (or the newest of each artifact), by key and version. */
  #versionRows(allVersions: boolean): VersionRow[] {
    const newest =
      "WHERE v.version = (SELECT max(version) FROM versions w WHERE w.artifact_id = v.artifact_id)";
    return this.#db
      .prepare(`${VERSION_SELECT} ${allVersions ? "" : newest} ORDER BY a.key, v.version`)
      .all() as VersionRow[];
  }

  // ---- runs ----

  /**
   * Records the start of a run: its inputs are registered (bundles) or checksummed (files) as
   * they are now. Returns the run's id for {@link finishRun} or {@link failRun}.
   */
  async startRun(spec: RunSpec): Promise<number> {
    if (typeof spec.transform !== "string" || spec.transform.length === 0)
      throw new ConfigError("transform", "a run needs the name of its command or function");
    const inputs: {
      location: string;
      versionId: number | null;
      sha256: string | null;
      selectors: unknown[] | null;
    }[] = [];
    for (const input of spec.inputs) {
      const url = isUrl(input.location);
      const location = canonicalLocation(input.location);
      const info = url ? undefined : await stat(location).catch(() => undefined);
      // A folder (or URL) that is not a readable bundle is recorded by its location alone: the
      // run is still recorded (and the command reports its own error about it).
      const found =
        info?.isDirectory() || (url && this.#openStore !== undefined)
          ? await this.#facts(location).catch(() => undefined)
          : undefined;
      if (found !== undefined) {
        const row = await this.#registerFacts(found.facts, found.pinnable, {});
        inputs.push({
          location,
          versionId: row.id,
          sha256: null,
          selectors: input.selectors ?? null,
        });
      } else if (info?.isFile()) {
        inputs.push({
          location,
          versionId: null,
          sha256: await fileSha256(location),
          selectors: input.selectors ?? null,
        });
      } else {
        inputs.push({
          location,
          versionId: null,
          sha256: null,
          selectors: input.selectors ?? null,
        });
      }
    }
    const db = this.#db;
    return immediate(db, () => {
      const { lastInsertRowid } = db
        .prepare(
          `INSERT INTO runs (transform, library_version, params, status, started_at, pid, host)
           VALUES (?, ?, ?, 'running', ?, ?, ?)`,
        )
        .run(
          spec.transform,
          spec.libraryVersion,
          jsonText(spec.params),
          now(),
          process.pid,
          hostname(),
        );
      const id = Number(lastInsertRowid);
      const insert = db.prepare(
        "INSERT INTO run_inputs (run_id, position, version_id, location, sha256, selectors) VALUES (?, ?, ?, ?, ?, ?)",
      );
      inputs.forEach((input, i) => {
        insert.run(
          id,
          i,
          input.versionId,
          input.location,
          input.sha256,
          input.selectors === null ? null : JSON.stringify(input.selectors),
        );
      });
      return id;
    });
  }

  /** Registers the run's outputs (bundle directories) as written by it and marks it done. */
  async finishRun(
    runId: number,
    outputs: readonly (string | { location: string; key?: string; description?: string })[],
  ): Promise<VersionRecord[]> {
    this.#requireRun(runId);
    const records: VersionRecord[] = [];
    for (const output of outputs) {
      const spec = typeof output === "string" ? { location: output } : output;
      const record = await this.register(spec.location, {
        key: spec.key,
        description: spec.description,
        runId,
      });
      records.push(record);
    }
    const db = this.#db;
    immediate(db, () => {
      const link = db.prepare(
        "INSERT OR IGNORE INTO run_outputs (run_id, version_id) VALUES (?, ?)",
      );
      for (const record of records) {
        const row = this.#row("a.key = ? AND v.version = ?", record.key, record.version)!;
        link.run(runId, row.id);
      }
      db.prepare("UPDATE runs SET status = 'done', ended_at = ? WHERE id = ?").run(now(), runId);
    });
    return records;
  }

  /** Marks the run failed with the error's message. */
  failRun(runId: number, error: unknown): void {
    this.#requireRun(runId);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    immediate(this.#db, () => {
      this.#db
        .prepare("UPDATE runs SET status = 'failed', error = ?, ended_at = ? WHERE id = ?")
        .run(message, now(), runId);
    });
  }

  /**
   * Runs `work` as a recorded run: started before, its outputs (the directories `outputsOf`
   * returns) registered after, or the failure recorded and the error thrown on. Writes that
   * `work` makes through functions that record runs themselves belong to this run: inside it,
   * {@link currentRun} is its id and those functions record nothing of their own.
   */
  async recordRun<T>(
    spec: RunSpec,
    work: () => Promise<T>,
    outputsOf: (value: T) => readonly string[],
  ): Promise<T> {
    const id = await this.startRun(spec);
    let value: T;
    try {
      value = await activeRun.run({ catalog: this.path, id }, work);
    } catch (error) {
      this.failRun(id, error);
      throw error;
    }
    try {
      await this.finishRun(id, outputsOf(value));
    } catch (error) {
      // The work is done but its outputs could not be registered: the run says so.
      this.failRun(id, error);
      throw error;
    }
    return value;
  }

  #requireRun(runId: number): void {
    const found = this.#db.prepare("SELECT id FROM runs WHERE id = ?").get(runId);
    if (found === undefined)
      throw new NotFoundError(`run ${runId}`, `the catalog ${this.path} has no run ${runId}`);
  }

  /** A run with its inputs and outputs. */
  run(runId: number): RunRecord {
    this.#requireRun(runId);
    const db = this.#db;
    const run = db.prepare("SELECT * FROM runs WHERE id = ?").get(runId) as Row;
    const inputs = db
      .prepare(
        `SELECT i.location, a.key, v.version, i.sha256, i.selectors FROM run_inputs i
         LEFT JOIN versions v ON v.id = i.version_id LEFT JOIN artifacts a ON a.id = v.artifact_id
         WHERE i.run_id = ? ORDER BY i.position`,
      )
      .all(runId) as Row[];
    const outputs = db
      .prepare(
        `SELECT a.key, v.version FROM run_outputs o JOIN versions v ON v.id = o.version_id
         JOIN artifacts a ON a.id = v.artifact_id WHERE o.run_id = ? ORDER BY a.key`,
      )
      .all(runId) as { key: string; version: number }[];
    return {
      id: runId,
      transform: run.transform as string,
      libraryVersion: run.library_version as string,
      params: JSON.parse(run.params as string),
      status: run.status as RunRecord["status"],
      error: (run.error as string | null) ?? null,
      startedAt: run.started_at as string,
      endedAt: (run.ended_at as string | null) ?? null,
      inputs: inputs.map(
        (i): RunInputRecord => ({
          location: i.location as string,
          key: (i.key as string | null) ?? null,
          version: (i.version as number | null) ?? null,
          sha256: (i.sha256 as string | null) ?? null,
          selectors: i.selectors === null ? null : JSON.parse(i.selectors as string),
        }),
      ),
      outputs,
    };
  }

  /** Every run, newest first (at most `limit`). */
  runs(limit = 100): RunRecord[] {
    const ids = this.#db.prepare("SELECT id FROM runs ORDER BY id DESC LIMIT ?").all(limit) as {
      id: number;
    }[];
    return ids.map(({ id }) => this.run(id));
  }

  // ---- lineage ----

  /**
   * The lineage of a version as a tree: upstream, the bundles and files it was made from (the
   * run that wrote it and its inputs; what the bundle itself records: a result's input, a
   * concatenation's sources, a written view's dataset; the version before it), each with its
   * own lineage; downstream, everything made from it. See `formatLineage` and `lineageMermaid`.
   */
  lineage(keyOrPath: string, options: LineageOptions = {}): LineageNode {
    const { row } = this.#resolve(keyOrPath, options.version);
    const seen = new Set<number>();
    const direction = options.direction ?? "up";
    const build = (r: VersionRow, edge: LineageEdge | null): LineageNode => {
      const repeated = seen.has(r.id);
      seen.add(r.id);
      const children = repeated
        ? []
        : (direction === "up" ? this.#parents(r) : this.#children(r)).map((link) =>
            link.row === undefined ? link.node : build(link.row, link.edge),
          );
      return { ...versionNode(r), edge, repeated, children };
    };
    return build(row, null);
  }

  /**
   * The inputs of the run that wrote `r`, as links (their versions added to `linked`); `bare`,
   * the run when it read nothing recorded (`tt demo`): what the bundle records is then shown as
   * coming through it.
   */
  #runLinks(
    r: VersionRow,
    linked: Set<number>,
  ): { links: Link[]; bare: { runId: number; transform: string } | undefined } {
    const links: Link[] = [];
    if (r.run_id === null) return { links, bare: undefined };
    const db = this.#db;
    const { transform } = db.prepare("SELECT transform FROM runs WHERE id = ?").get(r.run_id) as {
      transform: string;
    };
    const inputs = db
      .prepare("SELECT * FROM run_inputs WHERE run_id = ? ORDER BY position")
      .all(r.run_id) as Row[];
    for (const input of inputs) {
      const edge: LineageEdge = {
        how: "run",
        runId: r.run_id,
        transform,
        selectors: input.selectors === null ? null : JSON.parse(input.selectors as string),
      };
      if (input.version_id !== null) {
        linked.add(input.version_id as number);
        links.push({ row: this.#row("v.id = ?", input.version_id)!, edge });
      } else
        links.push({
          node: fileNode(input.location as string, input.sha256 as string | null, edge),
        });
    }
    return { links, bare: inputs.length === 0 ? { runId: r.run_id, transform } : undefined };
  }

  /** What `r` was made from. */
  #parents(r: VersionRow): Link[] {
    const db = this.#db;
    const linked = new Set<number>();
    const { links, bare } = this.#runLinks(r, linked);
    const derivationsOf = (id: number) =>
      db
        .prepare("SELECT * FROM derivations WHERE version_id = ? ORDER BY position")
        .all(id) as Row[];
    const previousRow = this.#row(
      "v.artifact_id = (SELECT artifact_id FROM versions WHERE id = ?) AND v.version = ?",
      r.id,
      r.version - 1,
    );
    // What the version before already records (an annotated concatenation keeps its sources) is
    // shown under that version, not again here.
    const inherited = new Set(
      previousRow === undefined
        ? []
        : derivationsOf(previousRow.id).map((d) => `${d.how} ${d.location} ${d.manifest_hash}`),
    );
    for (const d of derivationsOf(r.id)) {
      if (inherited.has(`${d.how} ${d.location} ${d.manifest_hash}`)) continue;
      const source =
        d.location === null
          ? undefined
          : this.#row("a.location = ? AND v.manifest_hash = ?", d.location, d.manifest_hash);
      if (source !== undefined && linked.has(source.id)) continue;
      const edge: LineageEdge = {
        how: d.how as string,
        runId: bare?.runId ?? null,
        transform: bare?.transform ?? null,
        selectors: d.selectors === null ? null : JSON.parse(d.selectors as string),
      };
      if (source !== undefined) {
        linked.add(source.id);
        links.push({ row: source, edge });
      } else
        links.push({
          node: unregisteredNode(
            d.location as string | null,
            d.manifest_hash as string | null,
            edge,
          ),
        });
    }
    if (previousRow !== undefined && !linked.has(previousRow.id))
      links.push({
        row: previousRow,
        edge: { how: "previous version", runId: null, transform: null, selectors: null },
      });
    return links;
  }

  /** What was made from `r`. */
  #children(r: VersionRow): Link[] {
    const db = this.#db;
    const links: Link[] = [];
    const linked = new Set<number>();
    const byRuns = db
      .prepare(
        `SELECT o.version_id, i.selectors, r.id AS run_id, r.transform FROM run_inputs i
         JOIN runs r ON r.id = i.run_id JOIN run_outputs o ON o.run_id = r.id
         WHERE i.version_id = ? ORDER BY r.id`,
      )
      .all(r.id) as Row[];
    for (const link of byRuns) {
      if (linked.has(link.version_id as number)) continue;
      linked.add(link.version_id as number);
      links.push({
        row: this.#row("v.id = ?", link.version_id)!,
        edge: {
          how: "run",
          runId: link.run_id as number,
          transform: link.transform as string,
          selectors: link.selectors === null ? null : JSON.parse(link.selectors as string),
        },
      });
    }
    const derived = db
      .prepare(
        "SELECT * FROM derivations WHERE location = ? AND manifest_hash = ? ORDER BY version_id",
      )
      .all(r.location, r.manifest_hash) as Row[];
    // A version that only inherits the derivation from its own previous version is reached
    // through that one ("next version"), not again here.
    const inheritedBy = db.prepare(
      `SELECT 1 FROM derivations p JOIN versions v ON v.id = ? JOIN versions w
         ON w.artifact_id = v.artifact_id AND w.version = v.version - 1
       WHERE p.version_id = w.id AND p.how = ? AND p.location = ? AND p.manifest_hash = ?`,
    );
    for (const d of derived) {
      if (linked.has(d.version_id as number)) continue;
      if (inheritedBy.get(d.version_id, d.how, d.location, d.manifest_hash) !== undefined) continue;
      linked.add(d.version_id as number);
      links.push({
        row: this.#row("v.id = ?", d.version_id)!,
        edge: {
          how: d.how as string,
          runId: null,
          transform: null,
          selectors: d.selectors === null ? null : JSON.parse(d.selectors as string),
        },
      });
    }
    const next = this.#row(
      "v.artifact_id = (SELECT artifact_id FROM versions WHERE id = ?) AND v.version = ?",
      r.id,
      r.version + 1,
    );
    if (next !== undefined && !linked.has(next.id))
      links.push({
        row: next,
        edge: { how: "next version", runId: null, transform: null, selectors: null },
      });
    return links;
  }

  // ---- features ----

  /** Registers a feature (or redefines it, when no value contradicts the new definition). */
  defineFeature(definition: FeatureDefinition): void {
    const def = checkDefinition(definition);
    const db = this.#db;
    immediate(db, () => {
      const values = db
        .prepare("SELECT v.version_id, v.value FROM feature_values v WHERE v.name = ?")
        .all(def.name) as { value: string }[];
      for (const { value } of values)
        encodeFeatureValue(def, decodeFeatureValue(this.#feature(def.name), value));
      db.prepare(
        `INSERT INTO features (name, dtype, unit, categories, description) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET dtype = excluded.dtype, unit = excluded.unit,
           categories = excluded.categories, description = excluded.description`,
      ).run(
        def.name,
        def.dtype,
        def.unit ?? null,
        def.categories == null ? null : JSON.stringify(def.categories),
        def.description ?? null,
      );
    });
  }

  /** The registered features, by name. */
  features(): FeatureDefinition[] {
    const rows = this.#db.prepare("SELECT * FROM features ORDER BY name").all() as Row[];
    return rows.map(featureOf);
  }

  #feature(name: string): FeatureDefinition {
    const row = this.#db.prepare("SELECT * FROM features WHERE name = ?").get(name) as
      | Row
      | undefined;
    if (row === undefined)
      throw new NotFoundError(`feature '${name}'`, `no feature '${name}' is registered`, {
        available: this.features().map((f) => f.name),
      });
    return featureOf(row);
  }

  /**
   * Attaches feature values to a version (the newest unless `version`), each checked against its
   * registration: all are set, or none (a ConfigError naming the feature and the value).
   */
  setFeatures(
    keyOrPath: string,
    values: Record<string, unknown>,
    options: { version?: number } = {},
  ): void {
    const { row } = this.#resolve(keyOrPath, options.version);
    const encoded = Object.entries(values).map(
      ([name, value]) => [name, encodeFeatureValue(this.#feature(name), value)] as const,
    );
    const db = this.#db;
    immediate(db, () => {
      const set = db.prepare(
        "INSERT INTO feature_values (version_id, name, value) VALUES (?, ?, ?) ON CONFLICT (version_id, name) DO UPDATE SET value = excluded.value",
      );
      for (const [name, text] of encoded) set.run(row.id, name, text);
    });
  }

  /** The feature values of a version. */
  featuresOf(keyOrPath: string, options: { version?: number } = {}): Record<string, unknown> {
    const { row } = this.#resolve(keyOrPath, options.version);
    const rows = this.#db
      .prepare("SELECT name, value FROM feature_values WHERE version_id = ? ORDER BY name")
      .all(row.id) as { name: string; value: string }[];
    return Object.fromEntries(
      rows.map((r) => [r.name, decodeFeatureValue(this.#feature(r.name), r.value)]),
    );
  }

  /**
   * The catalog as a table, one row per version (the newest of each key unless `allVersions`):
   * `key`, `kind`, `version`, `latest`, `location`, `n_instances`, `size_bytes`,
   * `registered_at`, then a column per feature (null where a version has no value).
   */
  table(options: { allVersions?: boolean } = {}): MetaTable {
    return this.#tableOf(this.#versionRows(options.allVersions === true));
  }

  /** The table of `rows` (see {@link table}). */
  #tableOf(rows: readonly VersionRow[]): MetaTable {
    const features = this.features();
    const values = this.#db.prepare("SELECT version_id, name, value FROM feature_values").all() as {
      version_id: number;
      name: string;
      value: string;
    }[];
    const byVersion = new Map<number, Map<string, string>>();
    for (const v of values) {
      const map = byVersion.get(v.version_id) ?? new Map<string, string>();
      map.set(v.name, v.value);
      byVersion.set(v.version_id, map);
    }
    const records = rows.map((r) => {
      const record: Record<string, unknown> = {
        key: r.key,
        kind: r.kind,
        version: r.version,
        latest: r.latest === 1,
        location: r.location,
        n_instances: r.n_instances,
        size_bytes: r.size_bytes,
        registered_at: new Date(r.registered_at),
      };
      for (const f of features) {
        const text = byVersion.get(r.id)?.get(f.name);
        record[f.name] = text === undefined ? null : decodeFeatureValue(f, text);
      }
      return record;
    });
    const types: Record<string, LogicalType> = {
      key: "string",
      kind: "string",
      version: "int32",
      latest: "boolean",
      location: "string",
      n_instances: "float64",
      size_bytes: "float64",
      registered_at: "timestamp",
    };
    for (const f of features) types[f.name] = logicalTypeOf(f);
    return MetaTable.fromRecords(records, types);
  }

  /**
   * The versions (the newest of each key unless `allVersions`) that satisfy `expression`, in the
   * library's query language over {@link table}'s columns: `modality == 'eeg' and n_instances >
   * 10000`. A syntax error or an unknown column is a QueryError that says where.
   */
  find(expression: string, options: { allVersions?: boolean } = {}): VersionRecord[] {
    const rows = this.#versionRows(options.allVersions === true);
    return Array.from(queryRows(this.#tableOf(rows), expression), (i) => versionRecord(rows[i]!));
  }

  /** The database handle, for the package's own modules (export, gc). */
  get database(): Database.Database {
    return this.#db;
  }
}

/** The run being recorded in this async context, if any. */
const activeRun = new AsyncLocalStorage<{ catalog: string; id: number }>();

/**
 * The run `recordRun` is recording around the caller, if any: functions that record their own
 * runs record nothing inside another one (a `tt concat` run is one run, not two).
 */
export function currentRun(): { catalog: string; id: number } | undefined {
  return activeRun.getStore();
}

/** A link of the lineage: a version row to recurse into, or a leaf node. */
type Link =
  | { row: VersionRow; edge: LineageEdge; node?: undefined }
  | { row?: undefined; node: LineageNode };

function versionNode(r: VersionRow): Omit<LineageNode, "edge" | "repeated" | "children"> {
  return {
    type: "version",
    key: r.key,
    version: r.version,
    kind: r.kind,
    location: r.location,
    manifestHash: r.manifest_hash,
    sha256: null,
  };
}

function fileNode(location: string, sha256: string | null, edge: LineageEdge): LineageNode {
  return {
    type: "file",
    key: null,
    version: null,
    kind: null,
    location,
    manifestHash: null,
    sha256,
    edge,
    repeated: false,
    children: [],
  };
}

function unregisteredNode(
  location: string | null,
  manifestHash: string | null,
  edge: LineageEdge,
): LineageNode {
  return {
    type: "unregistered",
    key: null,
    version: null,
    kind: null,
    location,
    manifestHash,
    sha256: null,
    edge,
    repeated: false,
    children: [],
  };
}

function featureOf(row: Row): FeatureDefinition {
  return {
    name: row.name as string,
    dtype: row.dtype as FeatureDefinition["dtype"],
    unit: (row.unit as string | null) ?? null,
    categories: row.categories === null ? null : JSON.parse(row.categories as string),
    description: (row.description as string | null) ?? null,
  };
}

/** A key: non-empty, no leading or trailing `/`, no `..` segment, no control characters. */
function checkKey(key: string): void {
  if (
    typeof key !== "string" ||
    key.length === 0 ||
    key.length > 512 ||
    [...key].some((c) => c.charCodeAt(0) < 0x20) ||
    key.split("/").some((part) => part === ".." || part === "")
  )
    throw new ConfigError(
      "key",
      `${JSON.stringify(key)} is not a valid key: use names separated by '/', like 'eeg/night-2024-03'`,
    );
}

/** JSON text of run parameters (bigints as strings). */
function jsonText(value: unknown): string {
  return JSON.stringify(value ?? null, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** `sha256:<hex>` of a file, streamed. */
async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest("hex")}`;
}

/**
 * Opens the catalog in `path` (created when missing).
 *
 * @example
 * ```ts
 * const catalog = openCatalog("./study/catalog.db");
 * catalog.list(); // the newest version of every key
 * catalog.close();
 * ```
 */
export function openCatalog(path: string, options: DatabaseOptions = {}): Catalog {
  return new Catalog(path, options);
}

/**
 * The catalog named by the environment variable `TT_CATALOG` (a path), or undefined when it is
 * unset or empty: how `tt` commands and API writes opt in to recording runs.
 */
export function catalogFromEnvironment(env: NodeJS.ProcessEnv = process.env): Catalog | undefined {
  const path = env.TT_CATALOG;
  return path === undefined || path === "" ? undefined : openCatalog(path);
}
