/** Sparse matrices for the tests: random ones with a dense copy, in memory arrays or HDF5 bytes. */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  type ArrayMetadata,
  type DType,
  gather,
  type StoredArray,
  type TypedArray,
} from "@tt/schema";
import { loadH5wasm } from "../src/h5wasm.js";
import { memoryFile } from "../src/mount.js";
import type { CompressedAxis } from "../src/sparse-layout.js";

/** The folder of the sparse fixtures. */
export const SPARSE_FIXTURES = resolve(import.meta.dirname, "../../../fixtures/hdf5-sparse");

/** A fixture file's path. */
export const sparseFixture = (name: string) => resolve(SPARSE_FIXTURES, name);

/** One matrix of expected.json: what scipy.sparse's `toarray()` makes of it. */
export interface ExpectedMatrix {
  file: string;
  group: string;
  compressed: CompressedAxis;
  shape: [number, number];
  dtype: DType;
  indices_dtype: DType;
  indptr_dtype: DType;
  nnz: number;
  values: number[];
}

/** expected.json, as scripts/make_sparse_fixtures.py wrote it. */
export const expectedSparse = JSON.parse(readFileSync(sparseFixture("expected.json"), "utf8")) as {
  matrices: ExpectedMatrix[];
  bad: string[];
  scipy_version: string;
};

/** The members of a compressed sparse matrix and its dense copy (C order, duplicates summed). */
export interface SparseParts {
  shape: [number, number];
  compressed: CompressedAxis;
  data: TypedArray;
  indices: TypedArray;
  indptr: TypedArray;
  dense: Float64Array;
}

/** A seeded generator of floats in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** How {@link randomSparse} builds its matrix. */
export interface RandomSparseOptions {
  shape: [number, number];
  compressed: CompressedAxis;
  fill: number;
  seed: number;
  dtype?: DType;
  indexDType?: DType;
  pointerDType?: DType;
  /** Shuffle each vector's indices and repeat some (scipy sums repeats). */
  messy?: boolean;
}

function typed(dtype: DType, values: readonly number[]): TypedArray {
  if (dtype === "int64") return BigInt64Array.from(values, (v) => BigInt(v));
  if (dtype === "uint64") return BigUint64Array.from(values, (v) => BigInt(v));
  const Constructor = {
    float32: Float32Array,
    float64: Float64Array,
    int8: Int8Array,
    int16: Int16Array,
    int32: Int32Array,
    uint8: Uint8Array,
    uint16: Uint16Array,
    uint32: Uint32Array,
  }[dtype as "float32"];
  return Constructor.from(values);
}

/** Shuffles `entries` in place and repeats some of them (for messy vectors). */
function messUp(entries: [number, number][], next: () => number): void {
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  if (entries.length > 0 && next() < 0.5) entries.push([entries[0]![0], 3]);
}

/** A random sparse matrix (values small integers or halves, exact in every dtype) and its dense copy. */
export function randomSparse(options: RandomSparseOptions): SparseParts {
  const { shape, compressed, fill, seed } = options;
  const next = random(seed);
  const [major, minor] = compressed === "rows" ? shape : [shape[1], shape[0]];
  const dense = new Float64Array(shape[0] * shape[1]);
  const data: number[] = [];
  const indices: number[] = [];
  const indptr = [0];
  const integer = !(options.dtype ?? "float32").startsWith("float");
  for (let m = 0; m < major; m++) {
    const entries: [number, number][] = [];
    for (let k = 0; k < minor; k++)
      if (next() < fill) entries.push([k, Math.floor(next() * 40) / (integer ? 1 : 2) + 1]);
    if (options.messy) messUp(entries, next);
    for (const [k, value] of entries) {
      indices.push(k);
      data.push(value);
      dense[compressed === "rows" ? m * shape[1] + k : k * shape[1] + m]! += value;
    }
    indptr.push(indices.length);
  }
  return {
    shape,
    compressed,
    data: typed(options.dtype ?? "float32", data),
    indices: typed(options.indexDType ?? "int32", indices),
    indptr: typed(options.pointerDType ?? "int32", indptr),
    dense,
  };
}

/** A one-dimensional stored array over `values`, in memory. */
export function vectorArray(values: TypedArray, dtype: DType): StoredArray {
  const metadata: ArrayMetadata = {
    shape: [values.length],
    dtype,
    dimensionNames: ["entry"],
    chunkShape: [Math.max(1, values.length)],
    codec: "none",
    fillValue: 0,
  };
  return { metadata, read: async (selection) => gather(values, [values.length], selection) };
}

/** h5wasm's codes of the dtypes the helpers write. */
const H5_DTYPES: Partial<Record<DType, string>> = {
  float32: "<f",
  float64: "<d",
  int32: "<i",
  int64: "<q",
  uint32: "<I",
  uint8: "<B",
};

/** A group of an HDF5 file written by {@link hdf5Bytes}. */
export interface GroupSpec {
  path: string;
  members: Record<string, { values: TypedArray; dtype: DType }>;
  attrs?: Record<string, string | number[]>;
}

/** The bytes of an HDF5 file holding `groups`, written by h5wasm in memory. */
export async function hdf5Bytes(groups: readonly GroupSpec[]): Promise<Uint8Array> {
  const h5 = await loadH5wasm();
  const memory = memoryFile(h5.module);
  const file = new h5.classes.File(memory.path, "w");
  for (const { path, members, attrs } of groups) {
    const group = path === "/" ? file : file.create_group(path.replace(/^\//, ""));
    for (const [name, { values, dtype }] of Object.entries(members))
      group.create_dataset({
        name,
        data: values as Float32Array,
        shape: [values.length],
        dtype: H5_DTYPES[dtype]!,
      });
    for (const [name, value] of Object.entries(attrs ?? {}))
      group.create_attribute(
        name,
        typeof value === "string" ? value : BigInt64Array.from(value, BigInt),
      );
  }
  file.close();
  const bytes = memory.read();
  memory.unmount();
  return bytes;
}

/** The members of `parts` as a group spec (shape as an attribute, as anndata writes it). */
export function groupOf(path: string, parts: SparseParts, encoding = true): GroupSpec {
  const kind = parts.compressed === "rows" ? "csr_matrix" : "csc_matrix";
  const member = (values: TypedArray) => ({ values, dtype: dtypeName(values) });
  return {
    path,
    members: {
      data: member(parts.data),
      indices: member(parts.indices),
      indptr: member(parts.indptr),
    },
    attrs: { ...(encoding ? { "encoding-type": kind } : {}), shape: [...parts.shape] },
  };
}

function dtypeName(values: TypedArray): DType {
  if (values instanceof Float32Array) return "float32";
  if (values instanceof Float64Array) return "float64";
  if (values instanceof Int32Array) return "int32";
  if (values instanceof BigInt64Array) return "int64";
  if (values instanceof Uint32Array) return "uint32";
  return "uint8";
}

/** The transpose of a C-order `rows` x `columns` matrix. */
export function transposed(values: ArrayLike<number>, rows: number, columns: number): number[] {
  const out = new Array<number>(rows * columns);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c]!;
  return out;
}

/** A typed array's elements as numbers. */
export const numbers = (values: TypedArray): number[] =>
  Array.from(values as ArrayLike<number>, Number);
