/**
 * The file-system calls the directory store and the directory writers make, in one object. Every
 * write, sync, link and rename goes through it, so the crash tests can stop a writer at each of
 * those steps exactly as a `kill -9` would (every later call fails, no cleanup runs) and check
 * what is left on disk.
 */

import * as fs from "node:fs/promises";

/** The file-system calls tensortools makes, with `node:fs/promises` signatures. */
export interface FileSystem {
  open: typeof fs.open;
  mkdir: typeof fs.mkdir;
  rename: typeof fs.rename;
  rm: typeof fs.rm;
  rmdir: typeof fs.rmdir;
  link: typeof fs.link;
  copyFile: typeof fs.copyFile;
  stat: typeof fs.stat;
  lstat: typeof fs.lstat;
  readdir: typeof fs.readdir;
  realpath: typeof fs.realpath;
  readFile: typeof fs.readFile;
  /** Writes `bytes` to a new file at `path` and syncs it to disk before resolving. */
  writeDurably(path: string, bytes: Uint8Array, flag?: "w" | "wx"): Promise<void>;
  /** Syncs a directory, so the names created or renamed in it survive a crash. */
  syncDirectory(path: string): Promise<void>;
}

async function writeDurably(path: string, bytes: Uint8Array, flag: "w" | "wx" = "w") {
  const handle = await fileSystem.open(path, flag);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(path: string) {
  const handle = await fileSystem.open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The file system in use; tests replace its members to inject failures. */
export const fileSystem: FileSystem = {
  open: fs.open,
  mkdir: fs.mkdir,
  rename: fs.rename,
  rm: fs.rm,
  rmdir: fs.rmdir,
  link: fs.link,
  copyFile: fs.copyFile,
  stat: fs.stat,
  lstat: fs.lstat,
  readdir: fs.readdir,
  realpath: fs.realpath,
  readFile: fs.readFile,
  writeDurably,
  syncDirectory,
};

/** The `code` of a Node system error, if it is one. */
export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
