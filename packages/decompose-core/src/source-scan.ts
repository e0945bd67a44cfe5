/**
 * The scans of `openSource`: the memory the view is read into (the whole matrix, or one
 * block when streamed), the block-by-block read, and the scan of the data, repeated on the data
 * times an exact power of two when its statistics overflow.
 */

import type { KernelMatrix } from "@tt/linalg";
import { dataExponent, ldexp, type Magnitude } from "./magnitude.js";
import { type RowBlock, readBlocksStraight } from "./read-ahead.js";
import { fillBlocks, readsStraightIn } from "./rows.js";
import { Scan } from "./scan.js";
import type { SourceOptions } from "./source.js";
import type { ColumnMoments } from "./statistics.js";

/** Where the scans and the streamed passes read the view into. */
export interface Reader {
  readonly options: SourceOptions;
  /** In memory: the whole matrix, n rows; streamed: `undefined`. */
  readonly whole: KernelMatrix | undefined;
  /** Streamed: the block every pass reads into, `blockRows` rows; in memory: `undefined`. */
  readonly blockMatrix: KernelMatrix | undefined;
  /**
   * Streamed, when the view reads rows straight in and the budget holds two blocks: the second
   * block, read while the kernels work on the first (blocks alternate between the two).
   */
  readonly aheadMatrix: KernelMatrix | undefined;
  /** Zero shifts, for rescaling blocks with `affineColumns`. */
  readonly noShift: Float64Array;
}

/** What the scans found: the last scan, its statistics, and how the data was rescaled. */
export interface Scanned {
  /** The last scan (of the rescaled data when it was rescaled). */
  readonly scan: Scan;
  readonly moments: ColumnMoments | undefined;
  /** The magnitude of the values as read (the first scan's), for error messages. */
  readonly magnitude: Magnitude;
  /** The last scan saw the data times 2^-exponent. */
  readonly exponent: number;
  /** 2^-exponent per column, to rescale streamed blocks; `undefined` when exponent is 0. */
  readonly factor: Float64Array | undefined;
}

/** Allocates the memory the data is read into: the whole matrix, or one block when streamed. */
export function createReader(options: SourceOptions): Reader {
  const { view, plan, kernels, memory } = options;
  const { inMemory, blockRows, dtype } = memory;
  const whole = inMemory ? kernels.allocMatrix(Math.max(plan.n, 1), plan.p, dtype) : undefined;
  const blockMatrix = inMemory ? undefined : kernels.allocMatrix(blockRows, plan.p, dtype);
  const aheadMatrix =
    blockMatrix !== undefined &&
    memory.readAhead &&
    readsStraightIn(view, plan, blockMatrix.data, undefined)
      ? kernels.allocMatrix(blockRows, plan.p, dtype)
      : undefined;
  return { options, whole, blockMatrix, aheadMatrix, noShift: new Float64Array(plan.p) };
}

/** A new scan of the view. */
function newScan(options: SourceOptions): Scan {
  const { view, plan, config, layouts, kernels } = options;
  return new Scan(view, plan, config, layouts, kernels);
}

/** Streamed: reads every block, rescales it by `factor` if given, and passes it to `visit`. */
export async function readBlocks(
  reader: Reader,
  visit: (block: KernelMatrix, row0: number) => Promise<void>,
  factor: Float64Array | undefined,
  keep?: (row: number) => boolean,
): Promise<void> {
  const { kernels } = reader.options;
  for await (const { block, row0 } of streamedBlocks(reader, keep)) {
    if (factor !== undefined) await kernels.affineColumns(block, reader.noShift, factor);
    await visit(block, row0);
  }
}

/**
 * Streamed: the blocks of the used rows, `row0` counting used rows. With a second block buffer
 * and no rows to skip, the next block is read while the caller works on the current one.
 */
