/**
 * The parts of a sparse matrix group in an HDF5 file: its member datasets read a range at a
 * time, its shape (a `shape` dataset as 10X writes, or a `shape` attribute as anndata and
 * h5sparse write), its declared encoding, and the sparse matrices a file holds, for messages.
 */

import {
  DataError,
  type DType,
  isTensorToolsError,
  NotFoundError,
  type TypedArray,
  typedArrayConstructor,
} from "@tt/schema";
import { describeDataset } from "./dataset-info.js";
import { hdf5Call, hdf5Reason } from "./h5wasm.js";
import type { OpenFile } from "./hdf5-file.js";
import type { CompressedAxis } from "./sparse-layout.js";
import type { SparseVector } from "./sparse-vectors.js";

/** Type codes of `get_type` (HDF5's H5G_obj_t). */
export const OBJECT = { missing: -1, group: 0, dataset: 1 };

/** The encodings a group's attributes may declare, by attribute: anndata's and h5sparse's. */
const ENCODINGS: Record<string, Record<string, CompressedAxis>> = {
  "encoding-type": { csr_matrix: "rows", csc_matrix: "columns" },
  h5sparse_format: { csr: "rows", csc: "columns" },
};

/** Reads `count` elements from `start` of the dataset `path` into a new typed array. */
function readRange(file: OpenFile, path: string, dtype: DType, itemSize: number) {
  const Element = typedArrayConstructor(dtype);
  const where = `${file.name}:${path}`;
  return (start: number, stop: number, into?: TypedArray): TypedArray => {
    const count = stop - start;
    const out = into?.subarray(0, count) ?? new Element(count);
    if (count === 0) return out;
    const { module, fileId } = file;
    const pointer = module._malloc(count * itemSize);
    if (pointer === 0) throw new DataError(where, `no WebAssembly memory for ${count} elements`);
    try {
      const status = hdf5Call(module, () =>
        module.get_dataset_data(
          fileId,
          path,
          [BigInt(count)],
          [BigInt(start)],
          [1n],
          BigInt(pointer),
        ),
      );
      if (status < 0) throw new DataError(where, `HDF5 read failed with status ${status}`);
      // The memory may have grown during the read: take its buffer afresh.
      out.set(new Element(module.HEAPU8.buffer, pointer, count) as never);
    } catch (error) {
      if (isTensorToolsError(error)) throw error;
      throw new DataError(where, `HDF5 cannot read it: ${hdf5Reason(error)}`, { cause: error });
    } finally {
      module._free(pointer);
    }
    return out;
  };
}

/** The one-dimensional dataset `path` of `file` as a {@link SparseVector}. */
export function hdf5Vector(file: OpenFile, path: string): SparseVector {
  const info = describeDataset(file, path);
  const where = `${file.name}:${path}`;
  if (info.shape.length !== 1)
    throw new DataError(
      where,
      `has shape [${info.shape.join(", ")}]; a member of a sparse matrix is one-dimensional`,
    );
  const read = readRange(file, path, info.dtype, info.itemSize);
  return {
    where,
    length: info.shape[0]!,
    dtype: info.dtype,
    readRange: async (start, stop, signal, into) => {
      signal?.throwIfAborted();
      return read(start, stop, into);
    },
  };
}

/** The names of the objects directly under `group`. */
export function membersOf(file: OpenFile, group: string): string[] {
  return hdf5Call(file.module, () => file.module.get_names(file.fileId, group, false));
}

/** The attribute `name` of the object at `path`, or undefined. */
export function attributeOf(file: OpenFile, path: string, name: string): unknown {
  const { module, fileId, h5 } = file;
  if (!module.get_attribute_names(fileId, path).includes(name)) return undefined;
  return new h5.classes.Group(fileId, path).get_attribute(name, false);
}

/** The groups of the file that hold an `indptr` dataset: its sparse matrices, for messages. */
export function sparseGroups(file: OpenFile, indptr: string): string[] {
  const { module, fileId } = file;
  const names = hdf5Call(module, () => module.get_names(fileId, "/", true));
  return names
    .filter((name) => name === indptr || name.endsWith(`/${indptr}`))
    .filter((name) => module.get_type(fileId, `/${name}`) === OBJECT.dataset)
    .map((name) => `/${name.slice(0, -indptr.length)}`.replace(/(.)\/$/, "$1"));
}

/**
 * The layout a group's attributes declare (`encoding-type` csr_matrix/csc_matrix, h5sparse's
 * `h5sparse_format` csr/csc), or undefined when it declares none.
 */
export function declaredLayout(
  file: OpenFile,
  group: string,
): { attribute: string; value: string; compressed: CompressedAxis | undefined } | undefined {
  for (const [attribute, values] of Object.entries(ENCODINGS)) {
    const value = attributeOf(file, group, attribute);
    if (typeof value === "string") return { attribute, value, compressed: values[value] };
  }
  return undefined;
}

/** Integers of a dataset or attribute as numbers, or undefined if they are not integers. */
function integers(value: unknown): number[] | undefined {
  if (value === null || typeof value !== "object" || !("length" in (value as object)))
    return undefined;
  const numbers = Array.from(value as ArrayLike<number | bigint>, (v) => Number(v));
  return numbers.every(Number.isSafeInteger) ? numbers : undefined;
}

/**
 * The stored shape of the matrix at `group`: its `shape` dataset (10X) or `shape` attribute
 * (anndata, h5sparse); `undefined` when it has neither. A shape that is not two lengths is a
 * DataError naming where it was read.
 */
export function storedShapeOf(file: OpenFile, group: string): number[] | undefined {
  const member = `${group === "/" ? "" : group}/shape`;
  const { module, fileId } = file;
  let value: unknown;
  let where: string;
  if (module.get_type(fileId, member) === OBJECT.dataset) {
    const info = describeDataset(file, member);
    value = readRange(file, member, info.dtype, info.itemSize)(0, info.shape[0] ?? 0);
    where = `${file.name}:${member}`;
  } else {
    value = attributeOf(file, group, "shape");
    if (value === undefined) return undefined;
    where = `${file.name}:${group} attribute shape`;
  }
  const shape = integers(value);
  if (shape === undefined || shape.length !== 2 || shape.some((n) => n < 0))
    throw new DataError(where, `is ${String(value)}; a sparse matrix's shape is two lengths`);
  return shape;
}

/** The NotFoundError of a member missing from `group`, listing what the group holds. */
export function missingMember(file: OpenFile, group: string, member: string): NotFoundError {
  const where = `${file.name}:${group === "/" ? "" : group}/${member}`;
  const present = membersOf(file, group);
  return new NotFoundError(
    where,
    `${where}: a compressed sparse matrix needs '${member}' beside data, indices and indptr; the group holds: ${present.join(", ") || "nothing"}`,
    { available: present },
  );
}
