/**
 * The preprocessed matrix a solver sees, in memory or streamed: one scan finds missing values and
 * takes the statistics; every later pass reads, preprocesses and multiplies block by block.
 */

import type { KernelMatrix, Kernels } from "@tt/linalg";
import { DataError, type FitContext, type ReadableView } from "@tt/schema";
import type { PreprocessConfig } from "./config-fields.js";
import type { MemoryPlan } from "./memory.js";
import type { Plan } from "./plan.js";
import { fillBlocks, typicalValues } from "./rows.js";
import {
  addRows,
  type ColumnMoments,
  cellIqr,
  cellMoments,
  columnMoments,
  rowStatistic,
  type StatLayout,
  safeScale,
} from "./statistics.js";

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
  readonly center: StatValues | undefined;
  readonly scale: StatValues | undefined;
  /** Flat positions (row × p + column) of the missing entries, for `missing: "mask"`. */
  readonly missing: Float64Array;
  readonly inMemory: boolean;
  /** Reads of the data so far. */
  passes: number;
  /** Calls `visit` with consecutive preprocessed blocks and the row each starts at. */
  forEachBlock(visit: (block: KernelMatrix, row0: number) => Promise<void>): Promise<void>;
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

const FIRST_IDS = 5;

/** Scans the view once and returns the source the solvers read. */
export async function openSource(options: SourceOptions): Promise<MatrixSource> {
  const { view, plan, config, layouts, kernels, memory, context } = options;
  const { inMemory, blockRows, dtype } = memory;
  const { signal } = context;
  const { n, p } = plan;
  const whole = inMemory ? kernels.allocMatrix(Math.max(n, 1), p, dtype) : undefined;
  const blockMatrix = inMemory ? undefined : kernels.allocMatrix(blockRows, p, dtype);
  const perColumn = [layouts.center, layouts.scale].some((s) => s !== undefined && !s.perRow);
  const perRowLayouts = [layouts.center, layouts.scale].filter((s) => s?.perRow) as StatLayout[];
  let moments: ColumnMoments | undefined;
  const kernelSums = { columnSums: new Float64Array(p), columnSumSquares: new Float64Array(p) };
  let kernelRows = 0;
  const missingRows: number[] = [];
  let missingCount = 0;
  const perRowValues = perRowLayouts.map(() => [] as Float64Array[]);

  // Finds missing and infinite values, accumulates column moments and per-row statistics of
  // `rows` rows of `block` that are rows `row0...` of the view.
  const analyze = async (block: KernelMatrix, row0: number, rows: number) => {
    const data = block.data;
    moments ??= columnMoments(typicalValues(data, rows, p));
    // Clean blocks continue the kernels' running sums (the same bits however the rows are
    // blocked); blocks with missing values are summed here, skipping them.
    const before = {
      columnSums: kernelSums.columnSums.slice(),
      columnSumSquares: kernelSums.columnSumSquares.slice(),
    };
    const sums = await kernels.moments(block, moments.shift, kernelSums);
    const bad: number[] = [];
    for (let i = 0; i < rows; i++) {
      const s = sums.rowSumSquares[i]!;
      if (s === Number.POSITIVE_INFINITY || (Number.isNaN(s) && hasInfinity(data, i * p, p)))
        throw new DataError(`instance ${idAt(view, plan, row0 + i)}`, "has an infinite value");
      if (Number.isNaN(s)) bad.push(i);
    }
    missingCount += bad.length;
    for (const i of bad)
      if (missingRows.length < FIRST_IDS || config.missing === "drop") missingRows.push(row0 + i);
    const dropped = new Set(config.missing === "drop" ? bad : []);
    if (bad.length > 0) {
      kernelSums.columnSums.set(before.columnSums);
      kernelSums.columnSumSquares.set(before.columnSumSquares);
      if (perColumn) addRows(moments, data, rows, (i) => !dropped.has(i));
    } else {
      kernelRows += rows;
    }
    perRowLayouts.forEach((layout, s) => {
      const values = new Float64Array((rows - dropped.size) * layout.cells);
      let r = 0;
      for (let i = 0; i < rows; i++)
        if (!dropped.has(i)) rowStatistic(layout, data, i * p, p, values, layout.cells * r++);
      perRowValues[s]!.push(values);
    });
  };

  // The scan: in memory, copy everything and analyze it at once; streamed, block by block.
  let row0 = 0;
  for await (const rows of fillBlocks(
    view,
    plan,
    (whole ?? blockMatrix)!,
    inMemory ? n : blockRows,
    signal,
  )) {
    if (blockMatrix !== undefined) await analyze(blockMatrix.withRows(rows), row0, rows);
    row0 += rows;
    context.onProgress({ phase: "read", fraction: row0 / Math.max(n, 1) });
  }
  if (whole !== undefined && n > 0) await analyze(whole, 0, n);

  if (missingCount > 0 && config.missing === "error") {
    const ids = missingRows.slice(0, FIRST_IDS).map((row) => idAt(view, plan, row));
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

  if (moments !== undefined)
    for (let j = 0; j < p; j++) {
      moments.count[j]! += kernelRows;
      moments.sum[j]! += kernelSums.columnSums[j]!;
      moments.sumSquares[j]! += kernelSums.columnSumSquares[j]!;
    }

  const statValues = (layout: StatLayout | undefined): StatValues | undefined => {
    if (layout === undefined) return undefined;
    if (layout.perRow) {
      const parts = perRowValues[perRowLayouts.indexOf(layout)]!;
      const values = new Float64Array(parts.reduce((a, b) => a + b.length, 0));
      let at = 0;
      for (const part of parts) {
        values.set(part, at);
        at += part.length;
      }
      return { layout, values: layout.kind === "mean" ? values : safeScale(values) };
    }
    if (layout.kind === "robust") {
      const data = matrix!.data;
      const rows = usedRows.length;
      return {
        layout,
        values: safeScale(
          cellIqr(layout.cells, (cell) => {
            const out: number[] = [];
            for (let j = 0; j < p; j++)
              if (layout.cellOfColumn[j] === cell)
                for (let i = 0; i < rows; i++) {
                  const x = data[i * p + j]!;
                  if (!Number.isNaN(x)) out.push(x);
                }
            return out;
          }),
        ),
      };
    }
    const { mean, std } = cellMoments(layout, moments!);
    return { layout, values: layout.kind === "mean" ? mean : safeScale(std) };
  };
  const center = statValues(layouts.center);
  const scale = statValues(layouts.scale);
  const preprocess = preprocessor(kernels, plan, center, scale);

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

  const source: MatrixSource = {
    n: usedRows.length,
    p,
    usedRows,
    center,
    scale,
    missing: Float64Array.from(missing),
    inMemory,
    passes: 1,
    async forEachBlock(visit) {
      source.passes++;
      if (matrix !== undefined) return visit(matrix, 0);
      let used = 0;
      const keep = droppedRows.size > 0 ? (row: number) => !droppedRows.has(row) : undefined;
      for await (const rows of fillBlocks(view, plan, blockMatrix!, blockRows, signal, keep)) {
        const block = blockMatrix!.withRows(rows);
        await preprocess(block, used);
        await visit(block, used);
        used += rows;
      }
    },
  };
  return source;
}

function hasInfinity(data: Float32Array | Float64Array, from: number, p: number): boolean {
  for (let j = from; j < from + p; j++)
    if (data[j] === Infinity || data[j] === -Infinity) return true;
  return false;
}

/** The id of the instance at view position `row`, or its position when the axis has no ids. */
function idAt(view: ReadableView, plan: Plan, row: number): string {
  const ids = view.ids(plan.rowAxis);
  return ids === undefined ? `#${row}` : String(ids[row]);
}

/** Returns the function that centers, scales and weights a block in place. */
function preprocessor(
  kernels: Kernels,
  plan: Plan,
  center: StatValues | undefined,
  scale: StatValues | undefined,
): (block: KernelMatrix, row0: number) => Promise<void> {
  const { p } = plan;
  const weights = plan.columnWeights;
  if (center === undefined && scale === undefined && weights === null) return async () => {};
  const columnValue = (stat: StatValues | undefined, j: number, fallback: number) =>
    stat === undefined ? fallback : stat.values[stat.layout.cellOfColumn[j]!]!;
  if (!center?.layout.perRow && !scale?.layout.perRow) {
    const shift = new Float64Array(p);
    const factor = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      shift[j] = columnValue(center, j, 0);
      factor[j] = (weights?.[j] ?? 1) / columnValue(scale, j, 1);
    }
    return (block) => kernels.affineColumns(block, shift, factor);
  }
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
        data[i * p + j] = (data[i * p + j]! - shift) * ((weights?.[j] ?? 1) / sigma);
      }
    }
  };
}
