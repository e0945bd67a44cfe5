/**
 * The write protocol of tensortools bundles, on any key-value store. Every file of a version is
 * written once under a name no other version uses (`meta/instance.v3-9f2c1a.parquet`) and listed
 * with its length and SHA-256 in the version's inventory; the manifest is the only file ever
 * replaced, by one compare-and-swap that is the commit. Readers read the manifest once and then
 * only the files it names, checked against the inventory, so they see the old version or the
 * new one, never a mix, and a missing or damaged file is an error naming it. Files of replaced
 * versions are removed by an explicit cleanup after a grace period.
 *
 * @example
 * ```ts
 * import { beginVersionedWrite, checkedStore } from "@tt/storage";
 *
 * const write = await beginVersionedWrite(store);
 * const path = write.path("meta/instance", ".parquet");
 * await write.store.set(path, bytes);
 * await write.commit(JSON.stringify({ meta: path, ...(await write.versionFields()) }));
 * const reader = checkedStore(store, manifest.files); // reads only what the version lists
 * ```
 *
 * @packageDocumentation
 */

export { sameBytes, systemErrorCode } from "./bytes.js";
export {
  type CleanupOptions,
  type CleanupReport,
  type CurrentVersion,
  cleanupVersions,
  DEFAULT_GRACE_MS,
} from "./cleanup.js";
export { checkInPlaceFiles, inPlaceFiles } from "./in-place.js";
export {
  checkedStore,
  checkSizes,
  type FileRecord,
  type Inventory,
  type RecordingStore,
  recordingStore,
  recordOf,
  sha256Hex,
} from "./inventory.js";
export { createHttpStore, type HttpStoreOptions } from "./stores/http-store.js";
export { createMemoryStore } from "./stores/memory-store.js";
export {
  type VerifyOptions,
  type VerifyProblem,
  type VerifyReport,
  verifyInventory,
} from "./verify.js";
export {
  type BaseVersion,
  beginVersionedWrite,
  type VersionChange,
  type VersionedWrite,
  type VersionedWriteOptions,
  type VersionFields,
  type VersionRecord,
} from "./versioned-write.js";
export {
  isTemporaryKey,
  PINS_PREFIX,
  versionedPath,
  versionOfKey,
  WRITERS_PREFIX,
} from "./versions.js";
