/** The HDF5 array store backend: datasets of HDF5 files in a key-value store. */

import {
  type ArrayStoreBackend,
  type IOOptions,
  type KeyValueStore,
  NotFoundError,
} from "@tt/schema";
import { fileSource, localFile } from "#platform";
import { version } from "../package.json";
import { defaultChunkShape } from "./chunk-shape.js";
import { type AxisOrder, arrayOfFile, type Hdf5Array } from "./hdf5-array.js";
import { openSource } from "./hdf5-file.js";
import { bytesSource, type Hdf5Source } from "./sources.js";
import { splitHdf5Path, storeLabel } from "./store-path.js";
import { createWritable, openWritable } from "./writable.js";

/**
 * Options of {@link createHdf5Store}.
 *
 * @example
 * ```ts
 * const matlabStore = createHdf5Store({ axisOrder: "matlab" } satisfies Hdf5StoreOptions);
 * ```
 */
export interface Hdf5StoreOptions {
  /** How the store's arrays report their axes; `"hdf5"` (the file's order) when omitted. */
  axisOrder?: AxisOrder;
}

/** The file at `key`: in place when the store is a directory (Node), else its bytes whole. */
async function storeSource(
  store: KeyValueStore,
  key: string,
  options: IOOptions,
): Promise<Hdf5Source> {
  const label = storeLabel(store, key);
  const local = await localFile(store, key);
  if (local !== undefined) return fileSource(local, label);
  const bytes = await store.get(key, { signal: options.signal });
  if (bytes === undefined)
    throw new NotFoundError(key, `no HDF5 file '${key}' in ${store.location}`);
  return bytesSource(bytes, label);
}

async function openStored(
  store: KeyValueStore,
  path: string,
  options: IOOptions,
  axisOrder: AxisOrder,
): Promise<Hdf5Array> {
  options.signal?.throwIfAborted();
  const { key, dataset } = splitHdf5Path(path);
  const source = await storeSource(store, key, options);
  const opened = await openSource(
    source,
    dataset === undefined ? source.name : `${source.name}:${dataset}`,
  );
  return arrayOfFile(opened, dataset, { axisOrder });
}

/**
 * An HDF5 {@link ArrayStoreBackend} whose arrays report axes in `axisOrder`. A store path is a
 * file's key, optionally followed by `:` and a dataset's path in the file
 * (`arrays/recordings.h5:/eeg/epochs`); without one, the file's only dataset. On Node a file of a
 * directory store is read in place, chunk by chunk; other stores (memory, HTTP) hand over the
 * file's bytes whole. `create` and `openWritable` build the file in memory and store it whole
 * after each write: they suit small files (and the conformance kit), not large ones.
 *
 * @example
 * ```ts
 * import { createHdf5Store } from "@tt/store-hdf5";
 * import { createDirectoryStore } from "@tt/storage/fs";
 * const matlab = createHdf5Store({ axisOrder: "matlab" });
 * const trials = await matlab.open(createDirectoryStore("./study"), "session1.mat:/X");
 * trials.metadata.shape; // MATLAB's size(X)
 * ```
 */
export function createHdf5Store(options: Hdf5StoreOptions = {}): ArrayStoreBackend {
  const axisOrder = options.axisOrder ?? "hdf5";
  return {
    id: "hdf5",
    version,
    defaultChunkShape,
    open: (store, path, ioOptions = {}) => openStored(store, path, ioOptions, axisOrder),
    create: (store, path, createOptions) => createWritable(store, path, createOptions, axisOrder),
    openWritable: (store, path, ioOptions = {}) => openWritable(store, path, ioOptions, axisOrder),
  };
}

/**
 * The HDF5 array store with axes in the file's order (as h5py reports them).
 *
 * @example
 * ```ts
 * import { hdf5Store } from "@tt/store-hdf5";
 * import { createDirectoryStore } from "@tt/storage/fs";
 * const array = await hdf5Store.open(createDirectoryStore("./data"), "recordings.h5:/eeg/epochs");
 * const first = await array.read([{ start: 0, stop: 10 }]);
 * ```
 */
export const hdf5Store: ArrayStoreBackend = createHdf5Store();
