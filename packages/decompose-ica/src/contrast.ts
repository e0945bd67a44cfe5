/** FastICA's contrast functions: g = G' applied in place, and the mean of g' per column. */

import type { IcaContrast } from "./config.js";

/**
 * Replaces each value u of `values` (rows × cols) by g(u) and adds g'(u) to `derivativeSums[col]`:
 * logcosh (α = 1) g = tanh(u), g' = 1 - tanh²(u); exp g = u·exp(-u²/2), g' = (1 - u²)·exp(-u²/2).
 */
export function applyContrast(
  fun: IcaContrast,
  values: Float64Array,
  cols: number,
  derivativeSums: Float64Array,
): void {
  const n = values.length;
  if (fun === "logcosh") {
    for (let i = 0; i < n; i++) {
      const t = Math.tanh(values[i]!);
      values[i] = t;
      derivativeSums[i % cols]! += 1 - t * t;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const u = values[i]!;
    const e = Math.exp(-0.5 * u * u);
    values[i] = u * e;
    derivativeSums[i % cols]! += (1 - u * u) * e;
  }
}
