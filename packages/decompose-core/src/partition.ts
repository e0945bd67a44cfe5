/**
 * A fit split over partitions of the instances. A coordinator holds the whole view but reads no
 * data: every partition scans its own rows ({@link scanPartition}), the coordinator merges the
 * scans into the statistics every partition then preprocesses with ({@link mergeScans}), and
 * the solvers run on a {@link coordinatorSource}, whose passes (`runPass`) run on the
 * partitions' {@link openPartitionSource}s and come back merged.
 */

import { KERNEL_CHUNK_ROWS } from "@tt/linalg";
import { ConfigError, DataError, type ReadableView, UnsupportedError } from "@tt/schema";
import type { PreprocessConfig } from "./config-fields.js";
import { allZeroError, instanceName } from "./data-errors.js";
import { ldexp, log2MatrixNorm, matrixExponent } from "./magnitude.js";
import type { PassRunner } from "./passes.js";
import type { Plan } from "./plan.js";
import { preprocessor } from "./preprocess.js";
import { FIRST_IDS } from "./scan.js";
import type { MatrixSource, SourceOptions, StatValues } from "./source.js";
import { createReader, type Reader, readBlocks, scanData } from "./source-scan.js";
import { type ColumnMoments, cellMoments, type StatLayout, safeScale } from "./statistics.js";
import { turnTaker } from "./turns.js";

/** What one partition's scan found. */
export interface ScanPartial {
  /** Rows in the partition. */
  rows: number;
  /** The column moments of its rows (about its own shift). */
  moments: ColumnMoments;
  /** log2 of the largest row norm (see magnitude.ts). */
  log2Norm: number;
  /** The exponent its data would be rescaled by alone; a split fit needs 0. */
  exponent: number;
  missingCount: number;
  /** The first rows (in the partition) with missing values. */
  missingRows: number[];
  /** Each row's squared norm as read (empty when the rows stay on the workers). */
  rowSquares: Float64Array;
}

/** The statistics every partition preprocesses its rows with, from all partitions' scans. */
export interface SharedStatistics {
  center: StatValues | undefined;
  /** The scaling statistic, zeros already made ones. */
  scale: StatValues | undefined;
  /** The power of two the preprocessed matrix is divided by (see magnitude.ts). */
  matrixScale: number;
  /** Each row's squared norm when preprocessing leaves the rows as read, else undefined. */
  rowSquares: Float64Array | undefined;
}

/**
 * Throws a ConfigError for what a split fit does not do: statistics per instance or robust ones
 * (they need each instance's or all values at once), and missing values other than "error".
 */
export function assertPartitionable(
  config: PreprocessConfig,
  layouts: { center?: StatLayout; scale?: StatLayout },
): void {
  for (const [field, layout] of [
    ["center", layouts.center],
    ["scale", layouts.scale],
  ] as const) {
    if (layout?.perRow)
      throw new ConfigError(
        field,
        `per-instance statistics (the instance axis not reduced) are not supported by a split fit; reduce over the instance axis or fit in one process`,
      );
    if (layout?.kind === "robust")
      throw new ConfigError(
        field,
        `"robust" needs every value at once: not supported by a split fit`,
      );
  }
  if (config.missing !== "error")
    throw new ConfigError(
      "missing",
      `"${config.missing}" is not supported by a split fit; use "error" (the default) or fit in one process`,
    );
}

/** Scans the rows of one partition (`options.view` is the partition's view). */
export async function scanPartition(options: SourceOptions): Promise<ScanPartial> {
  const reader = createReader(streamed(options));
  const { scan, moments, exponent } = await scanData(reader).finally(() => release(reader));
  return {
    rows: options.plan.n,
    moments: moments!,
    log2Norm: scan.magnitude.log2Norm,
    exponent,
    missingCount: scan.missingCount,
    missingRows: scan.missingRows.slice(0, FIRST_IDS),
    rowSquares: scan.rowSquares,
  };
}

/** The most bytes of a partition's block: a worker's event loop runs between blocks. */
const PARTITION_BLOCK_BYTES = 8 * 2 ** 20;

/**
 * Partitions always stream, in blocks of at most {@link PARTITION_BLOCK_BYTES} (at least two
 * chunks of the kernels' rows, a multiple of them, so the sums do not depend on the blocking):
 * an engine's worker must answer its engine between blocks (BullMQ renews the job's lock on its
 * event loop), and a kernel call on a large block, one thread, would hold it for seconds.
 */
