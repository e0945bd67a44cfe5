/**
 * Compiles many tensortools datasets into one, streaming block by block: lineage columns on every
 * instance (`instance_id`, `source_dataset_id`, `source_file_id`, `group_id`,
 * `source_instance_id`), partition tables (`partitions/files.parquet`, `partitions/groups.parquet`),
 * the other axes aligned by id (inner or outer join, gaps recorded in the mask store), instance
 * metadata unioned and dtypes promoted. Directories are in `@tt/concat/fs`.
 *
 * @example
 * ```ts
 * import { openBundle, writeBundle } from "@tt/bundle";
 * import { concatBundles } from "@tt/concat";
 * import { createTensor } from "@tt/schema";
 * import { createMemoryStore } from "@tt/storage";
 *
 * const recording = (ids: string[]) =>
 *   createTensor({
 *     data: new Float32Array(ids.length * 4),
 *     shape: [ids.length, 2, 2],
 *     axes: ["instance", "sample", "channel"],
 *     axisIndex: { instance: ids, channel: ["Cz", "Pz"] },
 *   });
 * const sub01 = createMemoryStore("memory://sub-01");
 * await writeBundle(sub01, recording(["e1", "e2"]));
 * const sub02 = createMemoryStore("memory://sub-02");
 * await writeBundle(sub02, recording(["e1"]));
 * const out = createMemoryStore("memory://all");
 * const { files, groups } = await concatBundles([sub01, sub02], { out, join: "outer" });
 * (await openBundle(out)).ids("instance"); // ["sub-01/e1", "sub-01/e2", "sub-02/e1"]
 * ```
 *
 * @packageDocumentation
 */

export {
  type ConcatBundlesOptions,
  type ConcatSummary,
  concatBundles,
} from "./concat-bundles.js";
export { isExactCast, promoteDTypes } from "./dtype-promotion.js";
export { LINEAGE_COLUMNS } from "./instance-tables.js";
export type {
  ConcatInput,
  ConcatOptions,
  IdScheme,
  InstanceIdParts,
  JoinKind,
} from "./options.js";
