/** Opening one dataset of an HDF5 file as a read-only stored array. */

import {
  ArgumentError,
  type ArrayMetadata,
  bytesPerElement,
  type IOOptions,
  isBigIntDType,
  type StoredArray,
  sizeOf,
} from "@tt/schema";
import { fileSource, httpSource } from "#platform";
import { absolutePath, type DatasetInfo, describeDataset } from "./dataset-info.js";
import { type OpenFile, openSource } from "./hdf5-file.js";
import { closeWhenCollected, forget, holding } from "./keep-alive.js";
import { type ReadContext, readSelection, readSelectionInto } from "./read-dataset.js";
import { blobSource, bytesSource, type Hdf5Source, isHdf5Source } from "./sources.js";

/**
 * The order in which axes are reported: `"hdf5"` (the default) as the file stores them, which is
 * what h5py and numpy show; `"matlab"` reversed, which is MATLAB's order for a `.mat` v7.3 file
 * (MATLAB stores arrays column-major, so HDF5 holds the transpose of what MATLAB shows).
 *
 * @example
 * ```ts
 * // X is 4 x 3 x 2 in MATLAB.
 * (await openHdf5Array("trials.mat", "/X")).metadata.shape; // [2, 3, 4]
 * (await openHdf5Array("trials.mat", "/X", { axisOrder: "matlab" })).metadata.shape; // [4, 3, 2]
 * ```
 */
export type AxisOrder = "hdf5" | "matlab";

/**
 * Where an HDF5 file comes from: a path (Node), its bytes, a Blob or File, or an {@link Hdf5Source}.
 *
 * @example
 * ```ts
 * const fromPath = await openHdf5Array("recordings.h5", "/eeg/epochs"); // Node, read in place
 * const fromPicker = await openHdf5Array(input.files[0], "/eeg/epochs"); // a File in a web worker
 * ```
 */
export type Hdf5Input = string | Uint8Array | Blob | Hdf5Source;

/**
 * Options of {@link openHdf5Array}.
 *
 * @example
 * ```ts
 * const options: OpenHdf5Options = { axisOrder: "matlab", dimensionNames: ["trial", "sample"] };
 * const trials = await openHdf5Array("session1.mat", "/trials", options);
 * ```
 */
export interface OpenHdf5Options {
  /** How axes are reported; `"hdf5"` when omitted. */
  axisOrder?: AxisOrder;
  /**
   * Axis names in the reported order. When omitted: the dataset's HDF5 dimension labels (h5py's
   * `dims[i].label`) if every axis has a distinct one, else `dim_0`, `dim_1`, ...
   */
  dimensionNames?: readonly string[];
  /** Stops the opening. */
  signal?: AbortSignal;
}

/**
 * What the file says about the dataset beyond {@link ArrayMetadata}.
 *
 * @example
 * ```ts
 * const { hdf5 } = await openHdf5Array("session1.mat", "/X");
 * hdf5.userBlock; // 512
 * hdf5.matlabClass; // "double"
 * hdf5.chunks; // null: stored contiguous
 * ```
 */
export interface Hdf5Details {
  /** The file as messages name it (its path, key or name). */
  readonly file: string;
  /** The dataset's absolute path in the file. */
  readonly dataset: string;
  readonly axisOrder: AxisOrder;
  /** The dataset's shape in the file's order. */
  readonly hdf5Shape: readonly number[];
  /** The file's chunk shape in the reported order; `null` for a contiguous dataset. */
  readonly chunks: readonly number[] | null;
  /** Filters of the chunks in order, by h5py's names (`shuffle`, `gzip`, `fletcher32`, ...). */
  readonly filters: readonly string[];
  /** Byte order of the stored elements (reads return the platform's little-endian values). */
  readonly byteOrder: "little" | "big";
  /** Bytes before the HDF5 superblock: 512 in a MATLAB v7.3 file, usually 0 elsewhere. */
  readonly userBlock: number;
  /** The `MATLAB_class` attribute of a MAT-file variable (`double`, `single`, `logical`, ...). */
  readonly matlabClass: string | undefined;
}

/**
 * A dataset of an HDF5 file open for reading.
 *
 * @example
 * ```ts
 * const array: Hdf5Array = await openHdf5Array("recordings.h5", "/eeg/epochs");
 * const block = new Float32Array(64 * 1793 * 64);
 * await array.readInto!([{ start: 0, stop: 64 }], block, 0);
 * array.close();
 * ```
 */
export interface Hdf5Array extends StoredArray {
  /** What the file says about the dataset. */
  readonly hdf5: Hdf5Details;
  /** Closes the file (also done when the array is garbage-collected). Reads fail after. */
  close(): void;
}

/** A contiguous dataset's read unit: slabs of about this many bytes along the first axis. */
const READ_UNIT_BYTES = 4 * 1024 * 1024;

/** Axis names in the reported order: given, the file's labels if complete, else dim_i. */
export function namesOf(info: DatasetInfo, reversed: boolean, given?: readonly string[]): string[] {
  const rank = info.shape.length;
  if (given !== undefined) {
    if (given.length !== rank || new Set(given).size !== rank)
      throw new ArgumentError(
        "openHdf5Array",
        "dimensionNames",
        `${rank} distinct axis names are needed for ${info.path}, got [${given.join(", ")}]`,
      );
    return [...given];
  }
  const labels = reversed ? [...info.labels].reverse() : info.labels;
  const complete = labels.every((l) => typeof l === "string" && l !== "");
  if (complete && new Set(labels).size === rank) return labels as string[];
  return labels.map((_, i) => `dim_${i}`);
}

