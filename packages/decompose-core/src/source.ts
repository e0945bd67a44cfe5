/**
 * The preprocessed matrix a solver sees, in memory or streamed: one scan finds missing values and
 * takes the statistics; every later pass reads, preprocesses and multiplies block by block. Data
 * whose magnitude the kernels cannot square is scanned again at an exact power of two (see
 * magnitude.ts), and the solvers' results are brought back with `toDataUnits`.
 */

import type { ColumnAffine, KernelMatrix, Kernels } from "@tt/linalg";
import { DataError, type FitContext, type ReadableView } from "@tt/schema";
import type { PreprocessConfig } from "./config-fields.js";
import { allZeroError, instanceName, tooLargeError } from "./data-errors.js";
import { type FoldedRead, foldedRead } from "./fold.js";
import { ldexp, log2MatrixNorm, type Magnitude, matrixExponent } from "./magnitude.js";
import type { MemoryPlan } from "./memory.js";
import type { PassRunner } from "./passes.js";
import type { Plan } from "./plan.js";
import { type Preprocessor, preprocessor } from "./preprocess.js";
import { FIRST_IDS, type Scan } from "./scan.js";
import { createReader, type Reader, readBlocks, type Scanned, scanData } from "./source-scan.js";
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
  /**
   * Each used row's squared norm in the blocks, when the scan measured it already: the blocks are
   * the rows as read (no centering, scaling, weights or rescaling, no missing values). The same
   * bits a `moments` pass over the blocks gives, without the pass; `undefined` otherwise.
   */
  readonly rowSquares: Float64Array | undefined;
  /** Reads of the data so far. */
  passes: number;
  /**
   * A coordinator's source (see partition.ts): the passes of {@link runPass} run on the data's
   * partitions elsewhere through it, and `forEachBlock` is not available. Undefined otherwise.
   */
  readonly runner?: PassRunner;
  /**
   * Calls `visit` with consecutive preprocessed blocks and the row each starts at. With
   * `fuseAffine`, a streamed block whose preprocessing is one affine map per column may come
   * unpreprocessed, with that map as `affine`: `visit` must apply it (as `normalProduct` does in
   * the same pass, with the same bits). In memory, blocks always come preprocessed.
   */
  forEachBlock(visit: BlockVisitor, options?: { fuseAffine: boolean }): Promise<void>;
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

/** Visits a block; `affine`, when given, is the preprocessing still to apply (see forEachBlock). */
export type BlockVisitor = (
  block: KernelMatrix,
  row0: number,
  affine?: ColumnAffine,
) => Promise<void>;

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

/**
 * Opens the source a fit's solvers read: {@link openSource} in one process; a coordinator of a
 * split fit passes its own (see partition.ts).
 */
export type SourceOpener = (options: SourceOptions) => Promise<MatrixSource>;

/** Scans the view once (twice for data that must be rescaled) and returns the source the solvers read. */
export async function openSource(options: SourceOptions): Promise<MatrixSource> {
  const { plan, config, layouts, kernels } = options;
  const { p } = plan;
  const reader = createReader(options);
  const scanned = await scanData(reader);
  const rows = usedRowsOf(options, scanned.scan);
  const matrix = inMemoryMatrix(reader.whole, rows, p);
  const used = rows.usedRows.length;
  const center = statValues(layouts.center, scanned, matrix, used, p);
  const rawScale = statValues(layouts.scale, scanned, matrix, used, p);
  const scale = rawScale && { layout: rawScale.layout, values: safeScale(rawScale.values) };
  const matrixScale = matrixScaleOf(options, scanned, used, center, scale);
  const preprocess = preprocessor(kernels, plan, center, scale, matrixScale);
  const missing =
    matrix === undefined
      ? []
      : await preprocessInMemory(matrix, preprocess.apply, config, used * p);
  // Scaled data has no unit: there the rescaling of the data cancels, that of the matrix stays.
  const unitExponent = (layouts.scale === undefined ? scanned.exponent : 0) + matrixScale;
  const unchanged =
    layouts.center === undefined &&
    layouts.scale === undefined &&
    plan.columnWeights === null &&
    unitExponent === 0 &&
    scanned.exponent === 0 &&
    scanned.scan.missingCount === 0;
  const folded =
    matrix === undefined
      ? foldedRead(reader, plan, config, preprocess, scanned.factor !== undefined)
      : undefined;
  return createSource({
    reader,
    scanned,
    rows,
    matrix,
    center,
    rawScale,
    preprocess,
    folded,
    missing,
    unitExponent,
    rowSquares: unchanged ? scanned.scan.rowSquares : undefined,
  });
}

