/**
 * A `ReadableView` of a whole dataset bundle built from the manifest and the Zarr arrays alone:
 * no Parquet, so no metadata, and the instances are keyed by their position.
 */

import {
  type AxisAnnotatedTensor,
  type AxisSelection,
  createTensor,
  DataError,
  type IOOptions,
  type KeyValueStore,
  type Manifest,
  MetaTable,
  NotFoundError,
  parseManifest,
  type ReadableView,
  type StoredArray,
  type TensorBlock,
} from "@tt/schema";
import { zarrStore } from "@tt/store-zarr";

/** A view of a bundle without its metadata tables, and the manifest it was built from. */
export interface BundleView extends ReadableView {
  /** The validated manifest. */
  readonly manifest: Manifest;
}

async function openArray(store: KeyValueStore, path: string, manifest: Manifest, dtype: string) {
  const array: StoredArray = await zarrStore.open(store, path);
  const { shape } = array.metadata;
  // An append writes the array before the manifest, so the array may be longer on the first axis.
  const fits =
    array.metadata.dtype === dtype &&
    shape.length === manifest.shape.length &&
    shape[0]! >= manifest.shape[0]! &&
    shape.every((length, i) => i === 0 || length === manifest.shape[i]);
  if (!fits) {
    throw new DataError(
      path,
      `holds ${array.metadata.dtype} [${shape.join(", ")}], the manifest says ${dtype} [${manifest.shape.join(", ")}]`,
    );
  }
  return array;
}

/**
 * Opens the bundle in `store` as a view of all of it: reads `manifest.json` (validated by
 * `@tt/schema`), opens the data array (and the mask, if any) with `@tt/store-zarr`. The view has
 * no metadata columns; the ids of the first axis are the positions 0..n-1.
 */
export async function openBundleView(store: KeyValueStore): Promise<BundleView> {
  const bytes = await store.get("manifest.json");
  if (bytes === undefined) {
    throw new NotFoundError(
      "manifest.json",
      `no manifest.json in ${store.location}; is this a tensortools dataset bundle?`,
    );
  }
  const manifest = parseManifest(
    new TextDecoder().decode(bytes),
    `${store.location}/manifest.json`,
  );
  const array = await openArray(store, manifest.array_store, manifest, manifest.dtype);
  const mask =
    manifest.mask_store === undefined
      ? undefined
      : await openArray(store, manifest.mask_store, manifest, "bool");
  const { axes, shape, dtype } = manifest;
  const positions = Int32Array.from({ length: shape[0]! }, (_, i) => i);

  const read = async (axis: number, start: number, stop: number, options?: IOOptions) => {
    const selection: AxisSelection[] = shape.map((length, i) =>
      i === axis ? { start, stop } : { start: 0, stop: length },
    );
    const blockShape = shape.map((length, i) => (i === axis ? stop - start : length));
    const data = await array.read(selection, options);
    const blockMask = mask && ((await mask.read(selection, options)) as Uint8Array);
    const axisIndex = axis === 0 ? { [axes[0]!]: positions.slice(start, stop) } : {};
    return createTensor({ data, dtype, shape: blockShape, axes, axisIndex, mask: blockMask });
  };

  return {
    manifest,
    axes,
    shape,
    dtype,
    axisIndexColumns: {},
    hasMask: mask !== undefined,
    meta: (axis) => MetaTable.empty(shape[axisOf(axis)]),
    ids: (axis) => (axisOf(axis) === 0 ? positions : undefined),
    materialize: (options): Promise<AxisAnnotatedTensor> => read(0, 0, shape[0]!, options),
    async *blocks(options): AsyncIterable<TensorBlock> {
      const axis = axisOf(options.axis ?? axes[0]!);
      const length = shape[axis]!;
      if (!Number.isInteger(options.size) || options.size < 1) {
        throw new DataError("blocks size", `must be a positive integer, got ${options.size}`);
      }
      for (let start = 0; start < length; start += options.size) {
        options.signal?.throwIfAborted();
        const stop = Math.min(length, start + options.size);
        yield { start, tensor: await read(axis, start, stop, options) };
      }
    },
  };

  function axisOf(axis: string): number {
    const position = axes.indexOf(axis);
    if (position < 0) {
      throw new NotFoundError(
        `axis '${axis}'`,
        `no axis '${axis}'; the axes are ${axes.join(", ")}`,
      );
    }
    return position;
  }
}
