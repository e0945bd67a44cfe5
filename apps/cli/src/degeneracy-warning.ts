/** The warning `tt` prints on stderr when a CP model is degenerate: why, and what to try. */

import type { DecompositionResult } from "tensortools";

/** The `degeneracy` entry of a CP result's diagnostics. */
interface Degeneracy {
  degenerate: boolean;
  reasons: string[];
}

/**
 * The lines of the warning for `result`, or undefined when its diagnostics do not call it
 * degenerate (and for methods without a degeneracy check).
 */
export function degeneracyWarning(result: DecompositionResult): string | undefined {
  const degeneracy = result.diagnostics.degeneracy as Degeneracy | undefined;
  if (degeneracy?.degenerate !== true) return undefined;
  const rank = result.config.rank;
  const tries: string[] = [];
  const notConverged = degeneracy.reasons.some((reason) => reason.startsWith("did not converge"));
  if (degeneracy.reasons.length > (notConverged ? 1 : 0)) {
    if (typeof rank === "number" && rank > 1) tries.push(`a lower rank (--rank ${rank - 1})`);
    if (result.config.nonnegative !== true) tries.push('"nonnegative": true in a --config file');
  }
  if (notConverged) tries.push('more sweeps ("n_iter_max" in a --config file)');
  return [
    `warning: this ${result.method} model looks degenerate; do not read its components as separate findings:`,
    ...degeneracy.reasons.map((reason) => `  - ${reason}`),
    `  try ${tries.join(", or ")}`,
  ].join("\n");
}
