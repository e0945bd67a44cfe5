/** Where HDF5 reads a file's bytes from: memory, a Blob, or (in Node) a file read in place. */

import { UnsupportedError } from "@tt/schema";

/**
 * The bytes of an HDF5 file, which HDF5 reads synchronously a piece at a time: only the pieces
 * it needs (superblock, object headers, chunk indexes, the chunks of a read). A file on disk is
 * read in place this way, never loaded whole.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array(await (await fetch("/data/small.h5")).arrayBuffer());
 * const source: Hdf5Source = {
 *   name: "small.h5",
 *   size: bytes.length,
 *   read: (target, position) => {
 *     const piece = bytes.subarray(position, position + target.length);
 *     target.set(piece);
 *     return piece.length;
 *   },
 * };
 * const array = await openHdf5Array(source, "/data");
 * ```
 */
export interface Hdf5Source {
  /** Names the file in messages: a path, URL or key. */
  readonly name: string;
  /** Length of the file in bytes. */
  readonly size: number;
  /**
   * Copies the bytes from `position` on into `target`, as many as fit and exist, and returns how
   * many it copied (0 at the end of the file).
   */
  read(target: Uint8Array, position: number): number;
  /** Releases what the source holds (a file descriptor), if anything. */
  close?(): void;
}

/** A source over bytes in memory. */
export function bytesSource(bytes: Uint8Array, name: string): Hdf5Source {
  return {
    name,
    size: bytes.length,
    read(target, position) {
      const piece = bytes.subarray(position, position + target.length);
      target.set(piece);
      return piece.length;
    },
  };
}

interface FileReaderSyncLike {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

/**
 * A source over a Blob or File: read piece by piece with `FileReaderSync` where there is one (in
 * a web worker), so a file larger than memory is never loaded whole; elsewhere (a page's main
 * thread, Node) read whole into memory, as nothing else reads a Blob synchronously there.
 */
export async function blobSource(blob: Blob, name: string): Promise<Hdf5Source> {
  const Reader = (globalThis as { FileReaderSync?: new () => FileReaderSyncLike }).FileReaderSync;
  if (Reader === undefined) return bytesSource(new Uint8Array(await blob.arrayBuffer()), name);
  const reader = new Reader();
  return {
    name,
    size: blob.size,
    read(target, position) {
      const end = Math.min(blob.size, position + target.length);
      const piece = new Uint8Array(reader.readAsArrayBuffer(blob.slice(position, end)));
      target.set(piece);
      return piece.length;
    },
  };
}

/** Whether `value` satisfies {@link Hdf5Source}. */
export function isHdf5Source(value: unknown): value is Hdf5Source {
  const source = value as Hdf5Source;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof source.read === "function" &&
    typeof source.size === "number" &&
    typeof source.name === "string"
  );
}

/** The refusal of a file path where there is no file system (a browser). */
export function noFileSystem(path: string): UnsupportedError {
  return new UnsupportedError(
    "file paths",
    `'${path}' is a file path, which needs Node; in a browser pass a File, Blob, bytes or an Hdf5Source`,
  );
}
