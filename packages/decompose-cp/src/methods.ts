/** The `cp` method plugin. */

import type { DecompositionMethod } from "@tt/schema";
import { version } from "../package.json";
import { CP_DEFAULTS, type CpConfig, validateCpConfig } from "./config.js";

/**
 * CP / PARAFAC of a view of 3 or more axes by alternating least squares: one factor per axis
 * (instance scores keyed by instance id, a factor table per other axis), weights sorted
 * descending, signs as tensorly's `cp_flip_sign`, the relative error, fit and core consistency.
 */
export const cp = {
  id: "cp",
  version,
  description: "CP / PARAFAC by alternating least squares (optionally non-negative, masked)",
  defaults: CP_DEFAULTS,
  validate: (config: unknown): CpConfig => validateCpConfig(config),
  async fit(view, config, context) {
    const { fitCp } = await import("./fit.js");
    return fitCp(view, config, context);
  },
} as const satisfies DecompositionMethod<CpConfig>;
