/**
 * A catalog of tensortools datasets and results (Node): bundles registered under keys
 * (`eeg/night-2024-03`), a version for every manifest (append, annotate, add-field, rewrite),
 * the runs that wrote them (transform, parameters, inputs and outputs, times, failure), lineage
 * from a result back to the files it came from and forward to everything made from a version,
 * typed features validated when attached and searched with the library's query language, and
 * an export to Parquet for the browser. One SQLite file (WAL): several processes register at
 * once without losing entries, and a process killed mid-registration leaves it consistent.
 * Old versions stay readable while the catalog holds them: it pins their files in the bundle
 * (`.tt-pins/`), which the bundle's cleanup keeps until {@link gcCatalog} releases them.
 *
 * @example
 * ```ts
 * import { formatLineage, openCatalog } from "@tt/catalog";
 *
 * const catalog = openCatalog("./study/catalog.db");
 * const run = await catalog.startRun({
 *   transform: "my-script", libraryVersion: "tensortools 0.1.0",
 *   params: { rank: 5 }, inputs: [{ location: "./study/all" }],
 * });
 * // ... write ./study/pca ...
 * await catalog.finishRun(run, [{ location: "./study/pca", key: "study/pca" }]);
 * console.log(formatLineage(catalog.lineage("study/pca")));
 * catalog.close();
 * ```
 *
 * @module
 */

export {
  Catalog,
  catalogFromEnvironment,
  currentRun,
  type GcReport,
  type LineageOptions,
  openCatalog,
  type RegisterOptions,
  type RunInput,
  type RunSpec,
} from "./catalog.js";
export type { DatabaseOptions } from "./db.js";
export type { FeatureDefinition, FeatureDType } from "./features.js";
export { formatLineage, type LineageEdge, type LineageNode, lineageMermaid } from "./lineage.js";
export { exportCatalog, gcCatalog } from "./maintenance.js";
export type { ArtifactKind, RunInputRecord, RunRecord, VersionRecord } from "./records.js";
