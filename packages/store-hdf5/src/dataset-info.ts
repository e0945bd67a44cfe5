/** Finding a dataset in an open file and describing it: shape, dtype, chunks, filters, labels. */

import { type DType, NotFoundError, UnsupportedError } from "@tt/schema";
import { dtypeOfMetadata } from "./dtypes.js";
import { hdf5Call } from "./h5wasm.js";
import type { OpenFile } from "./hdf5-file.js";

/** A dataset as HDF5 stores it (axes in the file's order). */
export interface DatasetInfo {
  /** Its absolute path in the file. */
  readonly path: string;
  /** Length of each axis. */
  readonly shape: number[];
  /** Whether each axis can grow (HDF5's unlimited maximum). */
  readonly growable: boolean[];
  readonly dtype: DType;
  /** Bytes per element. */
  readonly itemSize: number;
  /** Chunk length along each axis; `null` for a contiguous (or compact) dataset. */
  readonly chunks: number[] | null;
  /** The filters of its chunks, in order, by h5py's names (`shuffle`, `gzip`). */
  readonly filters: string[];
  readonly littleEndian: boolean;
  /** HDF5 dimension labels (h5py's `dims[i].label`), `null` where an axis has none. */
  readonly labels: (string | null)[];
  /** The `MATLAB_class` attribute (`double`, `single`, `logical`, ...) of a MAT-file variable. */
  readonly matlabClass: string | undefined;
}

/** Type codes of `get_type` (HDF5's H5G_obj_t). */
const OBJECT = { missing: -1, group: 0, dataset: 1, datatype: 2, softLink: 3, externalLink: 4 };

/** The filters HDF5 itself applies (h5wasm's build has no plugins loaded), by h5py's names. */
const BUILT_IN_FILTERS: Record<number, string> = {
  1: "gzip",
  2: "shuffle",
  3: "fletcher32",
  4: "szip",
  5: "nbit",
  6: "scaleoffset",
};

/** How many dataset paths a not-found message lists. */
const LISTED = 20;

/** `path` as an absolute HDF5 path without a trailing slash. */
export function absolutePath(path: string): string {
  const absolute = path.startsWith("/") ? path : `/${path}`;
  return absolute.length > 1 ? absolute.replace(/\/+$/, "") : absolute;
}

/** The paths of the datasets at or under `group`, soft links followed. */
export function listDatasets(file: OpenFile, group = "/"): string[] {
  const { module, fileId } = file;
  const names = hdf5Call(module, () => module.get_names(fileId, group, true));
  const prefix = group === "/" ? "/" : `${group}/`;
  return names
    .map((name) => prefix + name)
    .filter((path) => module.get_type(fileId, path) === OBJECT.dataset);
}

function listing(paths: string[]): string {
  if (paths.length === 0) return "none";
  const shown = paths.slice(0, LISTED).join(", ");
  return paths.length > LISTED ? `${shown} and ${paths.length - LISTED} more` : shown;
}

function attribute(file: OpenFile, path: string, name: string, group: boolean): string | undefined {
  const { module, fileId, h5 } = file;
  if (!module.get_attribute_names(fileId, path).includes(name)) return undefined;
  const node = group ? new h5.classes.Group(fileId, path) : new h5.classes.Dataset(fileId, path);
  const value = node.get_attribute(name, false);
  return typeof value === "string" ? value : String(value);
}

/** Why the object at `path` is no dataset, as the error to throw. */
function notADataset(file: OpenFile, path: string, type: number): Error {
  const where = `${file.name}:${path}`;
  const datasets = listDatasets(file);
  const options = { available: datasets.slice(0, 100) };
  if (type === OBJECT.group) {
    const matlab =
      attribute(file, path, "MATLAB_sparse", true) !== undefined
        ? " (a MATLAB sparse matrix, which is stored as its data, ir and jc arrays)"
        : attribute(file, path, "MATLAB_class", true) === "struct"
          ? " (a MATLAB struct)"
          : "";
    return new NotFoundError(
      where,
      `${where} is a group${matlab}, not a dataset; the datasets under it: ${listing(listDatasets(file, path))}`,
      options,
    );
  }
  if (type === OBJECT.externalLink)
    return new UnsupportedError(
      "HDF5 external links",
      `${where} is an external link to another file; open that file's dataset instead`,
    );
  const what =
    type === OBJECT.missing
      ? "no such dataset"
      : type === OBJECT.softLink
        ? "a soft link to nothing"
        : "a named datatype, not a dataset";
  return new NotFoundError(
    where,
    `${where}: ${what}; the file's datasets: ${listing(datasets)}`,
    options,
  );
}

/** The path of the file's only dataset, or a NotFoundError listing them. */
function onlyDataset(file: OpenFile): string {
  const datasets = listDatasets(file);
  if (datasets.length === 1) return datasets[0]!;
  throw new NotFoundError(
    file.name,
    `${file.name} holds ${datasets.length === 0 ? "no datasets" : `${datasets.length} datasets`}; name the one to open: ${listing(datasets)}`,
    { available: datasets.slice(0, 100) },
  );
}

function filterNames(file: OpenFile, path: string): string[] {
  const filters = file.module.get_dataset_filters(file.fileId, path);
  return filters.map(({ id, name }) => {
    const known = BUILT_IN_FILTERS[id];
    if (known !== undefined) return known;
    throw new UnsupportedError(
      `HDF5 filter ${name} (${id})`,
      `${file.name}:${path} is compressed with filter ${id} (${name}), which this store cannot decode; it decodes ${Object.values(BUILT_IN_FILTERS).join(", ")}`,
    );
  });
}

/**
 * The dataset at `dataset` (the file's only dataset when omitted), described; a path that is not
 * a dataset is a NotFoundError and a type no tensor holds an UnsupportedError, both naming the
 * file and the path.
 */
export function describeDataset(file: OpenFile, dataset: string | undefined): DatasetInfo {
  const { module, fileId } = file;
  const path = dataset === undefined ? onlyDataset(file) : absolutePath(dataset);
  const type = module.get_type(fileId, path);
  if (type !== OBJECT.dataset) throw notADataset(file, path, type);
  const where = `${file.name}:${path}`;
  const metadata = hdf5Call(module, () => module.get_dataset_metadata(fileId, path));
  const dtype = dtypeOfMetadata(metadata, where);
  const shape = metadata.shape ?? [];
  if (shape.length === 0)
    throw new UnsupportedError(
      "scalar HDF5 datasets",
      `${where} is a scalar (no axes); a tensor has at least one axis`,
    );
  if (![undefined, "0"].includes(attribute(file, path, "MATLAB_empty", false)))
    throw new UnsupportedError(
      "empty MATLAB arrays",
      `${where} is an empty MATLAB array (MATLAB_empty): the dataset holds the array's size, not values`,
    );
  return {
    path,
    shape,
    growable: (metadata.maxshape ?? shape).map((n) => n >= 2 ** 63),
    dtype,
    itemSize: metadata.size,
    chunks: metadata.chunks,
    filters: filterNames(file, path),
    littleEndian: metadata.littleEndian,
    labels: module.get_dimension_labels(fileId, path),
    matlabClass: attribute(file, path, "MATLAB_class", false),
  };
}