function streamed(options: SourceOptions): SourceOptions {
  const { memory, plan } = options;
  const rowBytes = Math.max(plan.p, 1) * memory.bytesPerValue;
  const fitting =
    Math.floor(PARTITION_BLOCK_BYTES / rowBytes / KERNEL_CHUNK_ROWS) * KERNEL_CHUNK_ROWS;
  const needed = Math.ceil(Math.max(plan.n, 1) / KERNEL_CHUNK_ROWS) * KERNEL_CHUNK_ROWS;
  const blockRows = Math.min(Math.max(fitting, 2 * KERNEL_CHUNK_ROWS), memory.blockRows, needed);
  return { ...options, memory: { ...memory, inMemory: false, blockRows, readAhead: false } };
}

/** The moments of all partitions about the first one's shift. */
function mergeMoments(parts: readonly ColumnMoments[]): ColumnMoments {
  const shift = parts[0]!.shift.slice();
  const p = shift.length;
  const merged = {
    shift,
    count: new Float64Array(p),
    sum: new Float64Array(p),
    sumSquares: new Float64Array(p),
  };
  for (const part of parts)
    for (let j = 0; j < p; j++) {
      const d = part.shift[j]! - shift[j]!;
      const count = part.count[j]!;
      merged.count[j]! += count;
      merged.sum[j]! += part.sum[j]! + count * d;
      merged.sumSquares[j]! += part.sumSquares[j]! + 2 * d * part.sum[j]! + count * d * d;
    }
  return merged;
}

/**
 * The statistics of the whole view from its partitions' scans, in partition order (`starts`: the
 * first row of each in the view). Missing values are a DataError naming the first instances, as
 * one process says it; data out of the range the kernels square is an UnsupportedError.
 */
export function mergeScans(
  options: Pick<SourceOptions, "view" | "plan" | "layouts" | "memory">,
  partials: readonly ScanPartial[],
  starts: readonly number[],
): SharedStatistics {
  const { view, plan, layouts, memory } = options;
  checkMissing(view, plan, partials, starts);
  if (partials.some((part) => part.exponent !== 0))
    throw new UnsupportedError(
      "split fit of rescaled data",
      `the data's magnitude (beyond about 2^±500) needs a rescaling that a split fit does not do; fit in one process`,
    );
  const moments = mergeMoments(partials.map((part) => part.moments));
  const statOf = (layout: StatLayout | undefined): StatValues | undefined => {
    if (layout === undefined) return undefined;
    const { mean, std } = cellMoments(layout, moments);
    return { layout, values: layout.kind === "mean" ? mean : std };
  };
  const center = statOf(layouts.center);
  const rawScale = statOf(layouts.scale);
  const scale = rawScale && { layout: rawScale.layout, values: safeScale(rawScale.values) };
  const log2Norm = log2MatrixNorm({
    p: plan.p,
    rows: plan.n,
    columnWeights: plan.columnWeights,
    moments,
    center,
    scale,
    log2RowNorm: Math.max(...partials.map((part) => part.log2Norm)),
  });
  if (Number.isNaN(log2Norm) || log2Norm === Number.POSITIVE_INFINITY)
    throw new DataError(
      "the data",
      "the sum of squares of the preprocessed data would exceed the float64 range (1.8e308); divide the data and decompose again",
    );
  const matrixScale = matrixExponent(log2Norm, memory.dtype);
  const unchanged = center === undefined && scale === undefined && plan.columnWeights === null;
  // Scans that kept their rows' norms on the workers (rows that stay there) send none.
  const sent = partials.every((part) => part.rowSquares.length === part.rows);
  const rowSquares = unchanged && matrixScale === 0 && sent ? concatRows(partials) : undefined;
  return { center, scale, matrixScale, rowSquares };
}

/** The rows' squared norms of all partitions, one after the other. */
function concatRows(partials: readonly ScanPartial[]): Float64Array {
  const out = new Float64Array(partials.reduce((n, part) => n + part.rows, 0));
  let at = 0;
  for (const part of partials) {
    out.set(part.rowSquares, at);
    at += part.rows;
  }
  return out;
}

