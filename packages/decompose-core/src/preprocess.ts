/** Centering, scaling and weighting blocks of the matrix in place, with the scan's statistics. */

import type { KernelMatrix, Kernels } from "@tt/linalg";
import { ldexp } from "./magnitude.js";
import type { Plan } from "./plan.js";
import type { StatValues } from "./source.js";

/**
 * Returns the function that centers, scales and weights a block in place, and multiplies it by
 * 2^-exponent (exactly: a power of two; see magnitude.ts).
 */
export function preprocessor(
  kernels: Kernels,
  plan: Plan,
  center: StatValues | undefined,
  scale: StatValues | undefined,
  exponent = 0,
): (block: KernelMatrix, row0: number) => Promise<void> {
  const { p } = plan;
  const weights = plan.columnWeights;
  if (center === undefined && scale === undefined && weights === null && exponent === 0)
    return async () => {};
  const columnValue = (stat: StatValues | undefined, j: number, fallback: number) =>
    stat === undefined ? fallback : stat.values[stat.layout.cellOfColumn[j]!]!;
  if (!center?.layout.perRow && !scale?.layout.perRow) {
    const shift = new Float64Array(p);
    const factor = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      shift[j] = columnValue(center, j, 0);
      factor[j] = ldexp((weights?.[j] ?? 1) / columnValue(scale, j, 1), -exponent);
    }
    return (block) => kernels.affineColumns(block, shift, factor);
  }
  const unit = ldexp(1, -exponent);
  return async (block, row0) => {
    const data = block.data;
    for (let i = 0; i < block.rows; i++) {
      const row = row0 + i;
      for (let j = 0; j < p; j++) {
        const shift = center?.layout.perRow
          ? center.values[row * center.layout.cells + center.layout.cellOfColumn[j]!]!
          : columnValue(center, j, 0);
        const sigma = scale?.layout.perRow
          ? scale.values[row * scale.layout.cells + scale.layout.cellOfColumn[j]!]!
          : columnValue(scale, j, 1);
        data[i * p + j] = (data[i * p + j]! - shift) * ((weights?.[j] ?? 1) / sigma) * unit;
      }
    }
  };
}
