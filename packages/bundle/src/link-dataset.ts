/**
 * Linked bundles in directories: a file on disk (a user's HDF5 file) put into a new bundle by a
 * hard link, so the bundle reads it in place (never a byte copied) and `tt serve`, which follows
 * no link out of its root, serves it like any file of the bundle.
 */

import { link, mkdir, rm, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { ConfigError, type Manifest, NotFoundError, UnsupportedError } from "@tt/schema";
import { isTemporaryKey, versionOfKey } from "@tt/storage";
import { recordInPlace } from "@tt/storage/fs";
import { writeDatasetDirectory } from "./directory-bundle.js";
import { type LinkBundleOptions, type LinkedArray, writeLinkedBundle } from "./link-bundle.js";

/**
 * Options of {@link linkDataset}.
 *
 * @example
 * ```ts
 * const options: LinkDatasetOptions = { overwrite: true, axisIndexColumns: { epoch: "epoch_id" } };
 * ```
 */
export interface LinkDatasetOptions extends LinkBundleOptions {
  /** How long files of a replaced version stay for readers that opened it (default ten minutes). */
  graceMs?: number;
}

/** The folder of a bundle where linked files go. */
const LINKED_FOLDER = "arrays";

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** Whether `a` and `b` are the same file (two links to one inode). */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [one, two] = await Promise.all([stat(a), stat(b).catch(() => undefined)]);
  return two !== undefined && one.dev === two.dev && one.ino === two.ino;
}

/** The key for `file` in the bundle: `arrays/<its name>`, made unique if another file has that name. */
async function linkedKey(directory: string, file: string): Promise<{ key: string; new: boolean }> {
  const name = basename(file);
  if (versionOfKey(name) !== undefined || isTemporaryKey(name))
    throw new ConfigError(
      "file",
      `'${name}' is named like a file tensortools writes and removes (.v<N>-<token> or .tmp-<hex>); rename it before linking it`,
    );
  const extension = extname(name);
  for (let n = 0; ; n++) {
    const candidate =
      n === 0 ? name : `${name.slice(0, name.length - extension.length)}-${n}${extension}`;
    const key = `${LINKED_FOLDER}/${candidate}`;
    const path = join(directory, LINKED_FOLDER, candidate);
    if (await sameFile(file, path)) return { key, new: false };
    const taken = await stat(path).then(
      () => true,
      () => false,
    );
    if (!taken) return { key, new: true };
  }
}

/** Makes `to` a hard link to `from`; no hard link possible is an UnsupportedError, never a copy. */
async function hardLink(from: string, to: string, directory: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch (error) {
    const code = errorCode(error);
    if (!["EXDEV", "EPERM", "ENOTSUP", "EMLINK", "EOPNOTSUPP"].includes(code ?? "")) throw error;
    throw new UnsupportedError(
      "linking a file into a bundle",
      `${from} cannot be linked into ${directory} (${code}): a linked bundle reads its file in place and never copies it, so the bundle must be on the same file system as the file; write the bundle there, or copy the data into a bundle of its own`,
      { cause: error },
    );
  }
}

/**
 * Writes at directory `path` a dataset bundle that reads its array in place from `file` (a path
 * on disk), by the rules of every dataset write (a new bundle under a temporary sibling renamed
 * into place; with `overwrite`, the next version of a dataset there). The file is hard-linked into
 * the bundle as `arrays/<its name>`: no byte is copied, the bundle's own folder holds it (so a
 * static server of the bundle, `tt serve`, serves it), and nothing of tensortools ever writes or
 * removes it (`cleanupDataset` and `tt gc` leave it alone; removing the bundle removes only the
 * link). The bundle must be on the file system of the file. The file is read once to record its
 * SHA-256 beside its length and modification time; see `writeLinkedBundle` for the rest.
 *
 * @example
 * ```ts
 * await linkDataset("./eeg", "./recordings.h5", {
 *   arrayStore: hdf5Store,
 *   settings: { dataset: "/eeg/epochs", dimension_names: ["epoch", "time", "channel"] },
 * }, { axisMeta: { epoch: epochs }, axisIndexColumns: { epoch: "epoch_id" } });
 * ```
 */
export async function linkDataset(
  path: string,
  file: string,
  reader: Omit<LinkedArray, "file" | "record">,
  options: LinkDatasetOptions = {},
): Promise<Manifest> {
  const source = resolve(file);
  const info = await stat(source).catch((error) => {
    if (errorCode(error) === "ENOENT") throw new NotFoundError(source, `no file ${source}`);
    throw error;
  });
  if (!info.isFile()) throw new ConfigError("file", `${source} is not a file`);
  return writeDatasetDirectory(
    path,
    async (store, replace) => {
      const { key, new: created } = await linkedKey(store.location, source);
      const linkPath = join(store.location, ...key.split("/"));
      if (created) await hardLink(source, linkPath, store.location);
      try {
        const record = await recordInPlace(linkPath, options.signal);
        const linked = { ...reader, file: key, record };
        return await writeLinkedBundle(store, linked, { ...options, overwrite: replace });
      } catch (error) {
        if (created) await rm(linkPath, { force: true });
        throw error;
      }
    },
    // No `inputs`: the file is never written, so it may be the bundle's own link (a relink).
    { overwrite: options.overwrite, graceMs: options.graceMs },
  );
}
