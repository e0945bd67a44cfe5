/**
 * How a compressed sparse matrix is stored and reported: the layout the caller gives, the
 * options of opening one, and what an open one is; checks of what the caller gives.
 */

import { ArgumentError, type DType, type StoredArray } from "@tt/schema";

/**
 * The axis of the stored matrix its index pointers run along: `"rows"` (CSR: `indptr` has one
 * entry per row plus one, `indices` are column numbers) or `"columns"` (CSC: one per column plus
 * one, `indices` are row numbers). 10X stores genes x cells by columns; h5ad's `X` is
 * `csr_matrix` or `csc_matrix`, as its `encoding-type` says.
 *
 * @example
 * ```ts
 * const byCells: CompressedAxis = "columns"; // a 10X matrix: one indptr entry per cell
 * ```
 */
export type CompressedAxis = "rows" | "columns";

/**
 * How a sparse matrix is stored and reported. `compressed` is always given by the caller (as
 * Bioconductor's HDF5Array requires): it is never guessed from the lengths.
 *
 * @example
 * ```ts
 * // A 10X matrix (genes x cells, compressed by columns) reported cells first.
 * const layout: SparseLayout = { compressed: "columns", transpose: true, dimensionNames: ["cell", "gene"] };
 * ```
 */
export interface SparseLayout {
  /** The stored axis the index pointers run along. */
  compressed: CompressedAxis;
  /**
   * Report the transpose of the stored matrix: a 10X file stores genes x cells, and
   * `transpose: true` makes cells the first (instance) axis. Default false: the stored order.
   */
  transpose?: boolean;
  /** Names of the two reported axes; `dim_0`, `dim_1` when omitted. */
  dimensionNames?: readonly string[];
  /** Stops the opening. */
  signal?: AbortSignal;
}

/**
 * Options of {@link openSparseArray}: the layout, the stored shape and a name for messages.
 *
 * @example
 * ```ts
 * const options: SparseArrayOptions = { compressed: "rows", shape: [100_000, 10_000], name: "X.zarr" };
 * ```
 */
export interface SparseArrayOptions extends SparseLayout {
  /** The stored matrix's shape, `[rows, columns]` as scipy reports it. */
  shape: readonly number[];
  /** Names the matrix in messages (its members are `name/data`, `name/indices`, `name/indptr`). */
  name?: string;
}

/**
 * The three one-dimensional arrays of a compressed sparse matrix, from any array store.
 *
 * @example
 * ```ts
 * const members: SparseMembers = {
 *   data: await zarrStore.open(store, "X/data"),
 *   indices: await zarrStore.open(store, "X/indices"),
 *   indptr: await zarrStore.open(store, "X/indptr"),
 * };
 * ```
 */
export interface SparseMembers {
  /** The stored values, one per entry. */
  readonly data: StoredArray;
  /** The minor position of each entry: column numbers (CSR) or row numbers (CSC). */
  readonly indices: StoredArray;
  /** Where each compressed vector's entries start, plus the number of entries at the end. */
  readonly indptr: StoredArray;
}

/**
 * What a {@link SparseArray} is beyond its metadata.
 *
 * @example
 * ```ts
 * const { sparse } = await openHdf5Sparse("pbmc.h5", "/matrix", { compressed: "columns", transpose: true });
 * sparse.compressedAxis; // 0: reading cells (rows) reads only their entries
 * sparse.nnz / (sparse.storedShape[0] * sparse.storedShape[1]); // the fill
 * ```
 */
export interface SparseDetails {
  /** The matrix as messages name it (`file.h5:/matrix`). */
  readonly name: string;
  readonly compressed: CompressedAxis;
  /** The shape as stored, before any transpose. */
  readonly storedShape: readonly [number, number];
  readonly transposed: boolean;
  /**
   * The reported axis whose slabs are cheap to read: reading positions along it reads only their
   * entries; reading positions along the other axis alone scans every entry, in bounded pieces.
   */
  readonly compressedAxis: 0 | 1;
  /** Number of stored entries (explicit zeros and duplicates included). */
  readonly nnz: number;
  /** Element types of `indices` and `indptr`. */
  readonly indexDType: DType;
  readonly pointerDType: DType;
}

/**
 * A compressed sparse matrix open for reading: a `StoredArray` of the data's dtype whose reads
 * return dense blocks (duplicates summed, as scipy's `toarray`).
 *
 * @example
 * ```ts
 * const matrix: SparseArray = await openHdf5Sparse("adata.h5ad", "/X", { compressed: "rows" });
 * const block = await matrix.read([{ start: 0, stop: 1000 }, null]); // 1000 dense rows
 * matrix.close();
 * ```
 */
export interface SparseArray extends StoredArray {
  readonly sparse: SparseDetails;
  /** Closes the file the matrix was read from, if the array opened it; reads fail after. */
  close(): void;
}

/** The reported axis names: given (two distinct), else dim_0 and dim_1. */
export function axisNames(given: readonly string[] | undefined, where: string): string[] {
  if (given === undefined) return ["dim_0", "dim_1"];
  if (given.length !== 2 || given[0] === given[1] || !given.every((n) => typeof n === "string"))
    throw new ArgumentError(
      where,
      "dimensionNames",
      `two distinct axis names are needed, got [${given.join(", ")}]`,
    );
  return [...given];
}

/** Checks that the caller named `compressed`: the layout is never guessed. */
export function checkLayout(layout: SparseLayout, where: string): void {
  if (layout.compressed !== "rows" && layout.compressed !== "columns")
    throw new ArgumentError(
      where,
      "compressed",
      `say which stored axis the index pointers run along: compressed: "rows" (CSR) or "columns" (CSC); got ${JSON.stringify(layout.compressed)}`,
    );
}

/** The shape the caller gave, checked to be two lengths. */
export function checkShape(shape: readonly number[], where: string): [number, number] {
  if (shape.length !== 2 || !shape.every((n) => Number.isSafeInteger(n) && n >= 0))
    throw new ArgumentError(
      where,
      "shape",
      `a sparse matrix has a shape of two lengths, got [${shape.join(", ")}]`,
    );
  return [shape[0]!, shape[1]!];
}
