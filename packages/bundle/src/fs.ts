/**
 * Node-only bundle functions: atomic writes into directories, and opening by path or URL.
 *
 * @example
 * ```ts
 * import { openStoredDataset, writeDataset } from "@tt/bundle/fs";
 * await writeDataset("./demo", tensor);
 * const dataset = await openStoredDataset("./demo");
 * ```
 *
 * @packageDocumentation
 */

export {
  type AnnotateDatasetOptions,
  type AppendDatasetOptions,
  annotateDataset,
  appendDataset,
  cleanupDataset,
  type DatasetDirectoryOptions,
  openStoredDataset,
  verifyDataset,
  type WriteDatasetOptions,
  writeDataset,
  writeDatasetDirectory,
} from "./directory-bundle.js";
export {
  type AddFieldToDatasetOptions,
  addField,
  type UpdateDatasetInstancesOptions,
  updateInstances,
} from "./directory-fields.js";
export { openDatasetInstances } from "./directory-instances.js";
export {
  type BuildDatasetPyramidOptions,
  buildDatasetPyramid,
  openDatasetPyramid,
} from "./directory-pyramid.js";
export { readCsvFile } from "./import/csv-file.js";
export { readNpyFile } from "./import/npy-file.js";
export { readNpyStream } from "./import/npy-stream.js";
export { readParquetFile } from "./import/parquet-file.js";
export { type LinkDatasetOptions, linkDataset } from "./link-dataset.js";