/** The stored array's metadata, axes in the reported order. */
export function metadataOf(
  info: DatasetInfo,
  reversed: boolean,
  names: readonly string[],
): ArrayMetadata {
  const order = (values: readonly number[]) => (reversed ? [...values].reverse() : [...values]);
  const shape = order(info.shape);
  const slab = Math.max(1, sizeOf(shape.slice(1)) * bytesPerElement(info.dtype));
  const rows = Math.max(1, Math.min(shape[0]!, Math.round(READ_UNIT_BYTES / slab)));
  return Object.freeze({
    shape: Object.freeze(shape),
    dtype: info.dtype,
    dimensionNames: Object.freeze([...names]),
    chunkShape: Object.freeze(
      info.chunks ? order(info.chunks) : [rows, ...shape.slice(1).map((n) => Math.max(1, n))],
    ),
    codec: info.filters.length === 0 ? "none" : info.filters.join("+"),
    // HDF5's default fill value; HDF5 itself fills unwritten chunks when they are read.
    fillValue: isBigIntDType(info.dtype) ? 0n : 0,
  });
}

/** The details of a dataset for {@link Hdf5Array.hdf5}. */
export function detailsOf(file: OpenFile, info: DatasetInfo, axisOrder: AxisOrder): Hdf5Details {
  const order = (values: readonly number[]) =>
    axisOrder === "matlab" ? [...values].reverse() : [...values];
  return Object.freeze({
    file: file.name,
    dataset: info.path,
    axisOrder,
    hdf5Shape: Object.freeze([...info.shape]),
    chunks: info.chunks ? Object.freeze(order(info.chunks)) : null,
    filters: Object.freeze([...info.filters]),
    byteOrder: info.littleEndian ? "little" : "big",
    userBlock: file.userBlock,
    matlabClass: info.matlabClass,
  });
}

/** A read context over an open file and a dataset that does not change. */
export function readContext(
  file: OpenFile,
  info: DatasetInfo,
  reversed: boolean,
  names: readonly string[],
): ReadContext {
  return {
    file,
    info: () => info,
    reversed,
    dimensionNames: () => names,
    where: `${file.name}:${info.path}`,
  };
}

/** The source of a path, bytes, Blob or source; `openHdf5Array` names itself in the refusal. */
export async function sourceOf(file: Hdf5Input): Promise<Hdf5Source> {
  if (typeof file === "string") {
    if (!/^https?:\/\//i.test(file)) return fileSource(file);
    const remote = httpSource(file);
    if (remote !== undefined) return remote;
    throw new ArgumentError(
      "openHdf5Array",
      "file",
      `${file} can be read in place on Node or in a web worker; on a page's main thread, fetch it and pass its bytes or a Blob`,
    );
  }
  if (file instanceof Uint8Array) return bytesSource(file, "<bytes>");
  if (typeof Blob !== "undefined" && file instanceof Blob)
    return blobSource(file, (file as { name?: string }).name ?? "<blob>");
  if (isHdf5Source(file)) return file;
  throw new ArgumentError(
    "openHdf5Array",
    "file",
    `expected a path, bytes, a Blob or an Hdf5Source, got ${Object.prototype.toString.call(file)}`,
  );
}

/** An {@link Hdf5Array} over a dataset of an open file; the array owns the file. */
export function arrayOfFile(
  file: OpenFile,
  dataset: string | undefined,
  options: OpenHdf5Options,
): Hdf5Array {
  const axisOrder = options.axisOrder ?? "hdf5";
  const reversed = axisOrder === "matlab";
  let info: DatasetInfo;
  let names: string[];
  try {
    info = describeDataset(file, dataset);
    names = namesOf(info, reversed, options.dimensionNames);
  } catch (error) {
    file.close();
    throw error;
  }
  const context = readContext(file, info, reversed, names);
  const array: Hdf5Array = {
    metadata: metadataOf(info, reversed, names),
    hdf5: detailsOf(file, info, axisOrder),
    read: (selection, readOptions: IOOptions = {}) =>
      holding(array, readSelection(context, selection, readOptions.signal)),
    readInto: (selection, target, offset, readOptions: IOOptions = {}) =>
      holding(array, readSelectionInto(context, selection, target, offset, readOptions.signal)),
    close: () => {
      forget(array);
      file.close();
    },
  };
  closeWhenCollected(array, () => file.close());
  return array;
}

/**
 * Opens `dataset` (the file's only dataset when omitted) of the HDF5 file `file` as a read-only
 * stored array with the file's shape, dtype and chunking. Nothing is read but the file's
 * metadata: reads fetch only the chunks that hold selected elements, so a file far larger than
 * memory can be opened by path (Node), as a Blob in a web worker, or through an
 * {@link Hdf5Source}. Errors name the file and the dataset: a path that is no dataset is a
 * NotFoundError; a type no tensor holds (compound, strings, vlen, float16) an UnsupportedError;
 * a file that is not HDF5 or is truncated a DataError.
 *
 * @example
 * ```ts
 * import { openHdf5Array } from "@tt/store-hdf5";
 * const array = await openHdf5Array("recordings.h5", "/eeg/epochs");
 * array.metadata.shape; // [12000, 1793, 64]
 * const rows = await array.read([[5, 17, 900], null, { start: 0, stop: 8 }]);
 * const fromMatlab = await openHdf5Array("trials.mat", "/X", { axisOrder: "matlab" });
 * array.close();
 * ```
 */
export async function openHdf5Array(
  file: Hdf5Input,
  dataset?: string,
  options: OpenHdf5Options = {},
): Promise<Hdf5Array> {
  options.signal?.throwIfAborted();
  const source = await sourceOf(file);
  const where = dataset === undefined ? source.name : `${source.name}:${absolutePath(dataset)}`;
  const opened = await openSource(source, where);
  return arrayOfFile(opened, dataset, options);
}
