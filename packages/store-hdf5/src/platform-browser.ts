/**
 * What the HDF5 store does outside Node (the default of the package's `#platform` import, which
 * browser bundlers pick): no file paths; a key-value store's file is read through the store.
 */

import type { KeyValueStore } from "@tt/schema";
import { httpRangeSource } from "./range-source.js";
import { type Hdf5Source, noFileSystem } from "./sources.js";

/** File paths need Node: in a browser, open a File, Blob, bytes or an Hdf5Source. */
export function fileSource(path: string, _name = path): Hdf5Source {
  throw noFileSystem(path);
}

/** No store is a local directory in a browser. */
export async function localFile(_store: KeyValueStore, _key: string): Promise<string | undefined> {
  return undefined;
}

/**
 * The HDF5 file at an http(s) `url` read by synchronous byte-range requests, in a web worker;
 * `undefined` elsewhere (a page's main thread may not make synchronous binary requests): the
 * caller then fetches the file whole.
 */
export function httpSource(url: string): Hdf5Source | undefined {
  const scope = globalThis as {
    XMLHttpRequest?: unknown;
    document?: unknown;
    importScripts?: unknown;
  };
  const worker =
    scope.XMLHttpRequest !== undefined &&
    scope.document === undefined &&
    scope.importScripts !== undefined;
  return worker ? httpRangeSource(url) : undefined;
}
