/** Reading an input's slabs into an output block: raw byte ranges when it can, its store plugin when not. */

import type { BundlePlugins } from "@tt/bundle";
import {
  type AxisSelection,
  bytesPerElement,
  type DType,
  type StoredArray,
  type TypedArray,
  typedArrayConstructor,
} from "@tt/schema";
import { zarrStore } from "@tt/store-zarr";
import type { Source } from "./inputs.js";
import { type RawSlabLayout, rawSlabLayout, readRawSlabs } from "./raw-slabs.js";
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

/** Reads slabs by the input's array store plugin (or its view), into new arrays. */
async function pluginReader(
  source: Source,
  plugins: BundlePlugins,
  signal: AbortSignal | undefined,
): Promise<(start: number, count: number) => Promise<Slabs>> {
  const rest = source.shape.slice(1).map((n): AxisSelection => ({ start: 0, stop: n }));
  const { data } = source;
  if (data.kind === "store") {
    const arrayStore = plugins.arrayStore ?? zarrStore;
    const array = await arrayStore.open(data.store, data.arrayPath, { signal });
    const mask: StoredArray | undefined =
      data.maskPath === undefined
        ? undefined
        : await arrayStore.open(data.store, data.maskPath, { signal });
    return async (start, count) => {
      const selection = [{ start, stop: start + count }, ...rest];
      return {
        data: await array.read(selection, { signal }),
        mask: mask && ((await mask.read(selection, { signal })) as Uint8Array),
      };
    };
  }
  const { view } = data;
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

/**
 * The reader of `source` for an output of `outShape` and `dtype`, its other axes taken at
 * `positions`. An uncompressed Zarr input without a mask is read by byte ranges straight into the
 * output block when its slabs need no alignment or conversion, else into a reused scratch buffer;
 * anything else (compressed arrays, masks, views, other plugins) through its plugin or view.
 */
export async function openReader(
  source: Source,
  positions: readonly Int32Array[],
  outShape: readonly number[],
  options: {
    dtype: DType;
    fill: number;
    plugins: BundlePlugins;
    scratch: ScratchPool;
    signal?: AbortSignal;
  },
): Promise<InputReader> {
  const { dtype, fill, plugins, scratch, signal } = options;
  const slabs: SlabMap = slabMap(source.shape.slice(1), outShape.slice(1), positions);
  let viaPlugin: ((start: number, count: number) => Promise<Slabs>) | undefined;
  const readByPlugin = async (start: number, count: number, target: BlockTarget) => {
    viaPlugin ??= await pluginReader(source, plugins, signal);
    const { data, mask } = await viaPlugin(start, count);
    copySlabs(slabs, { data, mask, dtype: source.dtype, row: 0 }, target, count, fill);
  };
  const { data } = source;
  const plainZarr = plugins.arrayStore === undefined || plugins.arrayStore === zarrStore;
  const layout: RawSlabLayout | undefined =
    data.kind === "store" && plainZarr && !source.hasMask
      ? await rawSlabLayout(data.store, data.arrayPath, source.dtype, source.shape, signal)
      : undefined;
  if (layout === undefined || data.kind !== "store") return { read: readByPlugin };

  const width = bytesPerElement(source.dtype);
  const Typed = typedArrayConstructor(source.dtype);
  const direct = slabs.map === undefined && source.dtype === dtype;
  return {
    async read(start, count, target) {
      if (direct) {
        const bytes = new Uint8Array(target.data.buffer, target.data.byteOffset);
        const at = target.row * layout.slabBytes;
        if (!(await readRawSlabs(data.store, layout, start, count, bytes, at, signal))) {
          return readByPlugin(start, count, target);
        }
        target.mask?.fill(1, target.row * slabs.outSlab, (target.row + count) * slabs.outSlab);
        return;
      }
      const buffer = scratch.take(count * layout.slabBytes);
      try {
        if (!(await readRawSlabs(data.store, layout, start, count, buffer, 0, signal))) {
          return await readByPlugin(start, count, target);
        }
        const values = new Typed(buffer.buffer, 0, (count * layout.slabBytes) / width);
        copySlabs(
          slabs,
          { data: values, mask: undefined, dtype: source.dtype, row: 0 },
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
