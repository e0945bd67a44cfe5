/** The output tensor as a stream of whole chunks, filled from the inputs while the previous block is written. */

import type { BundlePlugins, StreamBlock, TensorStream } from "@tt/bundle";
import {
  allocate,
  bytesPerElement,
  type DType,
  type JsonObject,
  type MetaTable,
  type Progress,
  type TypedArray,
} from "@tt/schema";
import type { AlignedAxis } from "./align-axes.js";
import { type InputReader, openReader, ScratchPool } from "./input-reader.js";
import type { Source } from "./inputs.js";

/** Everything the stream needs: the inputs, where their elements go, and the output's layout. */
export interface StreamPlan {
  /** Every input, in order. */
  readonly sources: readonly Source[];
  /** Per input: for each aligned axis, its positions (see {@link AlignedAxis}), or `undefined` for an input without instances. */
  readonly positions: readonly (readonly Int32Array[] | undefined)[];
  /** The non-concatenated axes of the output. */
  readonly aligned: readonly AlignedAxis[];
  /** The output's instance metadata, whole. */
  readonly instanceMeta: MetaTable;
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
  readonly plugins: BundlePlugins;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
}

/** Bytes of output per block written: whole chunks, about this many. */
const BLOCK_BYTES = 16 * 2 ** 20;

interface Buffer {
  data: TypedArray;
  mask: Uint8Array | undefined;
}

/** How the output is cut into blocks. */
interface BlockLayout {
  /** Elements in one slab (one instance) of the output. */
  readonly slab: number;
  /** Slabs in the output. */
  readonly total: number;
  /** Slabs per block: a whole number of chunks, about {@link BLOCK_BYTES}. */
  readonly blockRows: number;
}

/** Where the next block starts: input `source`, its slab `row`, and its reader once opened. */
interface ReadCursor {
  source: number;
  row: number;
  reader: Promise<InputReader> | undefined;
}

/**
 * The output as a {@link TensorStream} of blocks of whole output chunks (so no chunk is written
 * twice), about 16 MiB each, with the instance metadata given whole up front. Two block buffers
 * take turns: while one is written, the next is read into from the inputs (several inputs at
 * once when a block spans them). Memory holds those two blocks and the instance table, however
 * many inputs there are.
 */
export function concatStream(plan: StreamPlan): TensorStream {
  const layout = blockLayout(plan);
  const scratch = new ScratchPool();
  const cursor: ReadCursor = { source: 0, row: 0, reader: undefined };
  const fill = (into: Buffer) => fillBlock(plan, layout, cursor, scratch, into);
  return {
    axes: plan.axes,
    dtype: plan.dtype,
    shape: plan.shape,
    axisMeta: axisMetaOf(plan),
    attrs: plan.attrs,
    withMask: plan.withMask,
    blocks: streamBlocks(plan, layout, fill, scratch),
  };
}

/** The block size of the output: whole chunks, about {@link BLOCK_BYTES}. */
function blockLayout(plan: StreamPlan): BlockLayout {
  const { shape, dtype, chunkRows } = plan;
  const slab = shape.slice(1).reduce((a, b) => a * b, 1);
  const chunkBytes = chunkRows * slab * bytesPerElement(dtype);
  const blockRows = chunkRows * Math.max(1, Math.floor(BLOCK_BYTES / Math.max(1, chunkBytes)));
  return { slab, total: shape[0]!, blockRows };
}

/** The metadata of the output's axes: the instances', and each aligned axis' that has columns. */
function axisMetaOf(plan: StreamPlan): Record<string, MetaTable> {
  return {
    [plan.axes[0]!]: plan.instanceMeta,
    ...Object.fromEntries(
      plan.aligned.filter((a) => a.meta.columnNames.length > 0).map((a) => [a.axis, a.meta]),
    ),
  };
}

/** A block buffer: room for a whole block, or the whole output when it is smaller. */
function allocateBlock(plan: StreamPlan, layout: BlockLayout): Buffer {
  const size = Math.min(layout.blockRows, layout.total) * layout.slab;
  return {
    data: allocate(plan.dtype, size),
    mask: plan.withMask ? new Uint8Array(size) : undefined,
  };
}

/** The reader of the input under the cursor, opened on first use. */
function readerAt(
  plan: StreamPlan,
  cursor: ReadCursor,
  positions: readonly Int32Array[],
  scratch: ScratchPool,
): Promise<InputReader> {
  cursor.reader ??= openReader(plan.sources[cursor.source]!, positions, plan.shape, {
    dtype: plan.dtype,
    fill: plan.fill,
    scratch,
    signal: plan.signal,
  });
  return cursor.reader;
}

/**
 * Reads the next block into `into` from the inputs under the cursor, all its reads at once, and
 * moves the cursor past them; resolves to its number of slabs.
 */
async function fillBlock(
  plan: StreamPlan,
  layout: BlockLayout,
  cursor: ReadCursor,
  scratch: ScratchPool,
  into: Buffer,
): Promise<number> {
  const reads: Promise<void>[] = [];
  let rows = 0;
  while (rows < layout.blockRows && cursor.source < plan.sources.length) {
    plan.signal?.throwIfAborted();
    const positions = plan.positions[cursor.source];
    const n = plan.sources[cursor.source]!.shape[0]!;
    if (positions === undefined || n === 0) {
      cursor.source += 1;
      continue;
    }
    const reader = readerAt(plan, cursor, positions, scratch);
    const take = Math.min(n - cursor.row, layout.blockRows - rows);
    const target = { data: into.data, mask: into.mask, dtype: plan.dtype, row: rows };
    const start = cursor.row;
    reads.push(reader.then((r) => r.read(start, take, target)));
    rows += take;
    cursor.row += take;
    if (cursor.row === n) {
      cursor.source += 1;
      cursor.row = 0;
      cursor.reader = undefined;
    }
  }
  await Promise.all(reads);
  return rows;
}

/**
 * The blocks of the output, each yielded while the next is filled into the other buffer; the
 * buffers and the scratch are let go when the consumer stops, early or at the end.
 */
async function* streamBlocks(
  plan: StreamPlan,
  layout: BlockLayout,
  fill: (into: Buffer) => Promise<number>,
  scratch: ScratchPool,
): AsyncGenerator<StreamBlock> {
  const { total, slab } = layout;
  if (total === 0) {
    yield { data: allocate(plan.dtype, 0), mask: plan.withMask ? new Uint8Array(0) : undefined };
    plan.onProgress?.({ phase: "concat", fraction: 1 });
    return;
  }
  let current: Buffer | undefined = allocateBlock(plan, layout);
  let next: Buffer | undefined;
  let filling: Promise<number> | undefined = fill(current);
  let written = 0;
  try {
    while (filling !== undefined) {
      const rows = await filling;
      filling = undefined;
      written += rows;
      if (written < total) {
        // The other buffer was written before this generator was resumed: fill it meanwhile.
        next ??= allocateBlock(plan, layout);
        filling = fill(next);
        filling.catch(() => {});
      }
      yield {
        data: current!.data.subarray(0, rows * slab) as TypedArray,
        mask: current!.mask?.subarray(0, rows * slab),
      };
      plan.onProgress?.({ phase: "concat", fraction: written / total });
      if (next !== undefined) [current, next] = [next, current];
    }
  } finally {
    await filling?.catch(() => {});
    // The writer holds the stream until the metadata is written: let the blocks go now.
    current = next = undefined;
    scratch.clear();
  }
}
