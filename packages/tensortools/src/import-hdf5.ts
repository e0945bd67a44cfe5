/**
 * Datasets from HDF5 files on Node: a bundle that reads a dataset of the file in place (linked),
 * or a Zarr bundle copied from it block by block.
 */

import type { StreamBlock, TensorStream } from "@tt/bundle";
import { type LinkDatasetOptions, linkDataset, writeDataset } from "@tt/bundle/fs";
import {
  type AxisIndex,
  allocate,
  bytesPerElement,
  type Manifest,
  type Progress,
  type StoredArray,
  sizeOf,
  type TypedArray,
} from "@tt/schema";
import { type AxisOrder, hdf5Store, openHdf5Array, openHdf5Sparse } from "@tt/store-hdf5";
import { zarrStore } from "@tt/store-zarr";

/**
 * Options of {@link importHdf5}.
 *
 * @example
 * ```ts
 * const options: ImportHdf5Options = {
 *   dataset: "/eeg/epochs",
 *   axes: ["epoch", "time", "channel"],
 *   axisMeta: { epoch: await readParquetFile("epochs.parquet") },
 *   axisIndexColumns: { epoch: "epoch_id" },
 *   link: true,
 * };
 * ```
 */
export interface ImportHdf5Options extends Omit<LinkDatasetOptions, "axisIndex"> {
  /** The dataset's path in the file; the file's only dataset when omitted. */
  dataset?: string;
  /**
   * Axis names in the order the axes are reported; the dataset's HDF5 dimension labels (h5py's
   * `dims[i].label`) when every axis has one, else `dim_0`, `dim_1`, ...
   */
  axes?: readonly string[];
  /** `"hdf5"` (default): axes as the file stores them (h5py's order); `"matlab"`: reversed. */
  axisOrder?: AxisOrder;
  /** Ids by axis, added to the axis's table as its id column (the first axis needs ids). */
  axisIndex?: Readonly<Record<string, AxisIndex>>;
  /**
   * `true`: the bundle reads the file in place (hard-linked into it, never copied; see
   * `linkDataset`). `false` (default): the data is copied into the bundle's own Zarr array.
   */
  link?: boolean;
  /** Chunk shape of the copy (Zarr's default: slabs along the first axis). */
  chunkShape?: readonly number[];
  /** Codec of the copy (Zarr's default, none). */
  codec?: string;
  /** Reports progress as blocks are copied. */
  onProgress?: (progress: Progress) => void;
  /**
   * `dataset` names a compressed sparse matrix group (10X's `/matrix`, an h5ad `/X`) in this
   * layout, read as `openHdf5Sparse` reads it (dense blocks); `transpose: true` reports its
   * columns first (10X stores genes x cells: cells become the instances). Linked, the bundle
   * records the layout and reads the matrix in place; copied, it becomes a dense Zarr array.
   */
  sparse?: { compressed: "rows" | "columns"; transpose?: boolean };
}

/** Blocks of the copy are whole chunks of about this many bytes (at least one chunk). */
const BLOCK_BYTES = 8 * 1024 * 1024;

/**
 * The array's rows in blocks of whole chunks, read into one buffer: the writer is done with a
 * block (its promise settled) before it asks for the next, so the buffer is reused.
 */