/** The rows of the view that are decomposed. */
interface UsedRows {
  /** View positions of the rows used, ascending. */
  readonly usedRows: Int32Array;
  /** View positions of the rows dropped by `missing: "drop"`. */
  readonly droppedRows: Set<number>;
}

/**
 * The rows to decompose: all of them, or those without missing values for `missing: "drop"`.
 * Missing values with `missing: "error"`, or no row left, are a DataError.
 */
function usedRowsOf(options: SourceOptions, scan: Scan): UsedRows {
  const { view, plan, config } = options;
  const { missingRows, missingCount } = scan;
  if (missingCount > 0 && config.missing === "error") {
    const ids = missingRows.slice(0, FIRST_IDS).map((row) => instanceName(view, plan, row));
    throw new DataError(
      `axis '${plan.rowAxis}'`,
      `${missingCount} instance(s) have missing values (NaN or masked), first: ${ids.join(", ")}; set missing to "drop" or "mask" to fit anyway`,
    );
  }
  const droppedRows = new Set(config.missing === "drop" ? missingRows : []);
  const usedRows = new Int32Array(plan.n - droppedRows.size);
  for (let row = 0, at = 0; row < plan.n; row++) if (!droppedRows.has(row)) usedRows[at++] = row;
  if (usedRows.length === 0)
    throw new DataError(`axis '${plan.rowAxis}'`, "no instance is left to decompose");
  return { usedRows, droppedRows };
}

/** In memory, the matrix of the used rows (moved up over the dropped ones); streamed, `undefined`. */
function inMemoryMatrix(
  whole: KernelMatrix | undefined,
  rows: UsedRows,
  p: number,
): KernelMatrix | undefined {
  if (whole === undefined || rows.droppedRows.size === 0) return whole;
  rows.usedRows.forEach((row, i) => {
    if (row !== i) whole.data.copyWithin(i * p, row * p, (row + 1) * p);
  });
  return whole.withRows(rows.usedRows.length);
}

/**
 * A statistic in the units of the scanned (possibly rescaled) data, from the scan (per row, mean,
 * standard deviation) or from the in-memory matrix of `rows` used rows (interquartile range).
 */
function statValues(
  layout: StatLayout | undefined,
  scanned: Scanned,
  matrix: KernelMatrix | undefined,
  rows: number,
  p: number,
): StatValues | undefined {
  if (layout === undefined) return undefined;
  if (layout.perRow) {
    const { scan } = scanned;
    return { layout, values: concatenate(scan.perRowValues[scan.perRowLayouts.indexOf(layout)]!) };
  }
  if (layout.kind === "robust") return { layout, values: cellIqrOf(layout, matrix!, rows, p) };
  const { mean, std } = cellMoments(layout, scanned.moments!);
  return { layout, values: layout.kind === "mean" ? mean : std };
}

/** The parts one after the other in one array. */
function concatenate(parts: readonly Float64Array[]): Float64Array {
  const values = new Float64Array(parts.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const part of parts) {
    values.set(part, at);
    at += part.length;
  }
  return values;
}

/** The interquartile range of each cell's values (missing ones left out) in the first `rows` rows. */
function cellIqrOf(
  layout: StatLayout,
  matrix: KernelMatrix,
  rows: number,
  p: number,
): Float64Array {
  const data = matrix.data;
  return cellIqr(layout.cells, (cell) => {
    const out: number[] = [];
    for (let j = 0; j < p; j++)
      if (layout.cellOfColumn[j] === cell)
        for (let i = 0; i < rows; i++) {
          const x = data[i * p + j]!;
          if (!Number.isNaN(x)) out.push(x);
        }
    return out;
  });
}

/**
 * The exponent of the power of two the preprocessed matrix goes to the solvers divided by, when
 * its norm is out of their range (2^±100 in float64); 0 otherwise. A norm beyond float64 is a
 * DataError.
 */
