/**
 * The HDF5 array store of tensortools, on h5wasm (the HDF5 C library compiled to WebAssembly):
 * a dataset of an HDF5 file (h5py, MATLAB v7.3 `.mat`, NWB, ...) opened as a read-only stored
 * array with the file's shape, dtype and chunking, read in place a chunk at a time, so files far
 * larger than memory open instantly and stream. Axes are reported in the file's order (h5py's)
 * or, with `axisOrder: "matlab"`, reversed as MATLAB shows them.
 *
 * @example
 * ```ts
 * import { openHdf5Array } from "@tt/store-hdf5";
 * const array = await openHdf5Array("recordings.h5", "/eeg/epochs");
 * array.metadata.shape; // [12000, 1793, 64]
 * array.hdf5.chunks; // [64, 1793, 64]
 * const picked = await array.read([[17, 3, 900], { start: 100, stop: 900 }, null]);
 * array.close();
 * ```
 *
 * @packageDocumentation
 */

export {
  type AxisOrder,
  type Hdf5Array,
  type Hdf5Details,
  type Hdf5Input,
  type OpenHdf5Options,
  openHdf5Array,
} from "./hdf5-array.js";
export { createHdf5Store, type Hdf5StoreOptions, hdf5Store } from "./hdf5-store.js";
export type { Hdf5Source } from "./sources.js";
export { type Hdf5Path, splitHdf5Path } from "./store-path.js";
