/**
 * Non-negative matrix factorization for tensortools: the `nmf` `DecompositionMethod` plugin.
 * X ≈ W·H on the instances × features unfolding of a view (the first axis is the instances; the
 * other axes are flattened in C order), by scikit-learn's two solvers: coordinate descent
 * (`"cd"`, Frobenius loss) and multiplicative updates (`"mu"`, Frobenius or Kullback-Leibler
 * loss), from NNDSVD starts (`"nndsvd"`, `"nndsvda"`, `"nndsvdar"`) or a seeded random one.
 * Negative data is refused with a DataError naming the first negative entry. Each iteration
 * reads the data once, its products on the WebAssembly kernels of `@tt/linalg`; data larger
 * than `memory_budget` is streamed block by block along the instances.
 *
 * @example
 * ```ts
 * import { nmf } from "@tt/decompose-nmf";
 * import { createTensor } from "@tt/schema";
 * import { viewFromTensor } from "@tt/schema/testing";
 *
 * const tensor = createTensor({
 *   data: Float64Array.from({ length: 30 * 4 * 3 }, (_, x) => 1 + Math.cos(x) * (x % 3)),
 *   shape: [30, 4, 3],
 *   axes: ["instance", "sample", "channel"],
 *   axisIndex: { instance: Array.from({ length: 30 }, (_, i) => `e${i}`) },
 * });
 * const out = await nmf.fit(viewFromTensor(tensor), nmf.validate({ rank: 2, solver: "cd" }), {
 *   seed: 0,
 *   signal: undefined,
 *   onProgress() {},
 * });
 * console.log(out.factorTables.instance.toRecords()[0]); // { instance_id: "e0", score_1: ..., score_2: ..., recon_error: ... }
 * console.log(out.componentTensors.components.shape); // [2, 4, 3]
 * console.log(out.diagnostics.reconstruction_err, out.diagnostics.n_iter);
 * ```
 *
 * @module
 */

export type { SampleMaskConfig, ScaleConfig } from "@tt/decompose-core";
export {
  NMF_DEFAULTS,
  type NmfBetaLoss,
  type NmfConfig,
  type NmfInit,
  type NmfSolver,
  validateNmfConfig,
} from "./config.js";
export { fitNmf } from "./fit.js";
export { nmf } from "./methods.js";
