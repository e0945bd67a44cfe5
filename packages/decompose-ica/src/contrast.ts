/** FastICA's contrast functions as the element-wise functions of the kernels. */

import type { ElementFunction } from "@tt/linalg";
import type { IcaContrast } from "./config.js";

/**
 * The kernel function g = G' of a contrast, whose derivative sums the kernels return with it:
 * logcosh (α = 1) g = tanh(u), g' = 1 - tanh²(u); exp g = u·exp(-u²/2), g' = (1 - u²)·exp(-u²/2).
 */
export const CONTRAST_FUNCTIONS: Record<IcaContrast, ElementFunction> = {
  logcosh: "tanh",
  exp: "gauss",
};