function matrixScaleOf(
  options: SourceOptions,
  scanned: Scanned,
  rows: number,
  center: StatValues | undefined,
  scale: StatValues | undefined,
): number {
  const { view, plan, memory } = options;
  const { magnitude } = scanned;
  const log2Norm = log2MatrixNorm({
    p: plan.p,
    rows,
    columnWeights: plan.columnWeights,
    moments: scanned.moments!,
    center,
    scale,
    log2RowNorm: scanned.scan.magnitude.log2Norm,
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
  return matrixExponent(log2Norm, memory.dtype);
}

/**
 * Preprocesses the in-memory matrix in place; with `missing: "mask"`, sets its missing entries
 * (among the first `entries`) to 0 and returns their flat positions.
 */
async function preprocessInMemory(
  matrix: KernelMatrix,
  preprocess: (block: KernelMatrix, row0: number) => Promise<void>,
  config: PreprocessConfig,
  entries: number,
): Promise<number[]> {
  const missing: number[] = [];
  await preprocess(matrix, 0);
  if (config.missing === "mask") {
    const data = matrix.data;
    for (let i = 0; i < entries; i++)
      if (Number.isNaN(data[i]!)) {
        missing.push(i);
        data[i] = 0;
      }
  }
  return missing;
}

/** What {@link createSource} puts together. */
interface SourceParts {
  reader: Reader;
  scanned: Scanned;
  rows: UsedRows;
  /** The in-memory matrix of the used rows, preprocessed; `undefined` when streamed. */
  matrix: KernelMatrix | undefined;
  /** The centering statistic in the units of the scanned data. */
  center: StatValues | undefined;
  /** The scaling statistic in the units of the scanned data, before zeros become ones. */
  rawScale: StatValues | undefined;
  preprocess: Preprocessor;
  /** Streamed passes that fuse the preprocessing: the view's trailing arithmetic folded in. */
  folded: FoldedRead | undefined;
  missing: number[];
  unitExponent: number;
  /** See {@link MatrixSource.rowSquares}. */
  rowSquares: Float64Array | undefined;
}

/** The source the solvers read: the statistics in the data's units and the passes over the data. */
function createSource(parts: SourceParts): MatrixSource {
  const { reader, scanned, rows, matrix, center, rawScale, unitExponent } = parts;
  const { view, plan, config, memory } = reader.options;
  const { exponent, magnitude } = scanned;
  const { usedRows } = rows;
  const source: MatrixSource = {
    n: usedRows.length,
    p: plan.p,
    usedRows,
    center: center && { layout: center.layout, values: inDataUnits(center.values, exponent) },
    scale: rawScale && {
      layout: rawScale.layout,
      values: safeScale(inDataUnits(rawScale.values, exponent)),
    },
    missing: Float64Array.from(parts.missing),
    inMemory: memory.inMemory,
    unitExponent,
    rowSquares: parts.rowSquares,
    passes: 1,
    async forEachBlock(visit, options) {
      source.passes++;
      if (matrix !== undefined) return visit(matrix, 0);
      if (parts.folded !== undefined) return readFolded(parts.folded, rows, visit, options);
      const { apply, columns } = parts.preprocess;
      const fused = options?.fuseAffine === true ? columns : undefined;
      const preprocess = fused === undefined ? apply : async () => {};
      await readPreprocessed(reader, scanned.factor, rows.droppedRows, preprocess, (block, row0) =>
        visit(block, row0, fused),
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

/** Streamed: reads, rescales and preprocesses the used rows block by block and visits each block. */
async function readPreprocessed(
  reader: Reader,
  factor: Float64Array | undefined,
  droppedRows: Set<number>,
  preprocess: (block: KernelMatrix, row0: number) => Promise<void>,
  visit: (block: KernelMatrix, row0: number) => Promise<void>,
): Promise<void> {
  let used = 0;
  const keep = droppedRows.size > 0 ? (row: number) => !droppedRows.has(row) : undefined;
  await readBlocks(
    reader,
    async (block) => {
      await preprocess(block, used);
      await visit(block, used);
      used += block.rows;
    },
    factor,
    keep,
  );
}

/**
 * Streamed, the view's trailing arithmetic folded into the preprocessing (see fold.ts): reads
 * the view below it and applies the composed map, or hands it to `visit` with `fuseAffine`.
 */
function readFolded(
  folded: FoldedRead,
  rows: UsedRows,
  visit: BlockVisitor,
  options: { fuseAffine: boolean } | undefined,
): Promise<void> {
  const { reader, affine } = folded;
  const { kernels } = reader.options;
  const fuse = options?.fuseAffine === true;
  const apply = fuse
    ? async () => {}
    : (block: KernelMatrix) => kernels.affineColumns(block, affine.shift, affine.scale);
  return readPreprocessed(reader, undefined, rows.droppedRows, apply, (block, row0) =>
    visit(block, row0, fuse ? affine : undefined),
  );
}

/** Statistics of data scanned times 2^-exponent, back in the data's units. */
function inDataUnits(values: Float64Array, exponent: number): Float64Array {
  return exponent === 0 ? values : values.map((x) => ldexp(x, exponent));
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
