/**
 * The centered data as (instance, sample) rows × channels, block by block: a block of instances
 * of the core source, copied as it lies in memory into a matrix with one row per observation.
 */

import type { MatrixSource } from "@tt/decompose-core";
import type { KernelMatrix, Kernels } from "@tt/linalg";

/** Visits a block of observation rows, starting at observation `row0`. */
export type RowVisitor = (block: KernelMatrix, row0: number) => Promise<void>;

/** The observations of a source as rows of channels. */
export interface ChannelRows {
  /** Observations: instances used × observations per instance. */
  readonly rows: number;
  readonly channels: number;
  /** Reads the data once and visits its blocks of observations in order. */
  forEach(visit: RowVisitor): Promise<void>;
}

/**
 * The observation rows of `source`, whose rows are instances of `perInstance` observations of
 * `channels` values each (channel fastest). The copy is a typed-array `set` per block (no
 * arithmetic); its matrix is allocated once, for the largest block, and freed with the kernels.
 */
export function channelRows(
  source: MatrixSource,
  kernels: Kernels,
  perInstance: number,
  channels: number,
): ChannelRows {
  let scratch: KernelMatrix | undefined;
  return {
    rows: source.n * perInstance,
    channels,
    async forEach(visit) {
      await source.forEachBlock(async (block, row0) => {
        if (perInstance === 1) return visit(block, row0);
        const rows = block.rows * perInstance;
        if (scratch === undefined || scratch.rows < rows) {
          if (scratch !== undefined) kernels.freeMatrix(scratch);
          scratch = kernels.allocMatrix(rows, channels, block.dtype);
        }
        const target = scratch.withRows(rows);
        target.data.set(block.data.subarray(0, rows * channels));
        await visit(target, row0 * perInstance);
      });
    },
  };
}
