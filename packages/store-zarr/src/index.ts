/**
 * The Zarr v3 array store of tensortools, on zarrita. It reads and writes through any
 * key-value store of `@tt/schema`: a directory, memory or HTTP. `openBundleArrays` opens the
 * arrays of a dataset bundle (with its ids) as a view that decomposition methods read, without
 * a metadata reader.
 *
 * @example
 * ```ts
 * import { createHttpStore } from "@tt/storage";
 * import { openBundleArrays, zarrStore } from "@tt/store-zarr";
 * const array = await zarrStore.open(createHttpStore("http://localhost:8080/demo/"), "arrays/data.zarr");
 * const first = await array.read([{ start: 0, stop: 10 }]);
 * const view = await openBundleArrays("http://localhost:8080/demo/");
 * view.ids(view.axes[0]); // the instance ids
 * ```
 *
 * @packageDocumentation
 */

export { DEFAULT_CODEC, ZARR_CODECS, type ZarrCodec } from "./codecs.js";
export { readCoordinates, writeCoordinates } from "./coordinates.js";
export {
  type BundleArraysView,
  type OpenBundleArraysOptions,
  openBundleArrays,
} from "./open-bundle-arrays.js";
export { defaultChunkShape, zarrStore } from "./zarr-store.js";
