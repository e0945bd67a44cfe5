/**
 * A compressed sparse matrix (`data`, `indices`, `indptr` and a shape, compressed by rows as
 * scipy's CSR or by columns as CSC) as a read-only stored array whose reads return dense blocks.
 */

import {
  ArgumentError,
  type ArrayMetadata,
  type AxisSelection,
  allocate,
  bytesPerElement,
  DataError,
  type DType,
  type IOOptions,
  isBigIntDType,
  matchesDType,
  resolveSelection,
  type TypedArray,
  UnsupportedError,
} from "@tt/schema";
import { closeWhenCollected, forget, holding } from "./keep-alive.js";
import {
  axisNames,
  type CompressedAxis,
  checkLayout,
  checkShape,
  type SparseArray,
  type SparseArrayOptions,
  type SparseDetails,
  type SparseLayout,
  type SparseMembers,
} from "./sparse-layout.js";
import { readSparse, type SparseSource } from "./sparse-read.js";
import { isIntegerDType, type SparseVector, vectorOfArray } from "./sparse-vectors.js";

/** A dense read unit of about this many bytes along the first axis. */
const READ_UNIT_BYTES = 4 * 1024 * 1024;

/** The three members as vectors, their dtypes and lengths checked against the stored shape. */
export interface SparseVectors {
  readonly data: SparseVector;
  readonly indices: SparseVector;
  readonly indptr: SparseVector;
}

/** Data of numbers, indices and index pointers of integers. */
function checkDTypes({ data, indices, indptr }: SparseVectors): void {
  if (data.dtype === "bool")
    throw new UnsupportedError(
      "bool sparse matrices",
      `${data.where} holds bool; a sparse matrix's data must be numbers (float, int or uint)`,
    );
  for (const member of [indices, indptr])
    if (!isIntegerDType(member.dtype))
      throw new DataError(member.where, `holds ${member.dtype}; positions must be integers`);
}

/** Checks lengths and the first and last index pointers; returns the number of entries. */
async function checkMembers(
  vectors: SparseVectors,
  storedShape: readonly [number, number],
  compressed: CompressedAxis,
  signal: AbortSignal | undefined,
): Promise<number> {
  checkDTypes(vectors);
  const { data, indices, indptr } = vectors;
  const nnz = data.length;
  if (indices.length !== nnz)
    throw new DataError(indices.where, `has ${indices.length} entries where data has ${nnz}`);
  const [rows, columns] = storedShape;
  const [major, other] = compressed === "rows" ? [rows, columns] : [columns, rows];
  if (indptr.length !== major + 1) {
    const hint =
      indptr.length === other + 1 && other !== major
        ? `; it fits compressed: "${compressed === "rows" ? "columns" : "rows"}", if that is how the matrix is stored`
        : "";
    throw new DataError(
      indptr.where,
      `has ${indptr.length} entries; a ${rows} x ${columns} matrix compressed by ${compressed} needs ${major} + 1${hint}`,
    );
  }
  const ends: [number, number][] = [
    [0, 0],
    [major, nnz],
  ];
  for (const [at, expected] of ends) {
    const value = Number((await indptr.readRange(at, at + 1, signal))[0]);
    if (value !== expected)
      throw new DataError(
        indptr.where,
        `position ${at} is ${value}; index pointers start at 0 and end at the number of entries (${nnz}, the length of data)`,
      );
  }
  return nnz;
}

/** The reported metadata: shape, data dtype, names and a dense read unit along the first axis. */
function metadataOf(shape: [number, number], dtype: DType, names: string[], majorAxis: 0 | 1) {
  const rowBytes = Math.max(1, shape[1] * bytesPerElement(dtype));
  const unit = Math.max(1, Math.min(shape[0], Math.round(READ_UNIT_BYTES / rowBytes)));
  const metadata: ArrayMetadata = {
    shape: Object.freeze([...shape]),
    dtype,
    dimensionNames: Object.freeze(names),
    chunkShape: Object.freeze([unit, Math.max(1, shape[1])]),
    codec: majorAxis === 0 ? "csr" : "csc",
    fillValue: isBigIntDType(dtype) ? 0n : 0,
  };
  return Object.freeze(metadata);
}

/** A `readInto` target of the matrix's dtype with room for `size` elements at `offset`. */
function checkTarget(
  where: string,
  dtype: DType,
  target: TypedArray,
  offset: number,
  size: number,
) {
  if (!matchesDType(target, dtype))
    throw new ArgumentError(
      "readInto",
      "target",
      `${where}: target is a ${target.constructor.name}, the matrix holds ${dtype}`,
    );
  if (!Number.isInteger(offset) || offset < 0 || offset + size > target.length)
    throw new ArgumentError(
      "readInto",
      "offset",
      `${where}: ${size} elements at ${offset} do not fit a target of ${target.length}`,
    );
}

