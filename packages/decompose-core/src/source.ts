/**
 * The preprocessed matrix a solver sees, in memory or streamed: one scan finds missing values and
 * takes the statistics; every later pass reads, preprocesses and multiplies block by block. Data
 * whose magnitude the kernels cannot square is scanned again at an exact power of two (see
 * magnitude.ts), and the solvers' results are brought back with `toDataUnits`.
 */

import type { KernelMatrix, Kernels } from "@tt/linalg";
import { DataError, type FitContext, type ReadableView } from "@tt/schema";
import type { PreprocessConfig } from "./config-fields.js";
import { allZeroError, instanceName, tooLargeError } from "./data-errors.js";
import {
  dataExponent,
  ldexp,
  log2MatrixNorm,
  type Magnitude,
  matrixExponent,
} from "./magnitude.js";
import type { MemoryPlan } from "./memory.js";
import type { Plan } from "./plan.js";
import { preprocessor } from "./preprocess.js";
import { fillBlocks } from "./rows.js";
import { FIRST_IDS, Scan } from "./scan.js";
import { cellIqr, cellMoments, type StatLayout, safeScale } from "./statistics.js";

/** A statistic's values: per cell, or per used row and cell when `perRow`. */
export interface StatValues {
  layout: StatLayout;
  values: Float64Array;
}

/** What the scan found and how to read the preprocessed matrix. */
export interface MatrixSource {
  readonly n: number;
  readonly p: number;
  /** View positions of the rows used (all, unless `missing: "drop"` dropped some). */
  readonly usedRows: Int32Array;
  /** The centering statistic, in the data's units. */
  readonly center: StatValues | undefined;
  /** The scaling statistic, in the data's units. */
  readonly scale: StatValues | undefined;
  /** Flat positions (row × p + column) of the missing entries, for `missing: "mask"`. */
  readonly missing: Float64Array;
  readonly inMemory: boolean;
  /**
   * The blocks hold the preprocessed data times 2^-unitExponent: an exact power of two, 0 unless
   * the data's magnitude is beyond what the kernels square without overflow or underflow.
   */
  readonly unitExponent: number;
  /** Reads of the data so far. */
  passes: number;
  /** Calls `visit` with consecutive preprocessed blocks and the row each starts at. */
  forEachBlock(visit: (block: KernelMatrix, row0: number) => Promise<void>): Promise<void>;
  /**
   * `values` computed from the blocks, brought to the data's units: times 2^(power ·
   * unitExponent), `power` being their degree in the data (1 for singular values, scores and
   * errors, 2 for variances). A value float64 cannot hold is a DataError naming the first value
   * whose square overflows (or the largest) and what to divide the data by; `what` names the
   * result in it ("explained variance").
   */
  toDataUnits(values: Float64Array, power: 1 | 2, what: string): Float64Array;
  /**
   * Throws a DataError when `largest` (the largest singular value or the sum of squares of the
   * blocks) is 0: every preprocessed value is 0 (with centering, the data has zero variance), so
   * there is nothing to decompose.
   */
  assertNotAllZero(largest: number): void;
}

/** What {@link openSource} needs. */
export interface SourceOptions {
  view: ReadableView;
  plan: Plan;
  config: PreprocessConfig;
  layouts: { center?: StatLayout; scale?: StatLayout };
  kernels: Kernels;
  /** In memory or streamed, and the rows per block (a multiple of the kernels' chunk rows). */
  memory: MemoryPlan;
  /** The fit's context: the scan reports progress in phase `"read"` and stops on its signal. */
  context: Pick<FitContext, "signal" | "onProgress">;
}

