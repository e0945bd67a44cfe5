/**
 * tensortools: axis-annotated tensors with metadata per axis, dataset bundles, lazy views and
 * metadata queries, SVD/PCA decompositions, and results joined back onto the instances. This
 * entry is for Node (it reads and writes directories); `tensortools/browser` has everything
 * that runs in a browser. With a catalog (the `catalog` option, or `TT_CATALOG`; the optional
 * package `@tt/catalog`), the writes record their runs in it and `openDataset` opens the
 * versions it holds by key.
 *
 * @example
 * ```ts
 * import { createTensor, decompose, joinResult, openDataset, openResult, readCsvFile, readNpyFile, writeDataset, writeResult } from "tensortools";
 *
 * const { data, shape } = await readNpyFile("fixtures/eeglab_epochs/tensor.npy");
 * const tensor = createTensor({
 *   data, shape, axes: ["epoch", "time", "channel"],
 *   axisMeta: { epoch: await readCsvFile("fixtures/eeglab_epochs/axis0_epochs.csv") },
 * });
 * await writeDataset("./eeg", tensor, { axisIndexColumns: { epoch: "id" } });
 *
 * const dataset = await openDataset("./eeg");
 * const view = dataset.query("epoch", "lock_position == 1");
 * const result = await decompose(view, "pca", { rank: 5 });
 * await writeResult("./eeg-pca", result);
 *
 * const joined = joinResult(dataset, await openResult("./eeg-pca"), { prefix: "pca_" });
 * joined.query("epoch", "pca_score_1 > 0 and rt_ms > 400").ids("epoch");
 * ```
 *
 * @packageDocumentation
 */

export {
  type AddFieldToDatasetOptions,
  type AppendDatasetOptions,
  addField,
  appendDataset,
  cleanupDataset,
  readCsvFile,
  readNpyFile,
  readNpyStream,
  readParquetFile,
  type UpdateDatasetInstancesOptions,
  updateInstances,
  verifyDataset,
} from "@tt/bundle/fs";
export type { ConcatDatasetInput } from "@tt/concat/fs";
export type { PartitionHandler } from "@tt/distribute";
export { createDirectoryStore } from "@tt/storage/fs";
export {
  type AxisOrder,
  type Hdf5Array,
  openHdf5Array,
  openHdf5Sparse,
  readHdf5Columns,
  storedDatasetOf,
} from "@tt/store-hdf5";
export { type AnnotateOptions, annotate } from "./annotate.js";
export * from "./api.js";
export type { CatalogOptions } from "./catalog-runs.js";
export { type DecomposeToOptions, decomposeTo } from "./decompose-to.js";
export { type ImportHdf5Options, importHdf5 } from "./import-hdf5.js";
export { openInstances } from "./instances.js";
export { type ConcatDatasetsOptions, concatDatasets, reopenInput } from "./node-openers.js";
export { createDefaultRegistry } from "./node-registry.js";
export { type OpenDatasetOptions, openDataset } from "./open-dataset.js";
export { openResult } from "./open-result.js";
export { partitionHandler } from "./partition-worker.js";
export { type BuildDatasetPyramidOptions, buildPyramid, openPyramid } from "./pyramid.js";
export { bundleStoreAt } from "./s3-locations.js";
export { type WriteDatasetOptions, writeDataset } from "./write-dataset.js";
export { type WriteResultOptions, writeResult } from "./write-result.js";
