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

/**
 * The output as a {@link TensorStream} of blocks of whole output chunks (so no chunk is written
 * twice), about 16 MiB each, with the instance metadata given whole up front. Two block buffers
 * take turns: while one is written, the next is read into from the inputs (several inputs at
 * once when a block spans them). Memory holds those two blocks and the instance table, however
 * many inputs there are.
 */
export function concatStream(plan: StreamPlan): TensorStream {
  const { shape, dtype, chunkRows, withMask, signal } = plan;
  const outSlab = shape.slice(1).reduce((a, b) => a * b, 1);
  const total = shape[0]!;
  const chunkBytes = chunkRows * outSlab * bytesPerElement(dtype);
  const blockRows = chunkRows * Math.max(1, Math.floor(BLOCK_BYTES / Math.max(1, chunkBytes)));
  const scratch = new ScratchPool();
  const buffer = (): Buffer => {
    const rows = Math.min(blockRows, total);
    return {
      data: allocate(dtype, rows * outSlab),
      mask: withMask ? new Uint8Array(rows * outSlab) : undefined,
    };
  };

  // Where the next block starts: input `s`, its slab `row`, and its reader once opened.
  let s = 0;
  let row = 0;
  let reader: Promise<InputReader> | undefined;

  /** Reads the next block into `into`; resolves to its number of slabs. */
  async function fill(into: Buffer): Promise<number> {
    const reads: Promise<void>[] = [];
    let rows = 0;
    while (rows < blockRows && s < plan.sources.length) {
      signal?.throwIfAborted();
      const source = plan.sources[s]!;
      const positions = plan.positions[s];
      const n = source.shape[0]!;
      if (positions === undefined || n === 0) {
        s += 1;
        continue;
      }
      reader ??= openReader(source, positions, shape, {
        dtype,
        fill: plan.fill,
        plugins: plan.plugins,
        scratch,
        signal,
      });
      const take = Math.min(n - row, blockRows - rows);
      const target = { data: into.data, mask: into.mask, dtype, row: rows };
      const start = row;
      reads.push(reader.then((r) => r.read(start, take, target)));
      rows += take;
      row += take;
      if (row === n) {
        s += 1;
        row = 0;
        reader = undefined;
      }
    }
    await Promise.all(reads);
    return rows;
  }

  async function* blocks(): AsyncGenerator<StreamBlock> {
    if (total === 0) {
      yield { data: allocate(dtype, 0), mask: withMask ? new Uint8Array(0) : undefined };
      plan.onProgress?.({ phase: "concat", fraction: 1 });
      return;
    }
    let current: Buffer | undefined = buffer();
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
          next ??= buffer();
          filling = fill(next);
          filling.catch(() => {});
        }
        yield {
          data: current!.data.subarray(0, rows * outSlab) as TypedArray,
          mask: current!.mask?.subarray(0, rows * outSlab),
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

  return {
    axes: plan.axes,
    dtype,
    shape,
    axisMeta: {
      [plan.axes[0]!]: plan.instanceMeta,
      ...Object.fromEntries(
        plan.aligned.filter((a) => a.meta.columnNames.length > 0).map((a) => [a.axis, a.meta]),
      ),
    },
    attrs: plan.attrs,
    withMask,
    blocks: blocks(),
  };
}
