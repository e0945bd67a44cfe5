/** Centering, scaling and weighting blocks of the matrix in place, with the scan's statistics. */

import type { ColumnAffine, KernelMatrix, Kernels } from "@tt/linalg";
import { ldexp } from "./magnitude.js";
import type { Plan } from "./plan.js";
import type { StatValues } from "./source.js";

/** How blocks are preprocessed. */
export interface Preprocessor {
  /** Centers, scales and weights a block (whose first row is row `row0` of the used rows) in place. */
  apply(block: KernelMatrix, row0: number): Promise<void>;
  /**
   * When `apply` is the same affine map for every row, that map: a product kernel can apply it
   * itself in the same pass (`normalProduct`'s `affine`), with the same bits; otherwise undefined.
   */
  columns: ColumnAffine | undefined;
  /** Whether `apply` leaves blocks as they are (no centering, scaling, weights or rescaling). */
  identity: boolean;
}

/**
 * Returns how to center, scale and weight a block in place, and multiply it by 2^-exponent
 * (exactly: a power of two; see magnitude.ts).
 */
export function preprocessor(
  kernels: Kernels,
  plan: Plan,
  center: StatValues | undefined,
  scale: StatValues | undefined,
  exponent = 0,
): Preprocessor {
  const { p } = plan;
  const weights = plan.columnWeights;
  if (center === undefined && scale === undefined && weights === null && exponent === 0)
    return { apply: async () => {}, columns: undefined, identity: true };
  const columnValue = (stat: StatValues | undefined, j: number, fallback: number) =>
    stat === undefined ? fallback : stat.values[stat.layout.cellOfColumn[j]!]!;
  if (!center?.layout.perRow && !scale?.layout.perRow) {
    const shift = new Float64Array(p);
    const factor = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      shift[j] = columnValue(center, j, 0);
      factor[j] = ldexp((weights?.[j] ?? 1) / columnValue(scale, j, 1), -exponent);
    }
    return {
      apply: (block) => kernels.affineColumns(block, shift, factor),
      columns: { shift, scale: factor },
      identity: false,
    };
  }
  const unit = ldexp(1, -exponent);
  const apply = async (block: KernelMatrix, row0: number) => {
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
  return { apply, columns: undefined, identity: false };
}
