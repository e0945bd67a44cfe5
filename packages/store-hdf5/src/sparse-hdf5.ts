/** Opening a compressed sparse matrix group of an HDF5 file (10X, anndata's h5ad, h5sparse). */

import { ArgumentError, DataError, NotFoundError } from "@tt/schema";
import { absolutePath } from "./dataset-info.js";
import { type Hdf5Input, sourceOf } from "./hdf5-array.js";
import { type OpenFile, openSource } from "./hdf5-file.js";
import { sparseArrayOf } from "./sparse-array.js";
import {
  declaredLayout,
  hdf5Vector,
  membersOf,
  missingMember,
  OBJECT,
  sparseGroups,
  storedShapeOf,
} from "./sparse-hdf5-members.js";
import { checkLayout, checkShape, type SparseArray, type SparseLayout } from "./sparse-layout.js";

/**
 * Options of {@link openHdf5Sparse}: the layout (`compressed` is required), and what the group
 * does not say itself.
 *
 * @example
 * ```ts
 * // A 10X matrix: genes x cells compressed by columns, reported cells first.
 * const options: OpenHdf5SparseOptions = { compressed: "columns", transpose: true, dimensionNames: ["cell", "gene"] };
 * ```
 */
export interface OpenHdf5SparseOptions extends SparseLayout {
  /**
   * The stored shape `[rows, columns]`, for a group with neither a `shape` dataset nor a `shape`
   * attribute; when the group has one, the two must agree.
   */
  shape?: readonly number[];
  /** Member names other than `data`, `indices` and `indptr` (MATLAB's `ir`, `jc`, for example). */
  members?: { data?: string; indices?: string; indptr?: string };
}

/** Where the members of the matrix are, by role. */
function memberNames(options: OpenHdf5SparseOptions) {
  return {
    data: options.members?.data ?? "data",
    indices: options.members?.indices ?? "indices",
    indptr: options.members?.indptr ?? "indptr",
  };
}

/** The error for a path that holds no sparse matrix, listing the sparse matrices of the file. */
function notSparse(file: OpenFile, group: string, indptr: string, what: string): NotFoundError {
  const where = `${file.name}:${group}`;
  const found = sparseGroups(file, indptr);
  return new NotFoundError(
    where,
    `${where} ${what}, not a compressed sparse matrix (a group of data, indices and ${indptr}); the file's sparse matrices: ${found.join(", ") || "none"}`,
    { available: found },
  );
}

/** Checks that `group` is a sparse matrix group: it exists, is a group, and has every member. */
function checkGroup(file: OpenFile, group: string, names: ReturnType<typeof memberNames>): void {
  const type = file.module.get_type(file.fileId, group);
  if (type === OBJECT.missing) throw notSparse(file, group, names.indptr, "does not exist");
  if (type === OBJECT.dataset)
    throw notSparse(
      file,
      group,
      names.indptr,
      "is a dataset (open a dense one with openHdf5Array)",
    );
  if (type !== OBJECT.group) throw notSparse(file, group, names.indptr, "is no group");
  const present = membersOf(file, group);
  const roles = Object.values(names);
  if (!roles.some((name) => present.includes(name)))
    throw notSparse(file, group, names.indptr, `is a group of ${present.join(", ") || "nothing"}`);
  for (const name of roles) if (!present.includes(name)) throw missingMember(file, group, name);
}

/** The encoding the group declares must be the one the caller gave. */
function checkDeclared(file: OpenFile, group: string, options: OpenHdf5SparseOptions): void {
  const declared = declaredLayout(file, group);
  if (declared === undefined) return;
  const where = `${file.name}:${group}`;
  if (declared.compressed === undefined)
    throw notSparse(
      file,
      group,
      memberNames(options).indptr,
      `declares ${declared.attribute} '${declared.value}'`,
    );
  if (declared.compressed !== options.compressed)
    throw new ArgumentError(
      "openHdf5Sparse",
      "compressed",
      `${where} declares ${declared.attribute} '${declared.value}' (compressed by ${declared.compressed}), but compressed: "${options.compressed}" was given`,
    );
}

/** The stored shape: the group's, the caller's, and both equal when both are given. */
function shapeOf(file: OpenFile, group: string, given: readonly number[] | undefined): number[] {
  if (given !== undefined) checkShape(given, "openHdf5Sparse");
  const stored = storedShapeOf(file, group);
  const where = `${file.name}:${group}`;
  if (stored === undefined && given === undefined)
    throw new NotFoundError(
      `${where}/shape`,
      `${where} has no shape: neither a 'shape' dataset (10X) nor a 'shape' attribute (anndata, h5sparse); pass shape: [rows, columns]`,
    );
  if (stored !== undefined && given !== undefined && stored.join() !== given.join())
    throw new DataError(
      where,
      `the file gives shape [${stored.join(", ")}] but shape: [${given.join(", ")}] was passed`,
    );
  return [...(stored ?? given!)];
}

/**
 * Opens the compressed sparse matrix stored in `group` of an HDF5 file (`data`, `indices`,
 * `indptr` and a shape) as a read-only stored array whose reads return dense blocks: 10X's
 * `/matrix` (genes x cells, compressed by columns: pass `transpose: true` to report cells
 * first), anndata's `X` or a layer (`encoding-type` csr_matrix or csc_matrix, checked against
 * `compressed`), h5sparse's groups. `compressed` is required and never guessed. The file is
 * opened once (in place, by path, on Node) and closed by `close()` or when the array is
 * garbage-collected. Errors name the file and the group: a path that is no sparse matrix or a
 * missing member or shape is a NotFoundError (listing the file's sparse matrices or the group's
 * members); members that disagree with the shape or each other are DataErrors.
 *
 * @example
 * ```ts
 * import { openHdf5Sparse } from "@tt/store-hdf5";
 * const cells = await openHdf5Sparse("filtered_feature_bc_matrix.h5", "/matrix", {
 *   compressed: "columns",
 *   transpose: true,
 *   dimensionNames: ["cell", "gene"],
 * });
 * cells.metadata.shape; // [n_cells, n_genes]
 * const block = await cells.read([{ start: 0, stop: 512 }, null]); // 512 cells, dense
 * const adata = await openHdf5Sparse("adata.h5ad", "/X", { compressed: "rows" });
 * cells.close();
 * adata.close();
 * ```
 */
export async function openHdf5Sparse(
  file: Hdf5Input,
  group: string,
  options: OpenHdf5SparseOptions,
): Promise<SparseArray> {
  options.signal?.throwIfAborted();
  checkLayout(options, "openHdf5Sparse");
  const path = absolutePath(group);
  const source = await sourceOf(file);
  const opened = await openSource(source, `${source.name}:${path}`);
  try {
    const names = memberNames(options);
    checkGroup(opened, path, names);
    checkDeclared(opened, path, options);
    const shape = shapeOf(opened, path, options.shape);
    const prefix = path === "/" ? "" : path;
    const vectors = {
      data: hdf5Vector(opened, `${prefix}/${names.data}`),
      indices: hdf5Vector(opened, `${prefix}/${names.indices}`),
      indptr: hdf5Vector(opened, `${prefix}/${names.indptr}`),
    };
    return await sparseArrayOf(
      vectors,
      shape as [number, number],
      options,
      `${opened.name}:${path}`,
      () => opened.close(),
    );
  } catch (error) {
    opened.close();
    throw error;
  }
}
