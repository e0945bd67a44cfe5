/**
 * SVD and PCA methods for tensortools: `DecompositionMethod` plugins that flatten a view to
 * instances × features, center and scale it as configured, and solve it exactly (QR + Jacobi),
 * through the Gram matrix, or with randomized SVD on WebAssembly SIMD kernels over every core.
 * Data larger than `memory_budget` is streamed block by block. The instance table carries each
 * instance's Hotelling T² (`t2`), Q residual (`q`) and `outlier_score` (the larger of each over
 * its control limit at `outlier_confidence`); the limits are in `diagnostics.outliers`.
 *
 * @example
 * ```ts
 * import { pca } from "@tt/decompose-svd";
 * import { createTensor } from "@tt/schema";
 * import { viewFromTensor } from "@tt/schema/testing";
 *
 * const tensor = createTensor({
 *   data: Float64Array.from({ length: 60 }, (_, i) => Math.sin(i) + (i % 3)),
 *   shape: [20, 3],
 *   axes: ["instance", "feature"],
 *   axisIndex: { instance: Array.from({ length: 20 }, (_, i) => `e${i}`) },
 * });
 * const config = pca.validate({ rank: 2 });
 * const out = await pca.fit(viewFromTensor(tensor), config, { seed: 0, signal: undefined, onProgress() {} });
 * console.log(out.factorTables.instance.toRecords()[0]); // { instance_id: "e0", score_1: ..., score_2: ..., recon_error: ..., t2: ..., q: ..., outlier_score: ... }
 * console.log(out.diagnostics.explained_variance_ratio);
 * ```
 *
 * @module
 */
export {
  type AxisList,
  type CenterConfig,
  DEFAULT_MEMORY_BUDGET,
  type SampleMaskConfig,
  type ScaleConfig,
} from "@tt/decompose-core";
export {
  type FlattenConfig,
  PCA_DEFAULTS,
  type RankConfig,
  type SolverName,
  SVD_DEFAULTS,
  type SvdConfig,
  validateSvdConfig,
} from "./config.js";
export { fitSvd } from "./fit.js";
export { pca, svd } from "./methods.js";
export { SVD_ROW_TABLES } from "./rows.js";
export { SVD_PASSES } from "./solve.js";
