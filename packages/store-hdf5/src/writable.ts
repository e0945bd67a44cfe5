/**
 * Writable HDF5 arrays in a key-value store: the file is built in memory by HDF5 and the store
 * gets the whole file after every write. Meant for small files and tests; the store's business
 * is reading large files in place.
 */

import {
  AlreadyExistsError,
  type ArrayCreateOptions,
  assertDType,
  DataError,
  type DType,
  InvalidSelectionError,
  type IOOptions,
  isLength,
  matchesDType,
  NotFoundError,
  sizeOf,
  type TypedArray,
  UnsupportedError,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import { defaultChunkShape } from "./chunk-shape.js";
import { type DatasetInfo, describeDataset } from "./dataset-info.js";
import { type H5wasm, hdf5Call, hdf5Reason, loadH5wasm } from "./h5wasm.js";
import { type AxisOrder, metadataOf, namesOf } from "./hdf5-array.js";
import { findSuperblock, type OpenFile, openFile } from "./hdf5-file.js";
import { closeWhenCollected, holding } from "./keep-alive.js";
import { memoryFile } from "./mount.js";
import { type ReadContext, readSelection, readSelectionInto } from "./read-dataset.js";
import { scatter } from "./scatter.js";
import { bytesSource } from "./sources.js";
import { splitHdf5Path, storeLabel } from "./store-path.js";

/** h5wasm's type codes of the dtypes it writes (h5py's bool enum it cannot write). */
const H5_DTYPES: Partial<Record<DType, string>> = {
  float32: "<f",
  float64: "<d",
  int8: "<b",
  int16: "<h",
  int32: "<i",
  int64: "<q",
  uint8: "<B",
  uint16: "<H",
  uint32: "<I",
  uint64: "<Q",
};

/** The dtypes the store writes. */
export const WRITABLE_DTYPES = Object.keys(H5_DTYPES) as DType[];

/** Everything a writable array keeps: the file in memory, the dataset, and where it is stored. */
interface WriteState {
  readonly file: OpenFile;
  info: DatasetInfo;
  readonly read: () => Uint8Array;
  readonly store: WritableKeyValueStore;
  readonly key: string;
  readonly reversed: boolean;
  readonly names: readonly string[];
}

/** Checks what `create` is asked for, before anything is written. */
function checkCreate(
  key: string,
  options: ArrayCreateOptions,
): { chunks: number[]; gzip: boolean } {
  assertDType(options.dtype);
  const { shape, dimensionNames, dtype } = options;
  if (H5_DTYPES[dtype] === undefined)
    throw new UnsupportedError(
      `writing ${dtype} to HDF5`,
      `${key}: the HDF5 store writes ${WRITABLE_DTYPES.join(", ")}`,
    );
  if (!shape.every(isLength) || dimensionNames.length !== shape.length || shape.length === 0)
    throw new DataError(
      key,
      `shape [${shape.join(", ")}] and dimension names [${dimensionNames.join(", ")}] do not fit`,
    );
  const chunks = [...(options.chunkShape ?? defaultChunkShape(shape, dtype))];
  if (chunks.length !== shape.length || !chunks.every((n) => Number.isInteger(n) && n > 0))
    throw new DataError(
      key,
      `chunk shape [${chunks.join(", ")}] must have ${shape.length} positive lengths`,
    );
  const codec = options.codec ?? "none";
  if (codec !== "none" && codec !== "gzip")
    throw new UnsupportedError(
      `HDF5 codec ${codec}`,
      `${key}: the HDF5 store writes codecs none and gzip, not '${codec}'`,
    );
  const fill = options.fillValue;
  if (fill !== undefined && fill !== 0 && fill !== 0n)
    throw new UnsupportedError(
      "HDF5 fill values",
      `${key}: the HDF5 store writes with HDF5's fill value 0, not ${String(fill)}`,
    );
  return { chunks, gzip: codec === "gzip" };
}

/** Creates the groups above `path` in `file` that do not exist yet. */
function createGroups(h5: H5wasm, file: InstanceType<H5wasm["classes"]["File"]>, path: string) {
  const parts = path.split("/").filter((p) => p !== "");
  for (let i = 1; i < parts.length; i++) {
    const group = `/${parts.slice(0, i).join("/")}`;
    if (h5.module.get_type(file.file_id, group) === -1) file.create_group(group.slice(1));
  }
}

/**
 * Creates a file at `path` (`key` or `key:/dataset`; dataset `/data` by default) holding one
 * chunked dataset that grows along the first reported axis, and stores it.
 */
export async function createWritable(
  store: WritableKeyValueStore,
  path: string,
  options: ArrayCreateOptions,
  axisOrder: AxisOrder,
): Promise<WritableArray> {
  const { key, dataset = "/data" } = splitHdf5Path(path);
  const { chunks, gzip } = checkCreate(key, options);
  if ((await store.size(key)) !== undefined && !options.overwrite)
    throw new AlreadyExistsError(
      key,
      `an HDF5 file already exists at '${key}' in ${store.location}; pass overwrite: true to replace it`,
    );
  const h5 = await loadH5wasm();
  const memory = memoryFile(h5.module);
  const reversed = axisOrder === "matlab";
  const order = <T>(values: readonly T[]) => (reversed ? [...values].reverse() : [...values]);
  const shape = order(options.shape);
  const grow = reversed ? shape.length - 1 : 0;
  const file = hdf5Call(h5.module, () => new h5.classes.File(memory.path, "w"));
  createGroups(h5, file, dataset);
  const name = dataset.replace(/^\/+/, "");
  hdf5Call(h5.module, () => {
    const created = file.create_dataset({
      name,
      data: [] as number[],
      shape: shape.map((n, a) => (a === grow ? 0 : n)),
      maxshape: shape.map((n, a) => (a === grow ? null : n)),
      chunks: order(chunks),
      dtype: H5_DTYPES[options.dtype]!,
      ...(gzip ? { compression: "gzip" as const } : {}),
    });
    created.resize(shape);
    order(options.dimensionNames).forEach((label, a) => {
      h5.module.set_dimension_label(file.file_id, `/${name}`, a, label);
    });
  });
  const opened = openFile(h5, file.file_id, storeLabel(store, key), 0, memory.unmount);
  h5.module.flush(file.file_id);
  await store.set(key, memory.read());
  return writableArray(opened, memory.read, store, key, dataset, reversed, options.dimensionNames);
}

/** Opens the file at `path` of `store` for writing: it is copied into memory whole. */
export async function openWritable(
  store: WritableKeyValueStore,
  path: string,
  options: IOOptions,
  axisOrder: AxisOrder,
): Promise<WritableArray> {
  const { key, dataset } = splitHdf5Path(path);
  const bytes = await store.get(key, { signal: options.signal });
  if (bytes === undefined)
    throw new NotFoundError(key, `no HDF5 file '${key}' in ${store.location}`);
  const userBlock = findSuperblock(bytesSource(bytes, key));
  if (userBlock === undefined)
    throw new DataError(storeLabel(store, key), "is not an HDF5 file: no HDF5 signature");
  const h5 = await loadH5wasm();
  const memory = memoryFile(h5.module, bytes);
  let fileId: bigint;
  try {
    fileId = hdf5Call(h5.module, () =>
      h5.module.open(memory.path, h5.module.H5F_ACC_RDWR, false, -1, -1),
    );
  } catch (error) {
    memory.unmount();
    throw new DataError(storeLabel(store, key), `HDF5 cannot open it: ${hdf5Reason(error)}`, {
      cause: error,
    });
  }
  const opened = openFile(h5, fileId, storeLabel(store, key), userBlock, memory.unmount);
  return writableArray(opened, memory.read, store, key, dataset, axisOrder === "matlab");
}

function writableArray(
  file: OpenFile,
  read: () => Uint8Array,
  store: WritableKeyValueStore,
  key: string,
  dataset: string | undefined,
  reversed: boolean,
  names?: readonly string[],
): WritableArray {
  let state: WriteState;
  try {
    const info = describeDataset(file, dataset);
    state = { file, info, read, store, key, reversed, names: namesOf(info, reversed, names) };
  } catch (error) {
    file.close();
    throw error;
  }
  const context: ReadContext = {
    file,
    info: () => state.info,
    reversed,
    dimensionNames: () => state.names,
    where: `${file.name}:${state.info.path}`,
  };
  const array: WritableArray = {
    get metadata() {
      return metadataOf(state.info, reversed, state.names);
    },
    read: (selection, options: IOOptions = {}) =>
      holding(array, readSelection(context, selection, options.signal)),
    readInto: (selection, target, offset, options: IOOptions = {}) =>
      holding(array, readSelectionInto(context, selection, target, offset, options.signal)),
    writeBlock: (start, block, options: IOOptions = {}) =>
      holding(array, writeRows(state, start, block, false, options)),
    append: (block, options: IOOptions = {}) => {
      const length = state.info.shape[reversed ? state.info.shape.length - 1 : 0]!;
      return holding(array, writeRows(state, length, block, true, options));
    },
  };
  closeWhenCollected(array, () => file.close());
  return array;
}

/** The number of slabs in `block`, after checking its type and length. */
function slabsOf(state: WriteState, block: TypedArray): number {
  const where = `${state.file.name}:${state.info.path}`;
  if (!matchesDType(block, state.info.dtype))
    throw new DataError(
      where,
      `block is a ${block.constructor.name}, the array holds ${state.info.dtype}`,
    );
  const reported = state.reversed ? [...state.info.shape].reverse() : state.info.shape;
  const slab = sizeOf(reported.slice(1));
  const rows = slab === 0 ? 0 : block.length / slab;
  if (!Number.isInteger(rows))
    throw new DataError(
      where,
      `block of ${block.length} elements is not a whole number of slabs of ${slab}`,
    );
  return rows;
}

/** Writes `block` at slab `start` (growing the dataset first for an append), then stores the file. */
async function writeRows(
  state: WriteState,
  start: number,
  block: TypedArray,
  append: boolean,
  options: IOOptions,
): Promise<void> {
  options.signal?.throwIfAborted();
  const rows = slabsOf(state, block);
  const { file, reversed } = state;
  const { module, fileId } = file;
  const shape = [...state.info.shape];
  const grow = reversed ? shape.length - 1 : 0;
  if (append) {
    if (!state.info.growable[grow])
      throw new UnsupportedError(
        "appending to fixed-size HDF5 datasets",
        `${file.name}:${state.info.path} cannot grow along its first axis`,
      );
    shape[grow] = shape[grow]! + rows;
    hdf5Call(module, () => new file.h5.classes.Dataset(fileId, state.info.path).resize(shape));
    state.info = describeDataset(file, state.info.path);
  }
  if (!Number.isInteger(start) || start < 0 || start + rows > shape[grow]!)
    throw new InvalidSelectionError(
      state.names[0]!,
      `a block of ${rows} slabs at ${start} does not fit ${shape[grow]} slabs`,
    );
  if (rows === 0) return;
  const count = shape.map((n, a) => (a === grow ? rows : n));
  const data = reversed ? reverseAxes(block, [...count].reverse()) : block;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const pointer = module._malloc(bytes.length);
  try {
    module.HEAPU8.set(bytes, pointer);
    hdf5Call(module, () =>
      module.set_dataset_data(
        fileId,
        state.info.path,
        count.map(BigInt),
        count.map((_, a) => BigInt(a === grow ? start : 0)),
        count.map(() => 1n),
        BigInt(pointer),
      ),
    );
  } finally {
    module._free(pointer);
  }
  module.flush(fileId);
  await state.store.set(state.key, state.read(), { signal: options.signal });
}

/** `block` (C order over `lengths`) with its axes reversed: C order over `lengths` reversed. */
function reverseAxes(block: TypedArray, lengths: number[]): TypedArray {
  const out = new (block.constructor as new (n: number) => TypedArray)(block.length);
  const strides = lengths.map((_, a) => sizeOf(lengths.slice(0, a)));
  const box = lengths.map((n) => {
    const all = Int32Array.from({ length: n }, (_, i) => i);
    return { start: 0, count: n, src: all, dst: all };
  });
  scatter(block, box, out, 0, strides);
  return out;
}
