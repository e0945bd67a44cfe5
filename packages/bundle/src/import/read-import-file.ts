/** Shared file handling of the Node-only importers: missing files and errors that name the path. */

import { DataError, NotFoundError, UnsupportedError } from "@tt/schema";

/** Runs `read`, turning a missing file into a {@link NotFoundError} naming `path`. */
export async function readImportFile<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new NotFoundError(`file ${path}`, `no such file: ${path}`, { cause: error });
    }
    throw error;
  }
}

/** Runs `parse`, prefixing the location of its data and unsupported errors with `path`. */
export function withFilePath<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DataError) {
      const reason = error.message.slice(error.where.length + 2);
      throw new DataError(`${path} ${error.where}`, reason, { cause: error });
    }
    if (error instanceof UnsupportedError) {
      throw new UnsupportedError(error.feature, `${path}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
