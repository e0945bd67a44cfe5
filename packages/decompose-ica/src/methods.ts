/** The `ica` method plugin. */

import type { DecompositionMethod } from "@tt/schema";
import { version } from "../package.json";
import { ICA_DEFAULTS, type IcaConfig, validateIcaConfig } from "./config.js";

/**
 * Independent component analysis of the channel axis of instance × sample × channel data: PCA
 * whitening to `rank`, then FastICA or (extended) Infomax; mixing and unmixing keyed by channel,
 * activations keyed by instance, explained variance per component.
 *
 * @example
 * ```ts
 * const config = ica.validate({ algorithm: "infomax", rank: 20 });
 * const out = await ica.fit(view, config, { seed: 0, signal: undefined, onProgress() {} });
 * console.log(out.factorTables.component.toRecords()[0]); // explained variance, kurtosis
 * ```
 */
export const ica = {
  id: "ica",
  version,
  description: "Independent component analysis (FastICA, extended Infomax) of the channel axis",
  defaults: ICA_DEFAULTS,
  validate: (config: unknown): IcaConfig => validateIcaConfig(config),
  async fit(view, config, context) {
    const { fitIca } = await import("./fit.js");
    return fitIca(view, config, context);
  },
} as const satisfies DecompositionMethod<IcaConfig>;
