/**
 * Dataset bundles of tensortools: a manifest, Zarr arrays and Parquet metadata tables (or any
 * other store and metadata plugins), written block by block and opened with full validation
 * from any key-value store. Atomic writes to directories are in `@tt/bundle/fs`.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from "@tt/storage";
 * import { openBundle, writeBundle } from "@tt/bundle";
 *
 * const store = createMemoryStore();
 * await writeBundle(store, tensor);
 * const dataset = await openBundle(store);
 * const first10 = await dataset.read([{ start: 0, stop: 10 }]);
 * ```
 *
 * @packageDocumentation
 */

export {
  type AddFieldOptions,
  addFieldToBundle,
  type FieldSource,
} from "./add-field.js";
export { type AnnotateOptions, annotateBundle } from "./annotate.js";
export { type AppendBundleOptions, appendBundle } from "./append-bundle.js";
export { type BuildPyramidOptions, buildPyramid } from "./build-pyramid.js";
export { type CsvOptions, DEFAULT_CSV_NULL_VALUES, parseCsv } from "./import/csv.js";
export { type NpyArray, parseNpy } from "./import/npy.js";
export { type LinkBundleOptions, type LinkedArray, writeLinkedBundle } from "./link-bundle.js";
export { type OpenBundleOptions, openBundle } from "./open-bundle.js";
export {
  type FieldRows,
  type GetManyOptions,
  type InstanceId,
  type InstanceReader,
  type InstanceRows,
  type OpenInstancesOptions,
  openInstances,
} from "./open-instances.js";
export {
  type OpenPyramidOptions,
  openPyramid,
  PYRAMID_FIELDS,
  type Pyramid,
  type PyramidLevel,
} from "./open-pyramid.js";
export { type BundlePlugins, LAYOUT, resolvePlugins } from "./plugins.js";
export {
  type Multiscale,
  PYRAMID_REDUCTIONS,
  type PyramidReduction,
  readMultiscales,
} from "./pyramid-format.js";
export type { PyramidSortKey } from "./sort-order.js";
export { type StreamBlock, streamFromTensor, type TensorStream } from "./stream.js";
export {
  type InstanceIds,
  type UpdateInstancesOptions,
  updateBundleInstances,
} from "./update-instances.js";
export {
  type CleanupBundleOptions,
  cleanupBundle,
  verifyBundle,
  versionStore,
} from "./version.js";
export { type WriteBundleOptions, writeBundle } from "./write-bundle.js";
