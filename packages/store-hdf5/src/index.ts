/**
 * The HDF5 array store of tensortools, on h5wasm (the HDF5 C library compiled to WebAssembly):
 * a dataset of an HDF5 file (h5py, MATLAB v7.3 `.mat`, NWB, ...) opened as a read-only stored
 * array with the file's shape, dtype and chunking, read in place a chunk at a time, so files far
 * larger than memory open instantly and stream. Axes are reported in the file's order (h5py's)
 * or, with `axisOrder: "matlab"`, reversed as MATLAB shows them. Compressed sparse matrices (10X,
 * anndata's h5ad, scipy's CSR and CSC) open as stored arrays whose reads return dense blocks, so
 * streamed decompositions run on them in memory proportional to their non-zeros plus one block.
 *
 * @example
 * ```ts
 * import { openHdf5Array, openHdf5Sparse } from "@tt/store-hdf5";
 * const array = await openHdf5Array("recordings.h5", "/eeg/epochs");
 * array.metadata.shape; // [12000, 1793, 64]
 * array.hdf5.chunks; // [64, 1793, 64]
 * const picked = await array.read([[17, 3, 900], { start: 100, stop: 900 }, null]);
 * array.close();
 *
 * const cells = await openHdf5Sparse("pbmc.h5", "/matrix", { compressed: "columns", transpose: true });
 * const firstCells = await cells.read([{ start: 0, stop: 512 }, null]); // dense, 512 x n_genes
 * ```
 *
 * @packageDocumentation
 */

export { type ArrayDatasetOptions, storedDatasetOf } from "./array-dataset.js";
export {
  type AxisOrder,
  type Hdf5Array,
  type Hdf5Details,
  type Hdf5Input,
  type OpenHdf5Options,
  openHdf5Array,
} from "./hdf5-array.js";
export { readHdf5Columns } from "./hdf5-columns.js";
export { createHdf5Store, type Hdf5StoreOptions, hdf5Store } from "./hdf5-store.js";
export {
  httpRangeSource,
  pagedSource,
  type RangeAnswer,
  type SyncRequester,
} from "./range-source.js";
export type { Hdf5Source } from "./sources.js";
export { openSparseArray } from "./sparse-array.js";
export { type OpenHdf5SparseOptions, openHdf5Sparse } from "./sparse-hdf5.js";
export type {
  CompressedAxis,
  SparseArray,
  SparseArrayOptions,
  SparseDetails,
  SparseLayout,
  SparseMembers,
} from "./sparse-layout.js";
export { type Hdf5Path, splitHdf5Path } from "./store-path.js";
