/**
 * The shared preparation of decomposition inputs for the tensortools methods (`svd`/`pca`, `cp`):
 * validation of the common options (`center`, `scale`, `weights`, `sample_mask`, `missing`,
 * `memory_budget`, `threads`; a `seed` key refused), the unfolding of a view into instances × columns, the
 * centering and scaling statistics, the preprocessed matrix read in memory or streamed block by
 * block over the `@tt/linalg` kernels (the same bits either way), seeded random numbers, and the
 * output helpers for the instance table and the component tensors.
 *
 * @example
 * ```ts
 * import {
 *   openSource,
 *   planMemory,
 *   planUnfolding,
 *   statLayouts,
 *   validatePreprocessConfig,
 * } from "@tt/decompose-core";
 * import { createKernels } from "@tt/linalg";
 * import { createTensor } from "@tt/schema";
 * import { viewFromTensor } from "@tt/schema/testing";
 *
 * const view = viewFromTensor(
 *   createTensor({
 *     data: Float64Array.from({ length: 24 }, (_, i) => i % 7),
 *     shape: [4, 3, 2],
 *     axes: ["instance", "sample", "channel"],
 *   }),
 * );
 * const config = validatePreprocessConfig({
 *   center: { over: ["instance"] },
 *   scale: "none",
 *   missing: "error",
 *   weights: { channel: [1, 2] },
 *   sample_mask: null,
 * });
 * const plan = planUnfolding(view, config); // 4 × 6: sample × channel, channel fastest
 * const layouts = statLayouts(view, plan, config);
 * const memory = planMemory(view, plan, layouts, { ...config, memory_budget: "auto" });
 * const kernels = await createKernels();
 * const context = { signal: undefined, onProgress() {} };
 * const source = await openSource({ view, plan, config, layouts, kernels, memory, context });
 * await source.forEachBlock(async (block, row0) => {
 *   console.log(row0, block.rows, Array.from(block.data.subarray(0, plan.p))); // centered, weighted
 * });
 * await kernels.dispose();
 * ```
 *
 * @module
 */

export {
  type AxisList,
  type CenterConfig,
  DEFAULT_MEMORY_BUDGET,
  type MissingPolicy,
  type PreprocessConfig,
  rejectField,
  rejectSeedKey,
  type SampleMaskConfig,
  type ScaleConfig,
  showValue,
  validateAxisList,
  validateInteger,
  validateMemoryBudget,
  validateOneOf,
  validateOnlyKeys,
  validatePreprocessConfig,
  validateThreads,
} from "./config-fields.js";
export { describeEntry } from "./data-errors.js";
export { chiSquareQuantile, fQuantile, normalQuantile } from "./distributions.js";
export { type ImputedSquares, replaceMissing } from "./impute.js";
export { type MemoryPlan, planMemory } from "./memory.js";
export { ModeGrams } from "./mode-grams.js";
export {
  componentsTensor,
  idColumn,
  instanceTable,
  preprocessingTensors,
  readDiagnostics,
} from "./output.js";
export {
  assertPartitionable,
  coordinatorSource,
  mergeScans,
  openPartitionSource,
  type ScanPartial,
  type SharedStatistics,
  scanPartition,
} from "./partition.js";
export {
  mergePassOutputs,
  type PassFunction,
  type PassInput,
  type PassOutput,
  type PassRunner,
  type RowTableFunction,
  rowsStayOnWorkers,
  runPass,
} from "./passes.js";
export { type Plan, planUnfolding, resolveAxis } from "./plan.js";
export { normalGenerator, uniformGenerator } from "./random.js";
export {
  CORE_PASSES,
  type FirstReadSums,
  firstRead,
  normalProduct,
  normalProductPass,
} from "./shared-passes.js";
export {
  type MatrixSource,
  openSource,
  type SourceOpener,
  type SourceOptions,
  type StatValues,
} from "./source.js";
export { type StatLayout, statLayouts } from "./statistics.js";
