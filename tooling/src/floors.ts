/**
 * The floors of the tensortools architecture. A package may import only from packages on a
 * strictly lower floor, so the dependency graph stays layered: the core types at the bottom,
 * storage and decompositions in the middle, the facade and the apps on top.
 */

/** The floor of every known workspace package, by package name. */
export const FLOORS: Readonly<Record<string, number>> = Object.freeze({
  "@tt/schema": 0,
  // Shared numeric kernels sit between the types and the backends that all use them.
  "@tt/linalg": 1,
  // The write protocol every bundle writer shares: versioned files, inventory, commit, cleanup.
  "@tt/storage": 1,
  // A job engine on BullMQ and Redis: runs rounds of tasks on worker processes; knows only @tt/schema.
  "@tt/engine-bullmq": 1,
  // ml.js interop: tables, scores and views as ml-matrix matrices and back; knows only @tt/schema.
  "@tt/mljs": 1,
  // Bundles on S3-compatible object storage: a key-value store beside @tt/storage's own.
  "@tt/storage-s3": 2,
  "@tt/store-zarr": 2,
  "@tt/meta-parquet": 2,
  // Apache Arrow tables and IPC for MetaTables: beside the Parquet plugin, so the core never loads Arrow.
  "@tt/arrow": 2,
  // The input preparation the decomposition methods share, on the kernels; the methods sit above it.
  "@tt/decompose-core": 2,
  "@tt/decompose-svd": 3,
  "@tt/decompose-cp": 3,
  "@tt/decompose-ica": 3,
  "@tt/decompose-nmf": 3,
  "@tt/decompose-tucker": 3,
  "@tt/query": 3,
  // The dataset bundle layer: Zarr arrays and Parquet tables by default, other plugins if given.
  "@tt/bundle": 3,
  "@tt/concat": 4,
  "@tt/result": 4,
  // The catalog of bundles and runs (Node, SQLite): reads manifests and Parquet, queries features.
  "@tt/catalog": 4,
  // Decompositions split over partitions of the instances, run by a job engine's workers.
  "@tt/distribute": 4,
  // Shared test fixtures (tooling/test-fixtures): private, only ever a devDependency; they write
  // bundles with @tt/bundle, so nothing @tt/bundle is built on can use them.
  "@tt/test-fixtures": 4,
  tensortools: 5,
});

/** The floor of every package under `apps/`: apps sit on top and nothing imports them. */
export const APPS_FLOOR = 6;

/** The workspace folders whose packages get their floor from the folder instead of the table. */
export const FLOOR_BY_FOLDER: Readonly<Record<string, number>> = Object.freeze({
  apps: APPS_FLOOR,
});

/**
 * The floor a package gets from the table or its folder, or `undefined` when neither knows it and
 * the package has to declare `"tensortools": { "floor": N }` in its package.json.
 */
export function tableFloor(name: string, folder: string): number | undefined {
  if (Object.hasOwn(FLOORS, name)) return FLOORS[name];
  if (Object.hasOwn(FLOOR_BY_FOLDER, folder)) return FLOOR_BY_FOLDER[folder];
  return undefined;
}
