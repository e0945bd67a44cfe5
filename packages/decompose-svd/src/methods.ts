/** The `svd` and `pca` method plugins. */

import type { DecompositionMethod } from "@tt/schema";
import { version as VERSION } from "../package.json";
import { PCA_DEFAULTS, SVD_DEFAULTS, type SvdConfig, validateSvdConfig } from "./config.js";

/**
 * Truncated SVD of the flattened view (rows = instances): scores keyed by instance id,
 * components reshaped to the other axes, singular values and explained variance. No centering
 * by default.
 */
export const svd = {
  id: "svd",
  version: VERSION,
  description: "Truncated singular value decomposition (exact, Gram or randomized solver)",
  defaults: SVD_DEFAULTS,
  validate: (config: unknown): SvdConfig => validateSvdConfig(config, SVD_DEFAULTS),
  async fit(view, config, context) {
    const { fitSvd } = await import("./fit.js");
    return fitSvd(view, config, context);
  },
} as const satisfies DecompositionMethod<SvdConfig>;

/** Principal component analysis: `svd` with one mean per flattened column removed (scikit-learn's PCA). */
export const pca = {
  ...svd,
  id: "pca",
  description: "Principal component analysis: SVD of the data centered per feature",
  defaults: PCA_DEFAULTS,
  validate: (config: unknown): SvdConfig => validateSvdConfig(config, PCA_DEFAULTS),
} as const satisfies DecompositionMethod<SvdConfig>;
