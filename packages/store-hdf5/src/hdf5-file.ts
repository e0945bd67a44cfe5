/** Opening an HDF5 file from a source: its signature found, HDF5's refusals as typed errors. */

import { DataError } from "@tt/schema";
import { type H5Module, type H5wasm, hdf5Call, hdf5Reason, loadH5wasm } from "./h5wasm.js";
import { type MountedFile, mountSource } from "./mount.js";
import type { Hdf5Source } from "./sources.js";

/** The HDF5 format signature, which starts the superblock. */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** An HDF5 file open in h5wasm. */
export interface OpenFile {
  readonly h5: H5wasm;
  readonly module: H5Module;
  /** HDF5's id of the open file. */
  readonly fileId: bigint;
  /** The file as messages name it. */
  readonly name: string;
  /** Bytes before the superblock: 0, or the user block (512 in MATLAB v7.3 files). */
  readonly userBlock: number;
  /** Closes the file in HDF5, removes its node and closes its source. Safe to call twice. */
  close(): void;
}

/**
 * Where the superblock starts: HDF5 looks for its signature at byte 0 and at every power of two
 * from 512 on (the end of a user block), and so does this; `undefined` if it is nowhere.
 */
export function findSuperblock(source: Hdf5Source): number | undefined {
  const head = new Uint8Array(SIGNATURE.length);
  for (let at = 0; at + SIGNATURE.length <= source.size; at = at === 0 ? 512 : at * 2) {
    const n = source.read(head, at);
    if (n === SIGNATURE.length && SIGNATURE.every((byte, i) => head[i] === byte)) return at;
  }
  return undefined;
}

/** HDF5's refusal to open a file, as a DataError that says what is wrong with it. */
function openError(where: string, error: unknown): DataError {
  const reason = hdf5Reason(error);
  const truncated = /truncated file: eof = (\d+).*stored_eof = (\d+)/.exec(reason);
  if (truncated) {
    return new DataError(
      where,
      `the file is truncated: it has ${truncated[1]} bytes where its superblock says ${truncated[2]}`,
      { cause: error },
    );
  }
  return new DataError(where, `HDF5 cannot open the file: ${reason}`, { cause: error });
}

/**
 * Opens `source` read-only. A file without the HDF5 signature, a truncated one or one HDF5
 * otherwise refuses is a DataError located at `where` (the file and the dataset asked for).
 */
export async function openSource(source: Hdf5Source, where: string): Promise<OpenFile> {
  const userBlock = findSuperblock(source);
  if (userBlock === undefined) {
    source.close?.();
    throw new DataError(
      where,
      "not an HDF5 file: no HDF5 signature at byte 0 or at the end of a user block (512, 1024, ...)",
    );
  }
  const h5 = await loadH5wasm();
  const { module } = h5;
  let mounted: MountedFile | undefined;
  try {
    mounted = mountSource(module, source);
    const path = mounted.path;
    const fileId = hdf5Call(module, () => module.open(path, module.H5F_ACC_RDONLY, false, -1, -1));
    return openFile(h5, fileId, source.name, userBlock, () => {
      mounted?.unmount();
      source.close?.();
    });
  } catch (error) {
    mounted?.unmount();
    source.close?.();
    throw openError(where, error);
  }
}

/** An {@link OpenFile} over an id h5wasm opened; `release` runs once the file is closed. */
export function openFile(
  h5: H5wasm,
  fileId: bigint,
  name: string,
  userBlock: number,
  release: () => void,
): OpenFile {
  let open = true;
  return {
    h5,
    module: h5.module,
    fileId,
    name,
    userBlock,
    close() {
      if (!open) return;
      open = false;
      h5.module.close_file(fileId);
      release();
    },
  };
}
