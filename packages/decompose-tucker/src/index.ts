/**
 * Tucker decomposition for tensortools: the `tucker` `DecompositionMethod` plugin for views of 3 or
 * more axes, with a rank per mode (instance mode first). A truncated HOSVD (or seeded random
 * orthonormal) start, then HOOI; `tol` on the change of relative error. Each iteration reads the
 * data once, as a fused GEMM pass on the @tt/linalg WebAssembly kernels, so data larger than
 * `memory_budget` is streamed block by block along the instance axis. The common preprocessing
 * (`center`, `scale`, `weights`, `sample_mask`, `missing`) is CP's; `missing: "mask"` fits the
 * observed entries only by EM imputation (in memory: the imputed data must be held).
 *
 * @example
 * ```ts
 * import { tucker } from "@tt/decompose-tucker";
 * import { createTensor } from "@tt/schema";
 * import { viewFromTensor } from "@tt/schema/testing";
 *
 * const tensor = createTensor({
 *   data: Float64Array.from({ length: 20 * 4 * 3 }, (_, x) => Math.sin(x) + (x % 3)),
 *   shape: [20, 4, 3],
 *   axes: ["instance", "sample", "channel"],
 *   axisIndex: { instance: Array.from({ length: 20 }, (_, i) => `e${i}`) },
 * });
 * const out = await tucker.fit(viewFromTensor(tensor), tucker.validate({ ranks: [2, 2, 2] }), {
 *   seed: 0,
 *   signal: undefined,
 *   onProgress() {},
 * });
 * console.log(out.factorTables.instance.toRecords()[0]); // { instance_id: "e0", score_1: ..., score_2: ..., recon_error: ... }
 * console.log(out.componentTensors.core.shape, out.diagnostics.fit); // [2, 2, 2] ...
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
export {
  TUCKER_DEFAULTS,
  type TuckerConfig,
  type TuckerInit,
  validateTuckerConfig,
} from "./config.js";
export { fitTucker } from "./fit.js";
export { tucker } from "./methods.js";
export { TUCKER_PASSES } from "./passes.js";
