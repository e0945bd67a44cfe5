/**
 * The Zarr v3 array store of tensortools, on zarrita. It reads and writes through any
 * key-value store of `@tt/schema`: a directory, memory or HTTP.
 *
 * @example
 * ```ts
 * import { createHttpStore } from "@tt/schema";
 * import { zarrStore } from "@tt/store-zarr";
 * const array = await zarrStore.open(createHttpStore("http://localhost:8080/demo/"), "arrays/data.zarr");
 * const first = await array.read([{ start: 0, stop: 10 }]);
 * ```
 *
 * @packageDocumentation
 */

export { DEFAULT_CODEC, ZARR_CODECS, type ZarrCodec } from "./codecs.js";
export { defaultChunkShape, zarrStore } from "./zarr-store.js";