async function* blocksOf(
  array: StoredArray,
  rowsPerBlock: number,
  ids: AxisIndex | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamBlock> {
  const { shape, dtype } = array.metadata;
  const slab = sizeOf(shape.slice(1));
  const buffer = allocate(dtype, Math.min(shape[0]!, rowsPerBlock) * slab) as TypedArray;
  for (let start = 0; start < shape[0]!; start += rowsPerBlock) {
    const stop = Math.min(shape[0]!, start + rowsPerBlock);
    const data = buffer.subarray(0, (stop - start) * slab) as TypedArray;
    await array.readInto!([{ start, stop }], data, 0, { signal });
    yield { data, ...(ids === undefined ? {} : { ids: ids.slice(start, stop) as AxisIndex }) };
  }
}

/** The HDF5 dataset as a stream of blocks for a Zarr bundle, its first axis's ids with them. */
function streamOf(array: StoredArray, options: ImportHdf5Options): TensorStream {
  const { shape, dtype, dimensionNames: axes } = array.metadata;
  const first = axes[0]!;
  const { [first]: firstIds, ...otherIds } = options.axisIndex ?? {};
  const chunkRows = (options.chunkShape ?? zarrStore.defaultChunkShape!(shape, dtype))[0]!;
  const rowBytes = Math.max(1, sizeOf(shape.slice(1)) * bytesPerElement(dtype));
  const rowsPerBlock = chunkRows * Math.max(1, Math.floor(BLOCK_BYTES / (rowBytes * chunkRows)));
  return {
    axes,
    dtype,
    shape,
    axisMeta: options.axisMeta,
    axisIndex: otherIds,
    attrs: options.attrs,
    blocks: blocksOf(array, rowsPerBlock, firstIds, options.signal),
  };
}

/**
 * Makes a dataset bundle at directory `path` of `dataset` in the HDF5 file `file` (an h5py file,
 * a MATLAB v7.3 `.mat`, ...), with a metadata table per axis (Parquet, or CSV read with
 * `readCsvFile`). With `link: true` the bundle reads the file in place: the file is hard-linked
 * into it and never copied, the manifest names it with the HDF5 store's settings (dataset, axis
 * order, axis names), and its length, SHA-256 and modification time are recorded, so a reader
 * refuses it once it changed (and `reopenInput` reports results computed before as stale).
 * Without, the data is copied into a Zarr bundle block by block (memory stays a few blocks
 * whatever the file's size). With `sparse`, `dataset` names a compressed sparse matrix group
 * (10X, h5ad) read as dense blocks, linked in place or copied dense. The first axis needs ids: an
 * id column in its table or `axisIndex`.
 *
 * @example
 * ```ts
 * import { importHdf5, openDataset, readParquetFile } from "tensortools";
 * await importHdf5("./eeg", "recordings.h5", {
 *   dataset: "/eeg/epochs",
 *   axes: ["epoch", "time", "channel"],
 *   axisMeta: { epoch: await readParquetFile("epochs.parquet") },
 *   axisIndexColumns: { epoch: "epoch_id" },
 *   link: true,
 * });
 * const dataset = await openDataset("./eeg"); // reads recordings.h5 in place
 * ```
 */
export async function importHdf5(
  path: string,
  file: string,
  options: ImportHdf5Options = {},
): Promise<Manifest> {
  const { array, settings } = await openForImport(file, options);
  try {
    if (!options.link) return await writeDataset(path, streamOf(array, options), options);
    return await linkDataset(path, file, { arrayStore: hdf5Store, settings }, options);
  } finally {
    array.close();
  }
}

/** The array to import (a dataset, or a sparse matrix group) and the settings a link records. */
async function openForImport(file: string, options: ImportHdf5Options) {
  const { sparse, signal } = options;
  if (sparse !== undefined) {
    const group = options.dataset ?? "/";
    const array = await openHdf5Sparse(file, group, {
      ...sparse,
      dimensionNames: options.axes,
      signal,
    });
    const settings = {
      dataset: group.startsWith("/") ? group : `/${group}`,
      dimension_names: [...array.metadata.dimensionNames],
      sparse: { compressed: sparse.compressed, transpose: sparse.transpose ?? false },
    };
    return { array, settings };
  }
  const array = await openHdf5Array(file, options.dataset, {
    axisOrder: options.axisOrder,
    dimensionNames: options.axes,
    signal,
  });
  const settings = {
    dataset: array.hdf5.dataset,
    axis_order: array.hdf5.axisOrder,
    dimension_names: [...array.metadata.dimensionNames],
  };
  return { array, settings };
}
