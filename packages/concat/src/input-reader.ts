/** Reading an input's slabs into an output block: straight into it when its array can, copied when not. */

import {
  type AxisSelection,
  bytesPerElement,
  type DType,
  type StoredArray,
  sizeOf,
  type TypedArray,
  typedArrayConstructor,
} from "@tt/schema";
import type { Source } from "./inputs.js";
import { copySlabs, type SlabMap, slabMap } from "./slab-map.js";

/** Where slabs land: an output block, from slab `row` on. */
export interface BlockTarget {
  data: TypedArray;
  mask: Uint8Array | undefined;
  dtype: DType;
  row: number;
}

/** Reads slabs of one input, in the output's layout. */
export interface InputReader {
  /** Copies the input's slabs `start .. start + count` into `target` (aligned, converted, gaps filled). */
  read(start: number, count: number, target: BlockTarget): Promise<void>;
}

/** Byte buffers reused from one read to the next, so that copying allocates nothing per block. */
export class ScratchPool {
  readonly #free: Uint8Array[] = [];

  /** A buffer of at least `bytes` bytes, 8-byte aligned. */
  take(bytes: number): Uint8Array {
    const index = this.#free.findIndex((buffer) => buffer.byteLength >= bytes);
    if (index >= 0) return this.#free.splice(index, 1)[0]!;
    return new Uint8Array(new ArrayBuffer(Math.ceil(bytes / 8) * 8));
  }

  /** Gives `buffer` back. */
  give(buffer: Uint8Array): void {
    this.#free.push(buffer);
  }

  /** Lets every free buffer go. */
  clear(): void {
    this.#free.length = 0;
  }
}

/** Slabs read as values of the input's dtype, with the input's mask if it has one. */
interface Slabs {
  data: TypedArray;
  mask: Uint8Array | undefined;
}

/** The input's arrays opened through its store plugin, when the input is a bundle in a store. */
async function openArrays(source: Source, signal: AbortSignal | undefined) {
  const { data } = source;
  if (data.kind !== "store") return undefined;
  const { arrayStore } = data;
  const array = await arrayStore.open(data.store, data.arrayPath, { signal });
  const mask: StoredArray | undefined =
    data.maskPath === undefined
      ? undefined
      : await arrayStore.open(data.store, data.maskPath, { signal });
  return { array, mask };
}

/** Reads slabs by the input's arrays (or its view), into new arrays. */
function valueReader(
  source: Source,
  arrays: Awaited<ReturnType<typeof openArrays>>,
  signal: AbortSignal | undefined,
): (start: number, count: number) => Promise<Slabs> {
  const rest = source.shape.slice(1).map((n): AxisSelection => ({ start: 0, stop: n }));
  const { data } = source;
  if (arrays !== undefined) {
    const { array, mask } = arrays;
    return async (start, count) => {
      const selection = [{ start, stop: start + count }, ...rest];
      return {
        data: await array.read(selection, { signal }),
        mask: mask && ((await mask.read(selection, { signal })) as Uint8Array),
      };
    };
  }
  const { view } = data as Extract<Source["data"], { kind: "view" }>;
  if (view.selectors.length === 0) {
    const stored = view.dataset;
    return async (start, count) => {
      const selection = [{ start, stop: start + count }, ...rest];
      return {
        data: await stored.read(selection, { signal }),
        mask: stored.hasMask ? await stored.readMask(selection, { signal }) : undefined,
      };
    };
  }
  const first = source.axes[0]!;
  return async (start, count) => {
    const tensor = await view.slice(first, start, start + count).materialize({ signal });
    return { data: tensor.data, mask: tensor.mask };
  };
}

/** The options of {@link openReader}. */
interface ReaderOptions {
  dtype: DType;
  fill: number;
  scratch: ScratchPool;
  signal?: AbortSignal;
}

/**
 * The reader of `source` for an output of `outShape` and `dtype`, its other axes taken at
 * `positions`. An input whose array can read into a caller's buffer (`StoredArray.readInto`, as
 * uncompressed Zarr slabs do) and that has no mask is read straight into the output block when
 * its slabs need no alignment or conversion, else into a reused scratch buffer; anything else
 * (masks, views, arrays without the capability) is read into new arrays and copied.
 */
export async function openReader(
  source: Source,
  positions: readonly Int32Array[],
  outShape: readonly number[],
  options: ReaderOptions,
): Promise<InputReader> {
  const { dtype, fill, scratch, signal } = options;
  const slabs: SlabMap = slabMap(source.shape.slice(1), outShape.slice(1), positions);
  const arrays = await openArrays(source, signal);
  const values = valueReader(source, arrays, signal);
  const copied = async (start: number, count: number, target: BlockTarget) => {
    const { data, mask } = await values(start, count);
    copySlabs(slabs, { data, mask, dtype: source.dtype, row: 0 }, target, count, fill);
  };
  const array = arrays?.array;
  if (array?.readInto === undefined || arrays?.mask !== undefined) return { read: copied };
  const readInto = array.readInto.bind(array);
  const rest = source.shape.slice(1).map((n): AxisSelection => ({ start: 0, stop: n }));
  const width = bytesPerElement(source.dtype);
  const Typed = typedArrayConstructor(source.dtype);
  const slab = sizeOf(source.shape.slice(1));
  const direct = slabs.map === undefined && source.dtype === dtype;
  return {
    async read(start, count, target) {
      const selection = [{ start, stop: start + count }, ...rest];
      if (direct) {
        await readInto(selection, target.data, target.row * slab, { signal });
        target.mask?.fill(1, target.row * slabs.outSlab, (target.row + count) * slabs.outSlab);
        return;
      }
      const buffer = scratch.take(count * slab * width);
      try {
        const into = new Typed(buffer.buffer, 0, count * slab);
        await readInto(selection, into, 0, { signal });
        copySlabs(
          slabs,
          { data: into, mask: undefined, dtype: source.dtype, row: 0 },
          target,
          count,
          fill,
        );
      } finally {
        scratch.give(buffer);
      }
    },
  };
}
