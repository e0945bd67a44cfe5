/** The `nmf` method plugin. */

import type { DecompositionMethod } from "@tt/schema";
import { version } from "../package.json";
import { NMF_DEFAULTS, type NmfConfig, validateNmfConfig } from "./config.js";

/**
 * Non-negative matrix factorization X ≈ W·H of the instances × features unfolding, by
 * scikit-learn's solvers: W the instance scores (keyed by instance id), H the components
 * reshaped to the view's other axes.
 */
export const nmf = {
  id: "nmf",
  version,
  description:
    "Non-negative matrix factorization (coordinate descent or multiplicative updates, Frobenius or Kullback-Leibler loss)",
  defaults: NMF_DEFAULTS,
  validate: (config: unknown): NmfConfig => validateNmfConfig(config),
  async fit(view, config, context) {
    const { fitNmf } = await import("./fit.js");
    return fitNmf(view, config, context);
  },
} as const satisfies DecompositionMethod<NmfConfig>;
