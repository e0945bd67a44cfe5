/** The output tensor as a stream of whole chunks, filled from the inputs one block at a time. */

import type { StreamBlock, TensorStream } from "@tt/bundle";
import {
  allocate,
  bytesPerElement,
  type DType,
  type JsonObject,
  MetaTable,
  type Progress,
  type TypedArray,
} from "@tt/schema";
import type { AlignedAxis } from "./align-axes.js";
import type { Source } from "./inputs.js";
import { copySlabs, type SlabMap } from "./slab-map.js";

/** Everything the stream needs: the inputs, their maps and rows, and the output's layout. */
export interface StreamPlan {
  /** Every input, in order. */
  readonly sources: readonly Source[];
  /** Per input: its slab map, or `undefined` for an input without instances. */
  readonly maps: readonly (SlabMap | undefined)[];
  /** Per input: its output instance rows (all with the same columns). */
  readonly tables: readonly MetaTable[];
  /** The non-concatenated axes of the output. */
  readonly aligned: readonly AlignedAxis[];
  /** Output axes, shape and dtype. */
  readonly axes: readonly string[];
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Slabs per output chunk: every block but the last is a whole number of chunks. */
  readonly chunkRows: number;
  /** The value of gaps. */
  readonly fill: number;
  /** Whether the output has a validity mask. */
  readonly withMask: boolean;
  readonly attrs: JsonObject;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
}

/** Output rows waiting to be written as one chunk, and the instance rows they came from. */
interface Pending {
  data: TypedArray;
  mask: Uint8Array | undefined;
  rows: number;
  parts: { table: MetaTable; start: number; stop: number }[];
}

/** Bytes of output per block written: whole chunks, about this many. */
const BLOCK_BYTES = 16 * 2 ** 20;

/**
 * `blocks` with the next item requested while the current one is being used, so that reading an
 * input overlaps writing the output.
 */
async function* readAhead<T>(blocks: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = blocks[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    while (true) {
      const item = await next;
      if (item.done) return;
      next = iterator.next();
      // Handled when awaited; if the consumer stops first, the rejection must not go unhandled.
      next.catch(() => {});
      yield item.value;
    }
  } finally {
    await iterator.return?.();
  }
}

/**
 * The output as a {@link TensorStream} of blocks of whole output chunks (so no chunk is written
 * twice), about 16 MiB each. Inputs are read in blocks of the same size, one block ahead; only
 * those blocks and the one being filled are in memory, however many inputs there are.
 */
export function concatStream(plan: StreamPlan): TensorStream {
  const { shape, dtype, chunkRows, withMask } = plan;
  const outSlab = shape.slice(1).reduce((a, b) => a * b, 1);
  const total = shape[0]!;
  // Whole chunks per block, about BLOCK_BYTES, so the store writes several chunks at once.
  const chunkBytes = chunkRows * outSlab * bytesPerElement(dtype);
  const blockRows = chunkRows * Math.max(1, Math.floor(BLOCK_BYTES / Math.max(1, chunkBytes)));
  const fresh = (): Pending => ({
    data: allocate(dtype, blockRows * outSlab),
    mask: withMask ? new Uint8Array(blockRows * outSlab) : undefined,
    rows: 0,
    parts: [],
  });
  const flush = (pending: Pending): StreamBlock => {
    const { rows } = pending;
    const tables = pending.parts.map((p) => p.table.slice(p.start, p.stop));
    return {
      data: pending.data.subarray(0, rows * outSlab) as TypedArray,
      mask: pending.mask?.subarray(0, rows * outSlab),
      meta: tables.length === 1 ? tables[0]! : MetaTable.concat(tables),
    };
  };

  /** Every input block in order, each tagged with its input; read one block ahead. */
  async function* inputBlocks() {
    for (const [s, source] of plan.sources.entries()) {
      const slabs = plan.maps[s];
      if (slabs === undefined) continue;
      for await (const block of source.view.blocks({ size: blockRows, signal: plan.signal }))
        yield { source, slabs, table: plan.tables[s]!, block };
    }
  }

  async function* blocks(): AsyncGenerator<StreamBlock> {
    let pending = fresh();
    let written = 0;
    for await (const { source, slabs, table, block } of readAhead(inputBlocks())) {
      const { data, mask, shape: blockShape } = block.tensor;
      const rows = blockShape[0]!;
      let row = 0;
      while (row < rows) {
        const take = Math.min(rows - row, blockRows - pending.rows);
        copySlabs(
          slabs,
          { data, mask, dtype: source.view.dtype, row },
          { data: pending.data, mask: pending.mask, dtype, row: pending.rows },
          take,
          plan.fill,
        );
        const start = block.start + row;
        const last = pending.parts.at(-1);
        if (last?.table === table && last.stop === start) last.stop += take;
        else pending.parts.push({ table, start, stop: start + take });
        pending.rows += take;
        row += take;
        if (pending.rows === blockRows) {
          yield flush(pending);
          written += blockRows;
          plan.onProgress?.({ phase: "concat", fraction: written / total });
          pending = fresh();
        }
      }
    }
    if (pending.rows > 0 || total === 0) {
      if (total === 0) pending.parts.push({ table: plan.tables[0]!, start: 0, stop: 0 });
      yield flush(pending);
      plan.onProgress?.({ phase: "concat", fraction: 1 });
    }
  }

  return {
    axes: plan.axes,
    dtype,
    shape,
    axisMeta: Object.fromEntries(
      plan.aligned.filter((a) => a.meta.columnNames.length > 0).map((a) => [a.axis, a.meta]),
    ),
    attrs: plan.attrs,
    withMask,
    blocks: blocks(),
  };
}
