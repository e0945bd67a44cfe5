/**
 * Node-only concatenation: bundles in directories (or at `http(s)://` URLs) concatenated into a
 * directory, written atomically.
 *
 * @example
 * ```ts
 * import { concatDatasets } from "@tt/concat/fs";
 *
 * const { manifest, files } = await concatDatasets(["./sub-01", "./sub-02"], {
 *   out: "./all",
 *   join: "outer",
 * });
 * manifest.partitions; // { files: "partitions/files.parquet", groups: "partitions/groups.parquet" }
 * ```
 *
 * @packageDocumentation
 */

export {
  type ConcatDatasetInput,
  type ConcatDatasetsOptions,
  concatDatasets,
} from "./concat-datasets.js";
