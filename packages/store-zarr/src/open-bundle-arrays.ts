/**
 * The array part of a dataset bundle as a `ReadableView`, with Zarr alone: the manifest, the data
 * array, the mask and the coordinate arrays that hold the ids. No Parquet reader is needed, so an
 * app that installs only `@tt/store-zarr` and a method can decompose a bundle keyed by its ids.
 */

import {
  type AxisAnnotatedTensor,
  type AxisIndex,
  type AxisSelection,
  checkArrayAgainstManifest,
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
import { checkedStore, createHttpStore } from "@tt/storage";
import { directoryStore } from "#platform";
import { readCoordinates } from "./coordinates.js";
import { zarrStore } from "./zarr-store.js";

/** Options of {@link openBundleArrays}. */
export interface OpenBundleArraysOptions {
  /**
   * Key the instances by their positions (0, 1, ...) when the bundle has no coordinate array for
   * the ids of its first axis (bundles written before coordinate arrays existed); without it,
   * such a bundle is a NotFoundError.
   */
  idsByPosition?: boolean;
  /** Stops the open. */
  signal?: AbortSignal;
}

/** The view {@link openBundleArrays} returns: a whole bundle, and the manifest it was built from. */
export interface BundleArraysView extends ReadableView {
  /** The validated manifest. */
  readonly manifest: Manifest;
  /** Where the bundle is. */
  readonly location: string;
}

/** The key-value store of `source`: a store, an http(s) URL, or (on Node) a directory path. */
async function storeOf(source: string | KeyValueStore): Promise<KeyValueStore> {
  if (typeof source !== "string") return source;
  if (/^https?:\/\//i.test(source)) return createHttpStore(source);
  return directoryStore(source.startsWith("file:") ? new URL(source).pathname : source);
}

async function readManifest(store: KeyValueStore, signal?: AbortSignal): Promise<Manifest> {
  const bytes = await store.get("manifest.json", { signal });
  if (bytes === undefined) {
    throw new NotFoundError(
      "manifest.json",
      `no manifest.json in ${store.location}; is this a tensortools dataset bundle?`,
    );
  }
  return parseManifest(new TextDecoder().decode(bytes), `${store.location}/manifest.json`);
}

async function openChecked(
  store: KeyValueStore,
  manifest: Manifest,
  field: "array_store" | "mask_store",
  dtype: string,
  signal?: AbortSignal,
): Promise<StoredArray> {
  const path = manifest[field] as string;
  const array = await zarrStore.open(store, path, { signal });
  checkArrayAgainstManifest(array, manifest, field, dtype);
  return array;
}

/** The ids of every axis that has a coordinate array, checked against the axis length. */
async function readIds(
  store: KeyValueStore,
  manifest: Manifest,
  options: OpenBundleArraysOptions,
): Promise<Map<string, AxisIndex>> {
  const ids = new Map<string, AxisIndex>();
  for (const [axis, path] of Object.entries(manifest.coord_stores ?? {})) {
    const values = await readCoordinates(store, path, options);
    const length = manifest.shape[manifest.axes.indexOf(axis)]!;
    if (values.length !== length)
      throw new DataError(
        path,
        `holds ${values.length} ids, axis '${axis}' has ${length} elements`,
      );
    ids.set(axis, values);
  }
  const first = manifest.axes[0]!;
  if (!ids.has(first)) {
    if (!options.idsByPosition)
      throw new NotFoundError(
        `coord_stores.${first}`,
        `the bundle in ${store.location} has no coordinate array with the ids of axis '${first}' ` +
          `(it was written before they existed): rewrite it with writeDataset, read it with ` +
          `tensortools (which reads the ids from the metadata table), or pass ` +
          `{ idsByPosition: true } to key the instances by position`,
      );
    ids.set(
      first,
      Int32Array.from({ length: manifest.shape[0]! }, (_, i) => i),
    );
  }
  return ids;
}

/**
 * Opens the arrays of the dataset bundle at `source` (a directory path on Node, an http(s) URL,
 * or a key-value store) as a view of the whole bundle: the manifest is validated, the data array
 * (and mask) checked against it, and the ids read from the bundle's coordinate arrays. The view
 * has no metadata columns other than the ids; for queries and metadata, open the bundle with
 * `tensortools`.
 *
 * @example
 * ```ts
 * import { pca } from "@tt/decompose-svd";
 * import { openBundleArrays } from "@tt/store-zarr";
 *
 * const view = await openBundleArrays("./iris-bundle");
 * const output = await pca.fit(view, pca.validate({ rank: 2 }), { seed: 0, signal: undefined, onProgress() {} });
 * output.factorTables.instance.row(0); // { instance_id: ..., score_1: -2.684..., ... }
 * ```
 */
export async function openBundleArrays(
  source: string | KeyValueStore,
  options: OpenBundleArraysOptions = {},
): Promise<BundleArraysView> {
  const raw = await storeOf(source);
  const { signal } = options;
  const manifest = await readManifest(raw, signal);
  // Only the files of this version, checked against its inventory (bundles of schema 0.2.0 on).
  const store = manifest.inventory === undefined ? raw : checkedStore(raw, manifest.inventory);
  const array = await openChecked(store, manifest, "array_store", manifest.dtype, signal);
  const mask =
    manifest.mask_store === undefined
      ? undefined
      : await openChecked(store, manifest, "mask_store", "bool", signal);
  const ids = await readIds(store, manifest, options);
  const { axes, shape, dtype } = manifest;
  const axisOf = (axis: string): number => {
    const position = axes.indexOf(axis);
    if (position < 0)
      throw new NotFoundError(
        `axis '${axis}'`,
        `no axis '${axis}'; the axes are ${axes.join(", ")}`,
      );
    return position;
  };
  const idColumn = (axis: string) => manifest.axis_index_columns[axis] ?? `${axis}_id`;
  const idsOf = (axis: string, start: number, stop: number) => {
    const values = ids.get(axis);
    return values === undefined ? undefined : (values.slice(start, stop) as AxisIndex);
  };

  const read = async (axis: number, start: number, stop: number, readOptions?: IOOptions) => {
    const selection: AxisSelection[] = shape.map((length, i) =>
      i === axis ? { start, stop } : { start: 0, stop: length },
    );
    const data = await array.read(selection, readOptions);
    const blockMask = mask && ((await mask.read(selection, readOptions)) as Uint8Array);
    const axisIndex: Record<string, AxisIndex> = {};
    axes.forEach((name, i) => {
      const values = i === axis ? idsOf(name, start, stop) : ids.get(name);
      if (values !== undefined) axisIndex[name] = values;
    });
    return createTensor({
      data,
      dtype,
      shape: shape.map((length, i) => (i === axis ? stop - start : length)),
      axes,
      axisIndex,
      mask: blockMask,
    });
  };

  return {
    manifest,
    location: store.location,
    axes,
    shape,
    dtype,
    axisIndexColumns: Object.fromEntries(
      axes.filter((a) => ids.has(a)).map((a) => [a, idColumn(a)]),
    ),
    hasMask: mask !== undefined,
    meta: (axis) => MetaTable.empty(shape[axisOf(axis)]),
    ids: (axis) => ids.get(axes[axisOf(axis)]!),
    materialize: (readOptions): Promise<AxisAnnotatedTensor> => read(0, 0, shape[0]!, readOptions),
    async *blocks(blockOptions): AsyncIterable<TensorBlock> {
      const axis = axisOf(blockOptions.axis ?? axes[0]!);
      if (!Number.isInteger(blockOptions.size) || blockOptions.size < 1)
        throw new DataError("blocks size", `must be a positive integer, got ${blockOptions.size}`);
      for (let start = 0; start < shape[axis]!; start += blockOptions.size) {
        blockOptions.signal?.throwIfAborted();
        const stop = Math.min(shape[axis]!, start + blockOptions.size);
        yield { start, tensor: await read(axis, start, stop, blockOptions) };
      }
    },
  };
}