async function* streamedBlocks(
  reader: Reader,
  keep: ((row: number) => boolean) | undefined,
): AsyncGenerator<RowBlock> {
  const { view, plan, memory, context } = reader.options;
  const { blockMatrix, aheadMatrix } = reader;
  if (keep === undefined && readsStraightIn(view, plan, blockMatrix!.data, undefined)) {
    const buffers = aheadMatrix === undefined ? [blockMatrix!] : [blockMatrix!, aheadMatrix];
    yield* readBlocksStraight(
      view,
      plan.n,
      memory.blockRows,
      (index, _row0, rows) => buffers[index % buffers.length]!.withRows(rows),
      { ahead: buffers.length > 1, signal: context.signal },
    );
    return;
  }
  let row0 = 0;
  for await (const rows of fillBlocks(
    view,
    plan,
    blockMatrix!,
    memory.blockRows,
    context.signal,
    keep,
  )) {
    yield { block: blockMatrix!.withRows(rows), row0 };
    row0 += rows;
  }
}

/**
 * In memory: the whole matrix, block by block as its rows arrive (the next block read while the
 * caller works on the current one) when the view reads rows straight in, else once read whole.
 */
async function* wholeBlocks(reader: Reader): AsyncGenerator<RowBlock> {
  const { view, plan, memory, context } = reader.options;
  const whole = reader.whole!;
  const { n } = plan;
  if (readsStraightIn(view, plan, whole.data, undefined)) {
    yield* readBlocksStraight(
      view,
      n,
      memory.blockRows,
      (_index, row0, rows) => whole.withRows(rows, row0),
      { ahead: true, signal: context.signal },
    );
    return;
  }
  for await (const _ of fillBlocks(view, plan, whole, n, context.signal));
  yield { block: whole.withRows(n), row0: 0 };
}

/**
 * Scans the data, and scans it again times 2^-exponent when its statistics overflow (or it is too
 * small to square).
 */
export async function scanData(reader: Reader): Promise<Scanned> {
  let scan = await firstScan(reader);
  const magnitude = scan.magnitude;
  let finished = scan.finish();
  const exponent = dataExponent(magnitude, finished.overflow);
  const factor =
    exponent === 0 ? undefined : new Float64Array(reader.options.plan.p).fill(ldexp(1, -exponent));
  if (factor !== undefined) {
    scan = await rescaledScan(reader, factor);
    finished = scan.finish();
  }
  return { scan, moments: finished.moments, magnitude, exponent, factor };
}

/** The first scan, block by block: in memory as the rows arrive, streamed as each block is read. */
async function firstScan(reader: Reader): Promise<Scan> {
  const { plan, context } = reader.options;
  const { n } = plan;
  const { whole } = reader;
  const scan = newScan(reader.options);
  if (whole !== undefined) {
    // Each block is analyzed as it arrives; its moments continue the kernels' running sums in
    // chunk order, so the statistics are the bits of one analysis of the whole matrix.
    for await (const { block, row0 } of wholeBlocks(reader)) {
      await scan.analyze(block, row0, block.rows);
      context.onProgress({ phase: "read", fraction: (row0 + block.rows) / Math.max(n, 1) });
    }
  } else {
    await readBlocks(
      reader,
      async (block, row0) => {
        await scan.analyze(block, row0, block.rows);
        context.onProgress({ phase: "read", fraction: (row0 + block.rows) / Math.max(n, 1) });
      },
      undefined,
    );
  }
  return scan;
}

/** The same scan on the data times `factor` (in memory, the matrix is rescaled in place). */
async function rescaledScan(reader: Reader, factor: Float64Array): Promise<Scan> {
  const { whole, noShift } = reader;
  const scan = newScan(reader.options);
  if (whole !== undefined) {
    await reader.options.kernels.affineColumns(whole, noShift, factor);
    await scan.analyze(whole, 0, reader.options.plan.n);
  } else {
    await readBlocks(reader, (block, row0) => scan.analyze(block, row0, block.rows), factor);
  }
  return scan;
}