/** Missing values are a DataError naming the first instances (a split fit needs `missing: "error"`). */
function checkMissing(
  view: ReadableView,
  plan: Plan,
  partials: readonly ScanPartial[],
  starts: readonly number[],
): void {
  const count = partials.reduce((n, part) => n + part.missingCount, 0);
  if (count === 0) return;
  const rows = partials.flatMap((part, q) => part.missingRows.map((row) => starts[q]! + row));
  const ids = rows.slice(0, FIRST_IDS).map((row) => instanceName(view, plan, row));
  throw new DataError(
    `axis '${plan.rowAxis}'`,
    `${count} instance(s) have missing values (NaN or masked), first: ${ids.join(", ")}; a split fit needs data without missing values (missing: "error")`,
  );
}

/** Shared parts of the two sources: the statistics in the data's units and the unit checks. */
function sharedSource(plan: Plan, config: PreprocessConfig, stats: SharedStatistics) {
  const unitExponent = stats.matrixScale;
  return {
    n: plan.n,
    p: plan.p,
    usedRows: Int32Array.from({ length: plan.n }, (_, i) => i),
    center: stats.center,
    scale: stats.scale,
    missing: new Float64Array(0),
    inMemory: false,
    unitExponent,
    rowSquares: stats.rowSquares,
    passes: 0,
    toDataUnits(values: Float64Array, power: 1 | 2, what: string): Float64Array {
      if (unitExponent === 0) return values;
      const out = values.map((x) => ldexp(x, power * unitExponent));
      if (out.some((x, i) => !Number.isFinite(x) && Number.isFinite(values[i]!)))
        throw new DataError("the data", `the ${what} would exceed the float64 range (1.8e308)`);
      return out;
    },
    assertNotAllZero(largest: number): void {
      if (largest === 0) throw allZeroError(plan, config, plan.n);
    },
  };
}

/** Frees the kernel memory a reader's blocks take (kernels live on in a worker between tasks). */
function release(reader: Reader): void {
  const { kernels } = reader.options;
  for (const matrix of [reader.blockMatrix, reader.aheadMatrix, reader.whole])
    if (matrix !== undefined) kernels.freeMatrix(matrix);
}

/**
 * The source of one partition (`options.view` is the partition's view), preprocessed with the
 * shared statistics: streamed block by block, without a scan of its own. `close` frees its block
 * memory in the kernels.
 */
export function openPartitionSource(
  options: SourceOptions,
  stats: SharedStatistics,
): { source: MatrixSource; close(): void } {
  const { plan, config, kernels } = options;
  const reader = createReader(streamed(options));
  const preprocess = preprocessor(kernels, plan, stats.center, stats.scale, stats.matrixScale);
  const source: MatrixSource = {
    // The partition's rows' norms are not known here (the scan's went to the coordinator).
    ...sharedSource(plan, config, { ...stats, rowSquares: undefined }),
    async forEachBlock(visit, blockOptions) {
      source.passes++;
      const fused = blockOptions?.fuseAffine === true ? preprocess.columns : undefined;
      const turn = turnTaker();
      await readBlocks(
        reader,
        async (block, row0) => {
          if (fused === undefined) await preprocess.apply(block, row0);
          await visit(block, row0, fused);
          // Kernels on the calling thread and cached reads may not yield: a worker's event loop
          // must run between blocks, or the engine's job lock lapses and the task is taken away.
          await turn();
        },
        undefined,
      );
    },
  };
  return { source, close: () => release(reader) };
}

/**
 * The source a coordinator's solver reads: the whole view's statistics, its passes run through
 * `runner` on the partitions. A solver that needs the blocks here (exact, Gram) gets an
 * UnsupportedError saying which solvers split.
 */
export function coordinatorSource(
  options: Pick<SourceOptions, "plan" | "config">,
  stats: SharedStatistics,
  runner: PassRunner,
): MatrixSource {
  const { plan, config } = options;
  return {
    ...sharedSource(plan, config, stats),
    runner,
    forEachBlock(): Promise<void> {
      throw new UnsupportedError(
        "split fit",
        "this step reads the data in one process; a split fit runs the streamed passes only (svd: solver krylov or randomized, no imputation; cp: unconstrained, without missing values)",
      );
    },
  };
}