/** How the reported matrix is read: its source, metadata and details. */
function describe(
  vectors: SparseVectors,
  storedShape: [number, number],
  layout: SparseLayout,
  name: string,
  nnz: number,
) {
  const transposed = layout.transpose === true;
  const majorAxis: 0 | 1 = (layout.compressed === "rows") !== transposed ? 0 : 1;
  const shape: [number, number] = transposed ? [storedShape[1], storedShape[0]] : storedShape;
  const names = axisNames(layout.dimensionNames, name);
  const source: SparseSource = { ...vectors, nnz, majorAxis, shape };
  const sparse: SparseDetails = Object.freeze({
    name,
    compressed: layout.compressed,
    storedShape: Object.freeze(storedShape),
    transposed,
    compressedAxis: majorAxis,
    nnz,
    indexDType: vectors.indices.dtype,
    pointerDType: vectors.indptr.dtype,
  });
  return {
    source,
    sparse,
    names,
    metadata: metadataOf(shape, vectors.data.dtype, names, majorAxis),
  };
}

/**
 * The sparse matrix of `vectors` as a {@link SparseArray}, after checking them against the
 * stored shape and layout; `close` releases what the vectors read from (once).
 */
export async function sparseArrayOf(
  vectors: SparseVectors,
  storedShape: [number, number],
  layout: SparseLayout,
  name: string,
  close: () => void = () => {},
): Promise<SparseArray> {
  const nnz = await checkMembers(vectors, storedShape, layout.compressed, layout.signal);
  const { source, sparse, names, metadata } = describe(vectors, storedShape, layout, name, nnz);
  const { dtype } = metadata;
  const resolve = (selection: readonly AxisSelection[]) => {
    const [rows, columns] = resolveSelection(metadata.shape, selection, names);
    return [rows!, columns!] as [Int32Array, Int32Array];
  };
  const array: SparseArray = {
    metadata,
    sparse,
    read: async (selection, options: IOOptions = {}) => {
      options.signal?.throwIfAborted();
      const positions = resolve(selection);
      const out = allocate(dtype, positions[0].length * positions[1].length);
      return holding(
        array,
        readSparse(source, positions, out, 0, options.signal).then(() => out),
      );
    },
    readInto: async (selection, target, offset, options: IOOptions = {}) => {
      options.signal?.throwIfAborted();
      const positions = resolve(selection);
      const size = positions[0].length * positions[1].length;
      checkTarget(name, dtype, target, offset, size);
      (target as Float64Array).fill(
        isBigIntDType(dtype) ? (0n as never) : 0,
        offset,
        offset + size,
      );
      return holding(array, readSparse(source, positions, target, offset, options.signal));
    },
    close: () => {
      forget(array);
      close();
    },
  };
  closeWhenCollected(array, close);
  return array;
}

/**
 * Opens a compressed sparse matrix stored as three one-dimensional arrays of any array store
 * (HDF5 datasets, Zarr arrays, memory) as a read-only stored array whose reads return dense
 * blocks. `compressed` says how it is stored (never guessed); `transpose` reports it transposed.
 * Nothing is read at opening but the first and last index pointers; a read of positions along
 * the compressed axis reads their index pointers and entries only, a read along the other axis
 * alone scans every entry in pieces of at most a million. Errors name `name` and the member:
 * lengths that disagree with the shape or each other, index pointers that do not start at 0 or
 * end at the number of entries (at opening), or that decrease or indices out of range (when read),
 * are DataErrors.
 *
 * @example
 * ```ts
 * import { openSparseArray } from "@tt/store-hdf5";
 * import { zarrStore } from "@tt/store-zarr";
 * const open = (member: string) => zarrStore.open(store, `X/${member}`);
 * const matrix = await openSparseArray(
 *   { data: await open("data"), indices: await open("indices"), indptr: await open("indptr") },
 *   { compressed: "rows", shape: [100_000, 10_000], name: "X", dimensionNames: ["cell", "gene"] },
 * );
 * const rows = await matrix.read([[3, 17, 99_999], null]); // 3 x 10000, dense
 * ```
 */
export async function openSparseArray(
  members: SparseMembers,
  options: SparseArrayOptions,
): Promise<SparseArray> {
  options.signal?.throwIfAborted();
  const name = options.name ?? "sparse matrix";
  checkLayout(options, "openSparseArray");
  const shape = checkShape(options.shape, "openSparseArray");
  const vectors = {
    data: vectorOfArray(members.data, `${name}/data`),
    indices: vectorOfArray(members.indices, `${name}/indices`),
    indptr: vectorOfArray(members.indptr, `${name}/indptr`),
  };
  return sparseArrayOf(vectors, shape, options, name);
}
