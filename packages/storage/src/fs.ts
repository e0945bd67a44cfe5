/**
 * Bundles as directories on Node: the paths a write may go to, new bundles created under a
 * temporary sibling and renamed into place, whole bundles replaced by an exchange that recovery
 * completes after a crash.
 *
 * @example
 * ```ts
 * import { createDirectory, inspectTarget, writeTarget } from "@tt/storage/fs";
 *
 * const target = writeTarget("./out/eeg");
 * if ((await inspectTarget(target)).kind === "absent")
 *   await createDirectory(target, (store) => writeBundle(store, tensor));
 * ```
 *
 * @packageDocumentation
 */

export {
  createDirectory,
  inspectTarget,
  recoverDirectory,
  replaceDirectory,
  type TargetState,
  writeTarget,
} from "./directories.js";
export { recordInPlace } from "./in-place-record.js";
export {
  createDirectoryStore,
  type DirectoryStoreOptions,
  LOCK_FILE,
} from "./stores/directory-store.js";
export { type FileSystem, fileSystem } from "./stores/file-system.js";
export { pathExists } from "./stores/path-exists.js";
