/**
 * Reading rows straight into kernel memory, many store reads at a time, and one block ahead where
 * there is room: while the kernels work on a block, the reads of the next one are in flight, so
 * disk or page cache and arithmetic overlap. Only for views that read rows straight in (see
 * `readsStraightIn` in rows.ts); read-ahead gives the same bits, since the blocks and their order
 * do not change.
 */

import type { KernelMatrix } from "@tt/linalg";
import type { ReadableView } from "@tt/schema";

/** A block of rows in kernel memory and the row of the view it starts at. */
export interface RowBlock {
  block: KernelMatrix;
  row0: number;
}

/** Where block `index` (rows `row0..row0 + rows - 1` of the view) is read to. */
export type BlockTarget = (index: number, row0: number, rows: number) => KernelMatrix;

/** Zarr chunks (or other store reads) a block's read keeps in flight. */
const READ_CONCURRENCY = 16;

/**
 * Reads the view's `n` rows in blocks of `blockRows` rows into the matrices `target` gives, and
 * yields each block once it is read. With `ahead`, the next block's reads are started before the
 * block is yielded, so `target` must give memory the consumer is done with: with two buffers
 * taken in turn, block `k + 1` goes to the buffer of block `k - 1`, whose consumer has returned
 * when the read starts. Reads run ahead only into shared memory: unshared kernel memory is
 * replaced when it grows (a kernel call may allocate), which would leave a read in flight
 * writing into memory that is gone. Otherwise a block is read after the consumer returns from the
 * previous one (one buffer will do).
 */
export async function* readBlocksStraight(
  view: ReadableView,
  n: number,
  blockRows: number,
  target: BlockTarget,
  options: { ahead: boolean; signal: AbortSignal | undefined },
): AsyncGenerator<RowBlock> {
  const { signal } = options;
  const count = Math.ceil(n / blockRows);
  const read = async (index: number): Promise<RowBlock> => {
    const row0 = index * blockRows;
    const rows = Math.min(blockRows, n - row0);
    const block = target(index, row0, rows);
    await readRows(view, row0, rows, block.data, signal);
    return { block, row0 };
  };
  const start = (index: number): Promise<RowBlock> | undefined => {
    if (index >= count) return undefined;
    const promise = read(index);
    // Handled here so that a failure while the consumer works is not an unhandled rejection;
    // it is thrown when the block is awaited.
    promise.catch(() => undefined);
    return promise;
  };
  let pending = start(0);
  try {
    for (let index = 0; index < count; index++) {
      const current: RowBlock = await pending!;
      const ahead = options.ahead && isShared(current.block.data.buffer);
      pending = ahead ? start(index + 1) : undefined;
      yield current;
      pending ??= start(index + 1);
    }
  } finally {
    // The consumer stopped early (an error, an abort): let the read in flight land before the
    // memory it writes to is released.
    await pending?.catch(() => undefined);
  }
}

/** Whether `buffer` is shared memory (which browsers without cross-origin isolation lack). */
function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer;
}

/** Reads rows `row0..row0 + rows - 1` of the view into `into` from element 0. */
function readRows(
  view: ReadableView,
  row0: number,
  rows: number,
  into: Float32Array | Float64Array,
  signal: AbortSignal | undefined,
): Promise<void> {
  signal?.throwIfAborted();
  return view.readRowsInto!(row0, row0 + rows, into, 0, { signal, concurrency: READ_CONCURRENCY });
}
