/** The HDF5 array store backend: datasets of HDF5 files in a key-value store. */

import {
  type ArrayStoreBackend,
  ConfigError,
  DataError,
  type IOOptions,
  type JsonObject,
  type KeyValueStore,
  NotFoundError,
  type StoredArray,
} from "@tt/schema";
import { fileSource, httpSource, localFile } from "#platform";
import { version } from "../package.json";
import { defaultChunkShape } from "./chunk-shape.js";
import { type AxisOrder, arrayOfFile } from "./hdf5-array.js";
import { openSource } from "./hdf5-file.js";
import { bytesSource, type Hdf5Source } from "./sources.js";
import { openHdf5Sparse } from "./sparse-hdf5.js";
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
  /** The dataset opened when a store path names only the file (no `:/path`). */
  dataset?: string;
  /** Axis names of the arrays opened, in the reported order (see `OpenHdf5Options`). */
  dimensionNames?: readonly string[];
  /**
   * The store's paths name compressed sparse matrix groups (10X's `/matrix`, an h5ad `/X`) in this
   * layout, opened with `openHdf5Sparse`: reads return dense blocks.
   */
  sparse?: { compressed: "rows" | "columns"; transpose?: boolean };
}

/** The settings a bundle records for the store (`plugins.array_store_options`), by key. */
const SETTINGS = ["dataset", "axis_order", "dimension_names", "sparse"] as const;

/** The `sparse` setting (`{ compressed: "rows" | "columns", transpose?: boolean }`), checked. */
function sparseOfSetting(value: unknown, where: string): Hdf5StoreOptions["sparse"] {
  const setting = value as { compressed?: unknown; transpose?: unknown } | null;
  const keys = typeof setting === "object" && setting !== null ? Object.keys(setting) : [];
  if (
    keys.length === 0 ||
    keys.some((key) => key !== "compressed" && key !== "transpose") ||
    (setting!.compressed !== "rows" && setting!.compressed !== "columns") ||
    (setting!.transpose !== undefined && typeof setting!.transpose !== "boolean")
  )
    throw new ConfigError(
      where,
      `must be { "compressed": "rows" | "columns", "transpose": true | false }, got ${JSON.stringify(value)}`,
    );
  const { compressed, transpose } = setting as {
    compressed: "rows" | "columns";
    transpose?: boolean;
  };
  return { compressed, ...(transpose === undefined ? {} : { transpose }) };
}

/**
 * The store options of a bundle's recorded settings (`{ dataset, axis_order, dimension_names }`,
 * all optional); anything else is a ConfigError naming the setting.
 */
function optionsOfSettings(settings: JsonObject): Hdf5StoreOptions {
  const where = (key: string) => `plugins.array_store_options.${key}`;
  for (const key of Object.keys(settings))
    if (!(SETTINGS as readonly string[]).includes(key))
      throw new ConfigError(where(key), `the HDF5 store knows ${SETTINGS.join(", ")}`);
  const { dataset, axis_order: order, dimension_names: names, sparse } = settings;
  if (dataset !== undefined && (typeof dataset !== "string" || !dataset.startsWith("/")))
    throw new ConfigError(
      where("dataset"),
      `must be a path in the file such as "/data", got ${JSON.stringify(dataset)}`,
    );
  if (order !== undefined && order !== "hdf5" && order !== "matlab")
    throw new ConfigError(
      where("axis_order"),
      `must be "hdf5" or "matlab", got ${JSON.stringify(order)}`,
    );
  if (names !== undefined && (!Array.isArray(names) || !names.every((n) => typeof n === "string")))
    throw new ConfigError(
      where("dimension_names"),
      `must be a list of axis names, got ${JSON.stringify(names)}`,
    );
  return {
    ...(dataset === undefined ? {} : { dataset }),
    ...(order === undefined ? {} : { axisOrder: order }),
    ...(names === undefined ? {} : { dimensionNames: names as string[] }),
    ...(sparse === undefined ? {} : { sparse: sparseOfSetting(sparse, where("sparse")) }),
  };
}

/** The file at `url` read by ranges (see `httpSource`), its length checked against the store's. */
async function rangeSource(store: KeyValueStore, key: string, url: string, options: IOOptions) {
  const source = httpSource(url);
  if (source === undefined) return undefined;
  const listed = await store.size(key, { signal: options.signal }).catch((error) => {
    source.close?.();
    throw error;
  });
  if (listed !== undefined && listed !== source.size) {
    source.close?.();
    throw new DataError(url, `has ${source.size} bytes, the store lists ${listed}`);
  }
  return source;
}

/**
 * The file at `key`: in place when the store is a directory (Node), by range requests when it is
 * at an http(s) URL (on Node, and in a web worker), else its bytes whole.
 */
async function storeSource(
  store: KeyValueStore,
  key: string,
  options: IOOptions,
): Promise<Hdf5Source> {
  const label = storeLabel(store, key);
  const local = await localFile(store, key);
  if (local !== undefined) return fileSource(local, label);
  const ranged = /^https?:\/\//i.test(label)
    ? await rangeSource(store, key, label, options)
    : undefined;
  if (ranged !== undefined) return ranged;
  const bytes = await store.get(key, { signal: options.signal });
  if (bytes === undefined)
    throw new NotFoundError(key, `no HDF5 file '${key}' in ${store.location}`);
  return bytesSource(bytes, label);
}

async function openStored(
  store: KeyValueStore,
  path: string,
  options: IOOptions,
  storeOptions: Hdf5StoreOptions,
): Promise<StoredArray> {
  options.signal?.throwIfAborted();
  const split = splitHdf5Path(path);
  const { key } = split;
  const dataset = split.dataset ?? storeOptions.dataset;
  const source = await storeSource(store, key, options);
  if (storeOptions.sparse !== undefined)
    return openHdf5Sparse(source, dataset ?? "/", {
      ...storeOptions.sparse,
      dimensionNames: storeOptions.dimensionNames,
      signal: options.signal,
    });
  const opened = await openSource(
    source,
    dataset === undefined ? source.name : `${source.name}:${dataset}`,
  );
  return arrayOfFile(opened, dataset, {
    axisOrder: storeOptions.axisOrder ?? "hdf5",
    dimensionNames: storeOptions.dimensionNames,
  });
}

/**
 * An HDF5 {@link ArrayStoreBackend} whose arrays report axes in `axisOrder`. A store path is a
 * file's key, optionally followed by `:` and a dataset's path in the file
 * (`arrays/recordings.h5:/eeg/epochs`); without one, the file's only dataset. On Node a file of a
 * directory store is read in place, chunk by chunk; a file at an http(s) URL is read by
 * byte-range requests on Node and in a web worker; other stores (memory, HTTP on a page's main
 * thread) hand over the file's bytes whole. `create` and `openWritable` build the file in memory and store it whole
 * after each write: they suit small files (and the conformance kit), not large ones. `configure`
 * takes the settings a linked bundle records (`{ dataset, axis_order, dimension_names, sparse }`)
 * and returns the store they describe, so such a bundle opens its file's dataset (or, with
 * `sparse`, its compressed sparse matrix group) as its axes.
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
    open: (store, path, ioOptions = {}) => openStored(store, path, ioOptions, options),
    configure: (settings) => createHdf5Store(optionsOfSettings(settings)),
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