/** Scans the view once (twice for data that must be rescaled) and returns the source the solvers read. */
export async function openSource(options: SourceOptions): Promise<MatrixSource> {
  const { view, plan, config, layouts, kernels, memory, context } = options;
  const { inMemory, blockRows, dtype } = memory;
  const { signal } = context;
  const { n, p } = plan;
  const whole = inMemory ? kernels.allocMatrix(Math.max(n, 1), p, dtype) : undefined;
  const blockMatrix = inMemory ? undefined : kernels.allocMatrix(blockRows, p, dtype);
  const noShift = new Float64Array(p);
  const newScan = () => new Scan(view, plan, config, layouts, kernels);

  // Streamed: reads every block, rescales it by `factor` if given, and passes it to `visit`.
  const readBlocks = async (
    visit: (block: KernelMatrix, row0: number) => Promise<void>,
    factor: Float64Array | undefined,
    keep?: (row: number) => boolean,
  ) => {
    let row0 = 0;
    for await (const rows of fillBlocks(view, plan, blockMatrix!, blockRows, signal, keep)) {
      const block = blockMatrix!.withRows(rows);
      if (factor !== undefined) await kernels.affineColumns(block, noShift, factor);
      await visit(block, row0);
      row0 += rows;
    }
  };

  // The scan: in memory, copy everything and analyze it at once; streamed, block by block.
  let scan = newScan();
  if (whole !== undefined) {
    let row0 = 0;
    for await (const rows of fillBlocks(view, plan, whole, n, signal)) {
      row0 += rows;
      context.onProgress({ phase: "read", fraction: row0 / Math.max(n, 1) });
    }
    await scan.analyze(whole, 0, n);
  } else {
    await readBlocks(async (block, row0) => {
      await scan.analyze(block, row0, block.rows);
      context.onProgress({ phase: "read", fraction: (row0 + block.rows) / Math.max(n, 1) });
    }, undefined);
  }
  // Statistics that overflow (or data too small to square): the same scan on the data times
  // 2^-exponent. `magnitude` keeps the values as read, for error messages.
  const magnitude = scan.magnitude;
  let finished = scan.finish();
  const exponent = dataExponent(magnitude, finished.overflow);
  const factor = exponent === 0 ? undefined : new Float64Array(p).fill(ldexp(1, -exponent));
  if (factor !== undefined) {
    scan = newScan();
    if (whole !== undefined) {
      await kernels.affineColumns(whole, noShift, factor);
      await scan.analyze(whole, 0, n);
    } else {
      await readBlocks((block, row0) => scan.analyze(block, row0, block.rows), factor);
    }
    finished = scan.finish();
  }

  const { missingRows, missingCount } = scan;
  if (missingCount > 0 && config.missing === "error") {
    const ids = missingRows.slice(0, FIRST_IDS).map((row) => instanceName(view, plan, row));
    throw new DataError(
      `axis '${plan.rowAxis}'`,
      `${missingCount} instance(s) have missing values (NaN or masked), first: ${ids.join(", ")}; set missing to "drop" or "mask" to fit anyway`,
    );
  }
  const droppedRows = new Set(config.missing === "drop" ? missingRows : []);
  const usedRows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !droppedRows.has(i));
  if (usedRows.length === 0)
    throw new DataError(`axis '${plan.rowAxis}'`, "no instance is left to decompose");

  let matrix = whole;
  if (whole !== undefined && droppedRows.size > 0) {
    usedRows.forEach((row, i) => {
      if (row !== i) whole.data.copyWithin(i * p, row * p, (row + 1) * p);
    });
    matrix = whole.withRows(usedRows.length);
  }

  const { moments } = finished;
  // Statistics in the units of the scanned (possibly rescaled) data; a scale of 0 becomes 1.
  const statValues = (layout: StatLayout | undefined): StatValues | undefined => {
    if (layout === undefined) return undefined;
    if (layout.perRow) {
      const parts = scan.perRowValues[scan.perRowLayouts.indexOf(layout)]!;
      const values = new Float64Array(parts.reduce((a, b) => a + b.length, 0));
      let at = 0;
      for (const part of parts) {
        values.set(part, at);
        at += part.length;
      }
      return { layout, values };
    }
    if (layout.kind === "robust") {
      const data = matrix!.data;
      const rows = usedRows.length;
      return {
        layout,
        values: cellIqr(layout.cells, (cell) => {
          const out: number[] = [];
          for (let j = 0; j < p; j++)
            if (layout.cellOfColumn[j] === cell)
              for (let i = 0; i < rows; i++) {
                const x = data[i * p + j]!;
                if (!Number.isNaN(x)) out.push(x);
              }
          return out;
        }),
      };
    }
    const { mean, std } = cellMoments(layout, moments!);
    return { layout, values: layout.kind === "mean" ? mean : std };
  };
  const center = statValues(layouts.center);
  const rawScale = statValues(layouts.scale);
  const scale = rawScale && { layout: rawScale.layout, values: safeScale(rawScale.values) };
  const inDataUnits = (values: Float64Array) =>
    exponent === 0 ? values : values.map((x) => ldexp(x, exponent));
  // The preprocessed matrix goes to the solvers times 2^-matrixScale when its norm is out of
  // their range (2^±100 in float64).
  const log2Norm = log2MatrixNorm({
    p,
    rows: usedRows.length,
    columnWeights: plan.columnWeights,
    moments: moments!,
    center,
    scale,
    log2RowNorm: scan.magnitude.log2Norm,
  });
  if (Number.isNaN(log2Norm) || log2Norm === Number.POSITIVE_INFINITY)
    throw tooLargeError(
      view,
      plan,
      magnitude.firstHuge ?? magnitude.largest,
      "sum of squares of the preprocessed data",
      Number.POSITIVE_INFINITY,
      2,
    );
  const matrixScale = matrixExponent(log2Norm, dtype);
  const preprocess = preprocessor(kernels, plan, center, scale, matrixScale);

  const missing: number[] = [];
  if (matrix !== undefined) {
    await preprocess(matrix, 0);
    if (config.missing === "mask") {
      const data = matrix.data;
      for (let i = 0; i < usedRows.length * p; i++)
        if (Number.isNaN(data[i]!)) {
          missing.push(i);
          data[i] = 0;
        }
    }
  }

  // Scaled data has no unit: there the rescaling of the data cancels, that of the matrix stays.
  const unitExponent = (layouts.scale === undefined ? exponent : 0) + matrixScale;
  const source: MatrixSource = {
    n: usedRows.length,
    p,
    usedRows,
    center: center && { layout: center.layout, values: inDataUnits(center.values) },
    scale: rawScale && { layout: rawScale.layout, values: safeScale(inDataUnits(rawScale.values)) },
    missing: Float64Array.from(missing),
    inMemory,
    unitExponent,
    passes: 1,
    async forEachBlock(visit) {
      source.passes++;
      if (matrix !== undefined) return visit(matrix, 0);
      let used = 0;
      const keep = droppedRows.size > 0 ? (row: number) => !droppedRows.has(row) : undefined;
      await readBlocks(
        async (block) => {
          await preprocess(block, used);
          await visit(block, used);
          used += block.rows;
        },
        factor,
        keep,
      );
    },
    toDataUnits(values, power, what) {
      return toDataUnits(values, power * unitExponent, what, power, magnitude, view, plan);
    },
    assertNotAllZero(largest) {
      if (largest === 0) throw allZeroError(plan, config, usedRows.length);
    },
  };
  return source;
}

function toDataUnits(
  values: Float64Array,
  exponent: number,
  what: string,
  power: number,
  magnitude: Magnitude,
  view: ReadableView,
  plan: Plan,
): Float64Array {
  if (exponent === 0) return values;
  const out = values.map((x) => ldexp(x, exponent));
  const overflow = out.findIndex((x, i) => !Number.isFinite(x) && Number.isFinite(values[i]!));
  if (overflow >= 0) {
    const log2 = Math.log2(Math.abs(values[overflow]!)) + exponent;
    throw tooLargeError(view, plan, magnitude.firstHuge ?? magnitude.largest, what, log2, power);
  }
  return out;
}
