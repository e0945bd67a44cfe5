/**
 * What the Zarr store does differently on Node (selected by the `node` condition of the package's
 * `#platform` import): directories as stores, and a gzip encoder on `node:zlib`.
 */

import { gunzipSync, gzipSync } from "node:zlib";
import type { KeyValueStore } from "@tt/schema";
import { createDirectoryStore } from "@tt/storage/fs";

/** The store of a bundle directory. */
export async function directoryStore(path: string): Promise<KeyValueStore> {
  return createDirectoryStore(path);
}

/** Compresses with gzip at `level`. */
export async function gzip(bytes: Uint8Array, level: number): Promise<Uint8Array> {
  return new Uint8Array(gzipSync(bytes, { level }));
}

/** Decompresses gzip. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(gunzipSync(bytes));
}
