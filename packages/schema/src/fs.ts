/**
 * Node-only parts of `@tt/schema`: a key-value store on a local directory with atomic writes.
 *
 * @example
 * ```ts
 * import { createDirectoryStore } from "@tt/schema/fs";
 * const store = createDirectoryStore("./my-bundle");
 * const manifest = await store.get("manifest.json");
 * ```
 *
 * @packageDocumentation
 */

export {
  type AtomicDirectoryOptions,
  pathExists,
  writeDirectoryAtomically,
} from "./stores/atomic-directory.js";
export { createDirectoryStore, LOCK_FILE } from "./stores/directory-store.js";
export { type FileSystem, fileSystem } from "./stores/file-system.js";
