/** How a store path names a file and a dataset in it: `key` or `key:/path/in/file`. */

import type { KeyValueStore } from "@tt/schema";

/**
 * A store path split into the file's key and the dataset's path in the file.
 *
 * @example
 * ```ts
 * const { key, dataset }: Hdf5Path = splitHdf5Path("study/session1.mat:/X");
 * ```
 */
export interface Hdf5Path {
  /** The key of the HDF5 file in the key-value store. */
  readonly key: string;
  /** The dataset's absolute path in the file; `undefined` for "the file's only dataset". */
  readonly dataset: string | undefined;
}

/**
 * Splits `arrays/recordings.h5:/eeg/epochs` at its first `:/` into the file's key and the
 * dataset's path; without `:/` the path is the key alone.
 *
 * @example
 * ```ts
 * splitHdf5Path("arrays/recordings.h5:/eeg/epochs");
 * // { key: "arrays/recordings.h5", dataset: "/eeg/epochs" }
 * ```
 */
export function splitHdf5Path(path: string): Hdf5Path {
  const at = path.indexOf(":/");
  return at < 0
    ? { key: path, dataset: undefined }
    : { key: path.slice(0, at), dataset: path.slice(at + 1) };
}

/** The file at `key` of `store`, as messages name it. */
export function storeLabel(store: KeyValueStore, key: string): string {
  const base = store.location;
  return base.endsWith("/") ? `${base}${key}` : `${base}/${key}`;
}
