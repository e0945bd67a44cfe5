/**
 * The scan of the data before a fit: finds missing and infinite values, measures the magnitude,
 * and accumulates the column moments and per-row statistics the preprocessing needs.
 */

import type { KernelMatrix, Kernels } from "@tt/linalg";
import type { ReadableView } from "@tt/schema";
import type { PreprocessConfig } from "./config-fields.js";
import { infiniteValueError } from "./data-errors.js";
import { Magnitude } from "./magnitude.js";
import type { Plan } from "./plan.js";
import { typicalValues } from "./rows.js";
import {
  addRows,
  type ColumnMoments,
  columnMoments,
  rowStatistic,
  type StatLayout,
} from "./statistics.js";

/** How many instance ids a missing-values error lists. */
export const FIRST_IDS = 5;

/** The accumulators of one scan over the rows of the view, in order. */
export class Scan {
  readonly magnitude = new Magnitude();
  moments: ColumnMoments | undefined;
  /** The kernels' running column sums over the blocks without missing values. */
  readonly kernelSums: { columnSums: Float64Array; columnSumSquares: Float64Array };
  kernelRows = 0;
  /** View rows with missing values: the first few, or all of them with `missing: "drop"`. */
  readonly missingRows: number[] = [];
  missingCount = 0;
  /** Each row's sum of squares as read (the view's rows), from the kernels' moments. */
  readonly rowSquares: Float64Array;
  /** The per-row layouts (center or scale per instance) and their values, block by block. */
  readonly perRowLayouts: StatLayout[];
  readonly perRowValues: Float64Array[][];
  #finished = false;

  constructor(
    readonly view: ReadableView,
    readonly plan: Plan,
    readonly config: PreprocessConfig,
    layouts: { center?: StatLayout; scale?: StatLayout },
    readonly kernels: Kernels,
  ) {
    const { p } = plan;
    this.kernelSums = { columnSums: new Float64Array(p), columnSumSquares: new Float64Array(p) };
    this.rowSquares = new Float64Array(plan.n);
    this.perRowLayouts = [layouts.center, layouts.scale].filter((s) => s?.perRow) as StatLayout[];
    this.perRowValues = this.perRowLayouts.map(() => []);
  }

  /** Analyzes `rows` rows of `block`, which are rows `row0...` of the view. */
  async analyze(block: KernelMatrix, row0: number, rows: number): Promise<void> {
    const { p } = this.plan;
    const { config, kernelSums } = this;
    const data = block.data;
    this.moments ??= columnMoments(typicalValues(data, rows, p));
    const moments = this.moments;
    // Clean blocks continue the kernels' running sums (the same bits however the rows are
    // blocked); blocks with missing values are summed here, skipping them.
    const before = {
      columnSums: kernelSums.columnSums.slice(),
      columnSumSquares: kernelSums.columnSumSquares.slice(),
    };
    const sums = await this.kernels.moments(block, moments.shift, kernelSums);
    this.rowSquares.set(sums.rowSumSquares.subarray(0, rows), row0);
    const { missing: bad, infinite } = this.magnitude.observe(
      data,
      rows,
      p,
      sums.rowSumSquares,
      row0,
    );
    if (infinite !== undefined) throw infiniteValueError(this.view, this.plan, infinite);
    this.missingCount += bad.length;
    for (const i of bad)
      if (this.missingRows.length < FIRST_IDS || config.missing === "drop")
        this.missingRows.push(row0 + i);
    const dropped = new Set(config.missing === "drop" ? bad : []);
    if (bad.length > 0) {
      kernelSums.columnSums.set(before.columnSums);
      kernelSums.columnSumSquares.set(before.columnSumSquares);
      // Always: the moments also measure the preprocessed matrix (magnitude.ts).
      addRows(moments, data, rows, (i) => !dropped.has(i));
    } else {
      this.kernelRows += rows;
    }
    this.perRowLayouts.forEach((layout, s) => {
      const values = new Float64Array((rows - dropped.size) * layout.cells);
      let r = 0;
      for (let i = 0; i < rows; i++)
        if (!dropped.has(i)) rowStatistic(layout, data, i * p, p, values, layout.cells * r++);
      this.perRowValues[s]!.push(values);
    });
  }

  /**
   * Ends the scan: adds the kernels' sums into the column moments of every row used, and says
   * whether a statistic overflowed (sums of squares of values beyond 1e154), in which case the
   * data must be scaled down and scanned again.
   */
  finish(): { moments: ColumnMoments | undefined; overflow: boolean } {
    const { moments, kernelSums, kernelRows } = this;
    if (moments !== undefined && !this.#finished)
      for (let j = 0; j < this.plan.p; j++) {
        moments.count[j]! += kernelRows;
        moments.sum[j]! += kernelSums.columnSums[j]!;
        moments.sumSquares[j]! += kernelSums.columnSumSquares[j]!;
      }
    this.#finished = true;
    const infinite = (values: Float64Array) =>
      values.some((x) => x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY);
    const overflow =
      (moments !== undefined &&
        (!moments.sum.every(Number.isFinite) || !moments.sumSquares.every(Number.isFinite))) ||
      this.perRowValues.some((parts) => parts.some(infinite));
    return { moments, overflow };
  }
}
