/** The records a catalog returns, and how its rows become them. */

/** What an artifact is: a dataset bundle or a result bundle. */
export type ArtifactKind = "dataset" | "result";

/** One version of a registered artifact. */
export interface VersionRecord {
  /** The artifact's key, e.g. `eeg/night-2024-03`. */
  readonly key: string;
  readonly kind: ArtifactKind;
  /** 1 for the first version the catalog saw, then 2, 3, ...: one per manifest. */
  readonly version: number;
  /** `hashManifest` of the version's manifest: what identifies its content. */
  readonly manifestHash: string;
  /** The bundle's directory, absolute. */
  readonly location: string;
  readonly description: string | null;
  /** The tensor's shape (a result: its instances x rank). */
  readonly shape: readonly number[];
  readonly dtype: string | null;
  /** Instances (the first axis of a dataset, the instances a result scored). */
  readonly nInstances: number | null;
  /** Bytes of the version's files (its inventory). */
  readonly sizeBytes: number;
  /** The run that wrote it, when one was recorded. */
  readonly runId: number | null;
  /** When the bundle committed the version (its manifest's `created_at`). */
  readonly committedAt: string | null;
  readonly registeredAt: string;
  /** Whether it is the artifact's newest version in the catalog. */
  readonly latest: boolean;
}

/** A recorded run of a transform (a `tt` command or an API call that writes). */
export interface RunRecord {
  readonly id: number;
  /** `tt concat`, `concatDatasets`, ... */
  readonly transform: string;
  readonly libraryVersion: string;
  /** The full parameters (the command's options, the call's config). */
  readonly params: unknown;
  readonly status: "running" | "done" | "failed";
  readonly error: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly inputs: readonly RunInputRecord[];
  readonly outputs: readonly { key: string; version: number }[];
}

/** An input of a run: a registered version, or a plain file with its checksum. */
export interface RunInputRecord {
  readonly location: string;
  /** The version read, when the input is a bundle. */
  readonly key: string | null;
  readonly version: number | null;
  /** SHA-256 of a plain file (CSV, NPY, HDF5) read by the run. */
  readonly sha256: string | null;
  /** The selectors of the view the run read, when it read one. */
  readonly selectors: unknown[] | null;
}

/** A row of `versions` joined with its artifact. */
export interface VersionRow {
  id: number;
  key: string;
  kind: ArtifactKind;
  location: string;
  description: string | null;
  version: number;
  manifest_hash: string;
  manifest: string;
  shape: string;
  dtype: string | null;
  n_instances: number | null;
  size_bytes: number;
  run_id: number | null;
  committed_at: string | null;
  registered_at: string;
  latest: number;
}

/** The SELECT that yields {@link VersionRow}s (append WHERE / ORDER BY). */
export const VERSION_SELECT = `
SELECT v.id, a.key, a.kind, a.location, a.description, v.version, v.manifest_hash, v.manifest,
  v.shape, v.dtype, v.n_instances, v.size_bytes, v.run_id, v.committed_at, v.registered_at,
  v.version = (SELECT max(version) FROM versions w WHERE w.artifact_id = v.artifact_id) AS latest
FROM versions v JOIN artifacts a ON a.id = v.artifact_id`;

/** The record of a row. */
export function versionRecord(row: VersionRow): VersionRecord {
  return {
    key: row.key,
    kind: row.kind,
    version: row.version,
    manifestHash: row.manifest_hash,
    location: row.location,
    description: row.description,
    shape: JSON.parse(row.shape) as number[],
    dtype: row.dtype,
    nInstances: row.n_instances,
    sizeBytes: row.size_bytes,
    runId: row.run_id,
    committedAt: row.committed_at,
    registeredAt: row.registered_at,
    latest: row.latest === 1,
  };
}
