/**
 * What the Zarr store does differently outside Node (the default of the package's `#platform`
 * import, which browser bundlers pick): no directories, and gzip through the web's
 * CompressionStream.
 */

import { type KeyValueStore, UnsupportedError } from "@tt/schema";

/** Directories need Node: in a browser, a bundle is opened from a URL or a key-value store. */
export async function directoryStore(path: string): Promise<KeyValueStore> {
  throw new UnsupportedError(
    "directories",
    `'${path}' is a directory path, which needs Node; in a browser pass an http(s) URL or a KeyValueStore`,
  );
}

async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream) {
  const piped = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

/** Compresses with gzip (the web's CompressionStream has no level: its default is used). */
export async function gzip(bytes: Uint8Array, _level: number): Promise<Uint8Array> {
  return through(bytes, new CompressionStream("gzip"));
}

/** Decompresses gzip. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  return through(bytes, new DecompressionStream("gzip"));
}
