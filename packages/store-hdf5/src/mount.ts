/**
 * Files in h5wasm's in-memory file system (Emscripten's MEMFS): a read-only node whose reads go
 * to an {@link Hdf5Source}, so HDF5 reads a file in place, and plain files for writing.
 */

import type { H5Module } from "./h5wasm.js";
import type { Hdf5Source } from "./sources.js";

/** The parts of a MEMFS file node this module changes. */
interface FileNode {
  stream_ops: Record<string, unknown>;
}

/** The parts of Emscripten's FS this module uses. */
interface EmscriptenFs {
  analyzePath(path: string): { exists: boolean };
  mkdir(path: string): void;
  createFile(
    parent: string,
    name: string,
    properties: object,
    canRead: boolean,
    canWrite: boolean,
  ): FileNode;
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
}

/** Where this package's files live in the shared file system of the h5wasm module. */
const ROOT = "/tensortools-hdf5";
let serial = 0;

function fileSystem(module: H5Module): EmscriptenFs {
  const fs = module.FS as unknown as EmscriptenFs;
  if (!fs.analyzePath(ROOT).exists) fs.mkdir(ROOT);
  return fs;
}

/** A file of the in-memory file system and how to remove it. */
export interface MountedFile {
  /** Its path in h5wasm's file system, for `H5Fopen`. */
  readonly path: string;
  /** Removes the file (the source stays open: its owner closes it). */
  unmount(): void;
}

/**
 * A read-only file whose reads are served by `source`: HDF5 asks for byte ranges (with `pread`)
 * and the source copies them straight into the WebAssembly memory HDF5 reads into.
 */
export function mountSource(module: H5Module, source: Hdf5Source): MountedFile {
  const fs = fileSystem(module);
  const name = `source-${++serial}.h5`;
  const node = fs.createFile(ROOT, name, {}, true, false);
  // MEMFS reports a file's size (fstat, SEEK_END) from usedBytes.
  Object.defineProperty(node, "usedBytes", { get: () => source.size });
  node.stream_ops = {
    ...node.stream_ops,
    read(
      _stream: unknown,
      buffer: Int8Array,
      offset: number,
      length: number,
      position: number,
    ): number {
      if (position >= source.size) return 0;
      const count = Math.min(length, source.size - position);
      return source.read(
        new Uint8Array(buffer.buffer, buffer.byteOffset + offset, count),
        position,
      );
    },
  };
  const path = `${ROOT}/${name}`;
  return { path, unmount: () => fs.unlink(path) };
}

/** A new, writable in-memory file holding `bytes` (empty when omitted). */
export function memoryFile(
  module: H5Module,
  bytes?: Uint8Array,
): MountedFile & {
  /** The file's bytes now. */
  read(): Uint8Array;
} {
  const fs = fileSystem(module);
  const path = `${ROOT}/memory-${++serial}.h5`;
  if (bytes !== undefined) fs.writeFile(path, bytes);
  return { path, unmount: () => fs.unlink(path), read: () => fs.readFile(path) };
}
