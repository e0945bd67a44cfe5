/**
 * Node-only bundle functions: atomic writes into directories, and opening by path or URL.
 *
 * @example
 * ```ts
 * import { openDataset, writeDataset } from "@tt/bundle/fs";
 * await writeDataset("./demo", tensor);
 * const dataset = await openDataset("./demo");
 * ```
 *
 * @packageDocumentation
 */

export {
  type AppendDatasetOptions,
  appendDataset,
  cleanupDataset,
  type DatasetDirectoryOptions,
  openDataset,
  verifyDataset,
  type WriteDatasetOptions,
  writeDataset,
  writeDatasetDirectory,
} from "./directory-bundle.js";
export { readCsvFile } from "./import/csv-file.js";
export { readNpyFile } from "./import/npy-file.js";
