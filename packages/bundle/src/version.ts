/**
 * Dataset bundles under the write protocol of `@tt/storage`: the version a write builds on, the
 * manifest text it commits, the store a reader reads a version through, and the cleanup and
 * verification of a bundle's files.
 */

import {
  AlreadyExistsError,
  type KeyValueStore,
  type Manifest,
  NotFoundError,
  parseManifest,
  type WritableKeyValueStore,
} from "@tt/schema";
import {
  type BaseVersion,
  beginVersionedWrite,
  type CleanupOptions,
  type CleanupReport,
  checkedStore,
  cleanupVersions,
  type VerifyOptions,
  type VerifyReport,
  type VersionedWrite,
  verifyInventory,
} from "@tt/storage";
import { LAYOUT } from "./plugins.js";

/** A dataset's version as a write builds on it: the base of the protocol and the manifest. */
export interface DatasetBase extends BaseVersion {
  /** The validated manifest. */
  readonly manifest: Manifest;
}

/** The bundle's current version, or undefined when `store` holds no manifest. */
export async function readBase(
  store: KeyValueStore,
  signal?: AbortSignal,
): Promise<DatasetBase | undefined> {
  const bytes = await store.get(LAYOUT.manifest, { signal });
  if (bytes === undefined) return undefined;
  const manifest = parseManifest(
    new TextDecoder().decode(bytes),
    `${store.location}/${LAYOUT.manifest}`,
  );
  return {
    bytes,
    manifest,
    generation: manifest.version ?? 0,
    inventory: manifest.inventory ?? {},
  };
}

/** The current version, or a NotFoundError saying that `store` holds no bundle. */
export async function requireBase(
  store: KeyValueStore,
  signal?: AbortSignal,
): Promise<DatasetBase> {
  const base = await readBase(store, signal);
  if (base === undefined)
    throw new NotFoundError(
      LAYOUT.manifest,
      `no ${LAYOUT.manifest} in ${store.location}; is this a tensortools dataset bundle?`,
    );
  return base;
}

/**
 * Writes a new version of the bundle in `store` (version 1 when it holds none): `build` writes
 * the version's files through `write` and returns its manifest, which is then committed; on any
 * failure the version's files are removed and the bundle stays as it was. A bundle already in
 * `store` is an AlreadyExistsError unless `overwrite`. A write that read the bundle first passes
 * the version it read as `base`, so that a commit by another writer since is a ConflictError.
 */
export async function writeNewVersion(
  store: WritableKeyValueStore,
  options: { overwrite?: boolean; signal?: AbortSignal; base?: DatasetBase },
  build: (write: VersionedWrite) => Promise<Manifest>,
): Promise<Manifest> {
  const base = options.base ?? (await readBase(store, options.signal));
  if (base !== undefined && !options.overwrite)
    throw new AlreadyExistsError(
      store.location,
      `${store.location} already holds a dataset bundle; pass overwrite: true to replace it`,
    );
  const write = await beginVersionedWrite(store, { base });
  try {
    const manifest = await build(write);
    await write.commit(manifestText(manifest));
    return manifest;
  } catch (error) {
    await write.abort();
    throw error;
  }
}

/** The text a manifest is stored as. */
export function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The store to read the version of `manifest` through: only its files, checked (0.2.0 on). */
export function versionStore(store: KeyValueStore, manifest: Manifest): KeyValueStore {
  return manifest.inventory === undefined ? store : checkedStore(store, manifest.inventory);
}

/**
 * The unit (file, or array folder) of a key of the layout written before versions existed
 * (`arrays/data.zarr/...`, `meta/instance.parquet`, `meta/instance.<stamp>.parquet` of an
 * append, `partitions/files.parquet`), or undefined for keys that are not the bundle's.
 */
function legacyUnit(key: string): string | undefined {
  const array = /^(arrays\/(?:data|masks)\.zarr|arrays\/coords\/[^/]+\.zarr)\//.exec(key);
  if (array) return array[1];
  if (/^(meta|partitions)\/[^/]+\.parquet$/.test(key)) return key;
  return undefined;
}

/** Options of {@link cleanupBundle}. */
export type CleanupBundleOptions = Omit<CleanupOptions, "legacy">;

/**
 * Removes the files of `store`'s bundle that its current version does not use: files of
 * replaced versions once the current one is older than the grace period (ten minutes unless
 * given), files of writers that died before their commit, temporary files. Files that are not
 * the bundle's are never touched.
 *
 * @example
 * ```ts
 * const { removed, deferred } = await cleanupBundle(store);
 * ```
 */
export async function cleanupBundle(
  store: WritableKeyValueStore,
  options: CleanupBundleOptions = {},
): Promise<CleanupReport> {
  const base = await requireBase(store);
  const committed = base.manifest.created_at;
  return cleanupVersions(
    store,
    {
      generation: base.generation,
      committedAt: committed === undefined ? undefined : Date.parse(committed),
      inventory: base.inventory,
      keep: [LAYOUT.manifest],
    },
    { ...options, legacy: legacyUnit },
  );
}

/**
 * Checks every file of the bundle's current version against its inventory: present, of the
 * listed length, and (unless `checksums: false`) with the listed SHA-256. A bundle written
 * before inventories existed has nothing to check against: an error says so.
 *
 * @example
 * ```ts
 * const report = await verifyBundle(store);
 * if (report.problems.length > 0) console.log(report.problems);
 * ```
 */
export async function verifyBundle(
  store: KeyValueStore,
  options: VerifyOptions = {},
): Promise<VerifyReport & { version: number }> {
  const base = await requireBase(store, options.signal);
  if (base.manifest.inventory === undefined)
    throw new NotFoundError(
      "inventory",
      `the bundle in ${store.location} has schema ${base.manifest.schema_version}, written before inventories: it has no checksums to verify against; rewrite it to get them`,
    );
  return {
    version: base.generation,
    ...(await verifyInventory(store, base.manifest.inventory, options)),
  };
}
