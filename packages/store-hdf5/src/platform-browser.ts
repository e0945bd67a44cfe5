/**
 * What the HDF5 store does outside Node (the default of the package's `#platform` import, which
 * browser bundlers pick): no file paths; a key-value store's file is read through the store.
 */

import type { KeyValueStore } from "@tt/schema";
import { type Hdf5Source, noFileSystem } from "./sources.js";

/** File paths need Node: in a browser, open a File, Blob, bytes or an Hdf5Source. */
export function fileSource(path: string, _name = path): Hdf5Source {
  throw noFileSystem(path);
}

/** No store is a local directory in a browser. */
export async function localFile(_store: KeyValueStore, _key: string): Promise<string | undefined> {
  return undefined;
}
