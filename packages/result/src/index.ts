/**
 * Decomposition results of tensortools: assembling and checking them, result bundles (a
 * manifest, Parquet factor tables, Zarr component tensors, diagnostics) on any key-value store,
 * tracing a result back to its input, joining scores onto a dataset's instances so that they
 * can be queried next to the labels, and rebuilding an instance from its scores
 * (`reconstructInstance`: center, scale and weights undone). Directories are in `@tt/result/fs`.
 *
 * @example
 * ```ts
 * import { pca } from "@tt/decompose-svd";
 * import { computeInputRef, createResult, joinResult, openResultBundle, writeResultBundle } from "@tt/result";
 * import { createMemoryStore } from "@tt/storage";
 *
 * const view = dataset.query("instance", "qc_pass");
 * const config = pca.validate({ rank: 3 });
 * const output = await pca.fit(view, config, { seed: 0, signal: undefined, onProgress() {} });
 * const result = createResult({
 *   method: pca, config, output, inputRef: await computeInputRef(view),
 *   instanceIds: view.ids("instance"), attrs: { seed: 0 },
 * });
 * const store = createMemoryStore();
 * await writeResultBundle(store, result);
 * const joined = joinResult(dataset, await openResultBundle(store));
 * joined.query("instance", "score_1 > 2 and label == 'target'").ids("instance");
 * ```
 *
 * @packageDocumentation
 */

export { hashIds, hashManifest } from "@tt/schema";
export { type CreateResultParts, createResult } from "./create-result.js";
export {
  broadcast,
  type FeatureGrid,
  featureCount,
  gridOf,
  type NamedArray,
  weightsOnGrid,
} from "./feature-grid.js";
export { computeInputRef } from "./input-ref.js";
export { instanceTableOf } from "./instance-table.js";
export { type JoinResultOptions, joinResult } from "./join-result.js";
export type { ResultBundleOptions } from "./layout.js";
export { openResultBundle } from "./open-result.js";
export { type ReconstructionParts, reconstruct } from "./reconstruct.js";
export {
  type Reconstruction,
  type ReconstructOptions,
  reconstructInstance,
  reconstructionParts,
} from "./reconstruct-instance.js";
export { type ReopenInputOptions, reopenInput } from "./reopen-input.js";
export {
  type ComponentTensorFiles,
  type IndexForm,
  RESULT_KIND,
  RESULT_PARTS_SCHEMA_VERSION,
  RESULT_SCHEMA_VERSION,
  type ResultManifest,
  SUPPORTED_RESULT_SCHEMA_VERSIONS,
  validateResultManifest,
} from "./result-manifest.js";
export { writeResultBundle } from "./write-result.js";
