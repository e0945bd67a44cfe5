/**
 * One-dimensional HDF5 datasets as the columns of a metadata table: the barcodes and features of
 * a 10X matrix, the `obs`/`var` columns of an h5ad file, any per-element vector of an HDF5 file,
 * so that a matrix read in place gets its ids and metadata from the same file.
 */

import {
  type AnyColumn,
  columnFromCells,
  columnFromValues,
  DataError,
  type DType,
  isFloatDType,
  MetaTable,
  UnsupportedError,
} from "@tt/schema";
import { absolutePath, describeDataset } from "./dataset-info.js";
import { hdf5Call, hdf5Reason } from "./h5wasm.js";
import { type Hdf5Input, sourceOf } from "./hdf5-array.js";
import { type OpenFile, openSource } from "./hdf5-file.js";

/** HDF5's string type class (`H5T_STRING`) in h5wasm's metadata. */
const STRING_CLASS = 3;

/** The column types of numeric dtypes (bool included). */
function columnType(dtype: DType): "int32" | "int64" | "float64" | "boolean" {
  if (dtype === "bool") return "boolean";
  if (dtype === "int64" || dtype === "uint64") return "int64";
  if (isFloatDType(dtype)) return "float64";
  return dtype === "uint32" ? "int64" : "int32";
}

/** The values of a numeric or bool vector as a column, exactly (uint64 beyond int64 refused). */
function numericColumn(file: OpenFile, path: string, where: string): AnyColumn {
  const info = describeDataset(file, path);
  const dataset = new file.h5.classes.Dataset(file.fileId, info.path);
  const values = hdf5Call(file.module, () => dataset.value) as ArrayLike<unknown>;
  const type = columnType(info.dtype);
  if (info.dtype === "uint64")
    for (let row = 0; row < values.length; row++)
      if ((values[row] as bigint) > 0x7fffffffffffffffn)
        throw new DataError(
          `${where}[${row}]`,
          `${values[row]} is beyond int64, the widest integer column`,
        );
  if (type === "boolean")
    return columnFromCells(
      type,
      Array.from(values, (v) => v === 1 || v === true),
    );
  if (type === "int64")
    return columnFromCells(
      type,
      Array.from(values, (v) => BigInt(v as number | bigint)),
    );
  return type === "int32"
    ? columnFromCells("int32", Array.from(values, Number))
    : columnFromCells("float64", Array.from(values, Number));
}

/** A string vector as a string column (fixed-length strings lose their padding, as h5py's do). */
function stringColumn(file: OpenFile, path: string): AnyColumn {
  const dataset = new file.h5.classes.Dataset(file.fileId, path);
  const values = hdf5Call(file.module, () => dataset.value) as ArrayLike<unknown>;
  const strings = Array.from(values, (v) => (typeof v === "string" ? v : String(v)));
  return columnFromValues("string", strings);
}

/** The column at `path` of `file`, checked to be one-dimensional. */
function readColumn(file: OpenFile, path: string): { column: AnyColumn; length: number } {
  const absolute = absolutePath(path);
  const where = `${file.name}:${absolute}`;
  const { module, fileId } = file;
  if (module.get_type(fileId, absolute) !== 1) describeDataset(file, absolute); // throws its error
  let metadata: ReturnType<typeof module.get_dataset_metadata>;
  try {
    metadata = module.get_dataset_metadata(fileId, absolute);
  } catch (error) {
    throw new DataError(where, `HDF5 cannot describe it: ${hdf5Reason(error)}`, { cause: error });
  }
  const shape = (metadata.shape ?? []).map(Number);
  if (shape.length !== 1)
    throw new DataError(
      where,
      `a metadata column must be one-dimensional; the dataset has shape [${shape.join(", ")}]`,
    );
  if (metadata.type === STRING_CLASS)
    return { column: stringColumn(file, absolute), length: shape[0]! };
  try {
    return { column: numericColumn(file, absolute, where), length: shape[0]! };
  } catch (error) {
    if (error instanceof UnsupportedError)
      throw new UnsupportedError(
        error.feature,
        `${error.message}; metadata columns also take strings`,
        { cause: error },
      );
    throw error;
  }
}

/**
 * Reads one-dimensional datasets of an HDF5 file as the columns of a metadata table, by column
 * name: strings (fixed-length or variable-length, ASCII or UTF-8) become string columns, integers
 * int32 or int64 columns, floats float64 columns, h5py's bools boolean columns. Every dataset must
 * have the same length. A path that is no dataset, a dataset of more than one dimension, a type
 * no column holds (compound, vlen sequences) or datasets of different lengths is a typed error
 * naming the file and the path. The file is opened for the call and closed after it.
 *
 * @example
 * ```ts
 * import { openHdf5Sparse, readHdf5Columns, storedDatasetOf } from "@tt/store-hdf5";
 * import { createDataset } from "@tt/query";
 *
 * // A 10X matrix: cells x genes, with its barcodes and gene ids from the same file.
 * const matrix = await openHdf5Sparse("filtered_feature_bc_matrix.h5", "/matrix", {
 *   compressed: "columns", transpose: true, dimensionNames: ["cell", "gene"],
 * });
 * const cells = await readHdf5Columns("filtered_feature_bc_matrix.h5", { barcode: "/matrix/barcodes" });
 * const genes = await readHdf5Columns("filtered_feature_bc_matrix.h5", {
 *   gene_id: "/matrix/features/id", gene_name: "/matrix/features/name",
 * });
 * const dataset = createDataset(storedDatasetOf(matrix, {
 *   axisMeta: { cell: cells, gene: genes },
 *   axisIndexColumns: { cell: "barcode", gene: "gene_id" },
 * }));
 * ```
 */
export async function readHdf5Columns(
  file: Hdf5Input,
  columns: Readonly<Record<string, string>>,
): Promise<MetaTable> {
  const names = Object.keys(columns);
  const source = await sourceOf(file);
  const name = typeof file === "string" ? file : "the HDF5 file";
  const open = await openSource(source, `${name}:${Object.values(columns)[0] ?? "/"}`);
  try {
    const read: Record<string, AnyColumn> = {};
    let first: { path: string; length: number } | undefined;
    for (const column of names) {
      const path = columns[column]!;
      const { column: values, length } = readColumn(open, path);
      if (first !== undefined && length !== first.length)
        throw new DataError(
          `${open.name}:${absolutePath(path)}`,
          `has ${length} elements where ${first.path} (column '${names[0]}') has ${first.length}; the columns of one table must have the same length`,
        );
      first ??= { path: absolutePath(path), length };
      read[column] = values;
    }
    return MetaTable.fromColumns(read);
  } finally {
    open.close();
  }
}
