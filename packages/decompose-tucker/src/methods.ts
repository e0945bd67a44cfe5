/** The `tucker` method plugin. */

import type { DecompositionMethod } from "@tt/schema";
import { version } from "../package.json";
import { TUCKER_DEFAULTS, type TuckerConfig, validateTuckerConfig } from "./config.js";

/**
 * Tucker decomposition of a view of 3 or more axes by HOOI from a truncated HOSVD: one factor per
 * axis with its own rank (instance factor keyed by instance id, a factor table per other axis),
 * the core tensor, the fit and each iteration's relative error.
 *
 * @example
 * ```ts
 * import { tucker } from "@tt/decompose-tucker";
 *
 * const config = tucker.validate({ ranks: [3, 3, 3] });
 * console.log(tucker.id, config.init); // "tucker" "hosvd"
 * ```
 */
export const tucker = {
  id: "tucker",
  version,
  description: "Tucker decomposition (HOSVD start, HOOI) with a rank per mode",
  defaults: TUCKER_DEFAULTS,
  validate: (config: unknown): TuckerConfig => validateTuckerConfig(config),
  async fit(view, config, context) {
    const { fitTucker } = await import("./fit.js");
    return fitTucker(view, config, context);
  },
} as const satisfies DecompositionMethod<TuckerConfig>;
