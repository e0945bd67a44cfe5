/**
 * CP / PARAFAC for tensortools: the `cp` `DecompositionMethod` plugin for views of 3 or more
 * axes. Alternating least squares (`init` "svd" or seeded "random", `tol` on the change of
 * relative error, optional line search), non-negative factors by HALS, missing values dropped or
 * fitted around by EM imputation, and the common preprocessing (`center`, `scale`, `weights`,
 * `sample_mask`). The MTTKRPs run as GEMM passes on WebAssembly SIMD kernels over every core; data
 * larger than `memory_budget` is streamed block by block along the instance axis.
 *
 * @example
 * ```ts
 * import { cp } from "@tt/decompose-cp";
 * import { createTensor } from "@tt/schema";
 * import { viewFromTensor } from "@tt/schema/testing";
 *
 * const tensor = createTensor({
 *   data: Float64Array.from({ length: 20 * 4 * 3 }, (_, x) => Math.sin(x) + (x % 3)),
 *   shape: [20, 4, 3],
 *   axes: ["instance", "sample", "channel"],
 *   axisIndex: { instance: Array.from({ length: 20 }, (_, i) => `e${i}`) },
 * });
 * const out = await cp.fit(viewFromTensor(tensor), cp.validate({ rank: 2 }), {
 *   seed: 0,
 *   signal: undefined,
 *   onProgress() {},
 * });
 * console.log(out.factorTables.instance.toRecords()[0]); // { instance_id: "e0", score_1: ..., score_2: ..., recon_error: ... }
 * console.log(out.diagnostics.fit, out.diagnostics.core_consistency);
 * ```
 *
 * @module
 */

export type {
  AxisList,
  CenterConfig,
  MissingPolicy,
  SampleMaskConfig,
  ScaleConfig,
} from "@tt/decompose-core";
export { CP_DEFAULTS, type CpConfig, type CpInit, validateCpConfig } from "./config.js";
export { fitCp } from "./fit.js";
export { cp } from "./methods.js";
export { CP_PASSES, CP_ROW_TABLES } from "./passes.js";
