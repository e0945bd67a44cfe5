/**
 * Independent component analysis for tensortools: the `ica` `DecompositionMethod` plugin for
 * instance × sample × channel views. Every (instance, sample) position is an observation of the
 * channels: the channels are centered, whitened by PCA of their covariance to `rank` dimensions
 * (a Gram pass on the `@tt/linalg` kernels), and unmixed by FastICA (logcosh or exp contrast,
 * parallel or deflation, as scikit-learn) or (extended) Infomax (as MNE-Python). The output has
 * the mixing and unmixing matrices keyed by channel, the activations as a component tensor keyed
 * by instance, and the explained variance of each component's back-projection;
 * {@link removeComponents} gives the data without chosen components (artifact removal), and
 * {@link removeComponentsView} the same lazily, as a view with a delayed linear map.
 *
 * @example
 * ```ts
 * import { ica, removeComponents } from "@tt/decompose-ica";
 * import { createTensor } from "@tt/schema";
 * import { viewFromTensor } from "@tt/schema/testing";
 *
 * const tensor = createTensor({
 *   data: Float64Array.from({ length: 10 * 50 * 3 }, (_, x) => Math.sin(x * 0.37) + ((x * 7) % 5)),
 *   shape: [10, 50, 3],
 *   axes: ["instance", "sample", "channel"],
 *   axisIndex: { instance: Array.from({ length: 10 }, (_, i) => `e${i}`) },
 * });
 * const view = viewFromTensor(tensor);
 * const context = { seed: 0, signal: undefined, onProgress() {} };
 * const out = await ica.fit(view, ica.validate({ rank: 3 }), context);
 * console.log(out.factorTables.channel.toRecords()[0]); // { channel_id: ..., mixing_1: ..., unmixing_1: ... }
 * const clean = await removeComponents(view, out.componentTensors, [1]);
 * ```
 *
 * @module
 */

export {
  type FastIcaMode,
  ICA_DEFAULTS,
  type IcaAlgorithm,
  type IcaConfig,
  type IcaContrast,
  validateIcaConfig,
} from "./config.js";
export { fitIca } from "./fit.js";
export { ica } from "./methods.js";
export {
  cleanBlocks,
  type IcaProjection,
  icaProjection,
  type RemoveOptions,
  removeComponents,
  removeComponentsView,
} from "./remove.js";
