/**
 * What the workers of a split fit compute on their own rows once the components are known, so
 * that no row comes back to the coordinator: the moments of the Q values (`svd.residuals`) and
 * the instance table of their rows (`svd.instances`), as the single-process fit assembles it.
 */

import type { MatrixSource } from "@tt/decompose-core";
import { instanceTable, type PassFunction, type RowTableFunction } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import { rowOutliers } from "./outliers.js";
import { withOutlierColumns } from "./output.js";

/**
 * Visits the source's rows with their k scores A·V and their squared residual
 * max(0, ‖x‖² − Σ score²), in the solver's units.
 */
async function forEachProjection(
  source: MatrixSource,
  kernels: Kernels,
  V: Float64Array,
  k: number,
  visit: (row: number, scores: Float64Array, residual: number) => void,
): Promise<void> {
  const noShift = new Float64Array(source.p);
  await source.forEachBlock(async (block, row0) => {
    const product = await kernels.multiply(block, V, k);
    const { rowSumSquares } = await kernels.moments(block, noShift);
    for (let i = 0; i < block.rows; i++) {
      const scores = product.subarray(i * k, (i + 1) * k);
      let captured = 0;
      for (let c = 0; c < k; c++) captured += scores[c]! * scores[c]!;
      visit(row0 + i, scores, Math.max(0, rowSumSquares[i]! - captured));
    }
  });
}

/**
 * `moments`: Σ (q − shift) and Σ (q − shift)² of the rows' Q values (squared residuals) in the
 * solver's units; with the shift near their mean, the variance is found without cancellation.
 */
export const residualsPass: PassFunction = async (source, kernels, input) => {
  const shift = input.shift as number;
  const moments = new Float64Array(2);
  await forEachProjection(
    source,
    kernels,
    input.V as Float64Array,
    input.k as number,
    (_r, _s, q) => {
      const d = q - shift;
      moments[0]! += d;
      moments[1]! += d * d;
    },
  );
  return { sums: { moments }, rows: {} };
};

/**
 * The instance table of the source's rows: `instance_id`, score_1..k, `recon_error`, `t2`, `q`
 * and `outlier_score`, in the data's units, with the limits the coordinator found.
 */
const instancesTable: RowTableFunction = async (source, kernels, input, { view, plan }) => {
  const V = input.V as Float64Array;
  const k = input.k as number;
  const { n } = source;
  const scores = new Float64Array(n * k);
  const errors = new Float64Array(n);
  await forEachProjection(source, kernels, V, k, (row, rowScores, residual) => {
    scores.set(rowScores, row * k);
    errors[row] = Math.sqrt(residual);
  });
  const reported = source.toDataUnits(scores, 1, "scores");
  const reconError = source.toDataUnits(errors, 1, "reconstruction errors");
  const limit = (value: number) => (Number.isNaN(value) ? null : value);
  const outliers = rowOutliers(
    reported,
    input.variance as Float64Array,
    reconError,
    limit(input.t2Limit as number),
    limit(input.qLimit as number),
  );
  const table = instanceTable(view, plan, source.usedRows, reported, k, reconError);
  return withOutlierColumns(table, source.usedRows, outliers);
};

/** The row tables of the SVD methods, by the names they run under (see `PassRunner.writeRows`). */
export const SVD_ROW_TABLES: Readonly<Record<string, RowTableFunction>> = Object.freeze({
  "svd.instances": instancesTable,
});
