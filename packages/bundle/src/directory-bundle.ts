/**
 * Bundles in local directories. A new bundle is written under a temporary sibling and renamed
 * into place; an existing one gets a new version in place (the manifest swap is the commit). A
 * write replaces only a dataset bundle or an empty directory, never a folder of other files, a
 * result, or the directory the process works in.
 */

import { resolve, sep } from "node:path";
import {
  AlreadyExistsError,
  type AxisAnnotatedTensor,
  ConfigError,
  DATASET_KIND,
  type Manifest,
  type MetaTable,
  NotFoundError,
  type ReadableView,
  type StoredDataset,
  validateManifest,
  type WritableKeyValueStore,
} from "@tt/schema";
import type { CleanupReport, VerifyOptions, VerifyReport } from "@tt/storage";
import { createHttpStore } from "@tt/storage";
import {
  createDirectory,
  createDirectoryStore,
  inspectTarget,
  pathExists,
  recoverDirectory,
  writeTarget,
} from "@tt/storage/fs";
import { type AnnotateOptions, annotateBundle } from "./annotate.js";
import { type AppendBundleOptions, appendBundle } from "./append-bundle.js";
import { type OpenBundleOptions, openBundle } from "./open-bundle.js";
import type { StreamBlock, TensorStream } from "./stream.js";
import { type CleanupBundleOptions, cleanupBundle, verifyBundle } from "./version.js";
import { type WriteBundleOptions, writeBundle } from "./write-bundle.js";

/** Options of {@link writeDataset}. */
export interface WriteDatasetOptions extends WriteBundleOptions {
  /** Replace a dataset bundle already at the path (as its next version). */
  overwrite?: boolean;
  /** How long files of the replaced version stay for readers that opened it (default ten minutes). */
  graceMs?: number;
}

/** Whether `manifest` (parsed JSON) is a dataset's, of any schema version. */
function isDatasetManifest(manifest: unknown): boolean {
  try {
    const valid = validateManifest(manifest);
    return valid.kind === undefined || valid.kind === DATASET_KIND;
  } catch {
    return false;
  }
}

/** Options of {@link writeDatasetDirectory}. */
export interface DatasetDirectoryOptions {
  /** Replace a dataset bundle already at the path (as its next version). */
  overwrite?: boolean;
  /** How long files of a replaced version stay for readers that opened it (default ten minutes). */
  graceMs?: number;
  /** Paths the write reads from: the target may be none of them, nor contain one. */
  inputs?: readonly string[];
}

/**
 * Runs `write` on the store of the dataset directory at `path`, by the rules every dataset write
 * follows: a new bundle (nothing there, or an empty directory) goes to a temporary sibling that
 * is renamed into place; with `overwrite`, a dataset bundle there gets the write as its next
 * version (`replace` is true) and the replaced version's files are cleaned up after the grace
 * period; anything else (a folder of other files, a result, a file, the current directory, one of
 * the `inputs`) is refused before anything is written.
 *
 * @example
 * ```ts
 * await writeDatasetDirectory("./out", (store, replace) => writeBundle(store, tensor, { overwrite: replace }));
 * ```
 */
export async function writeDatasetDirectory<T>(
  path: string,
  write: (store: WritableKeyValueStore, replace: boolean) => Promise<T>,
  options: DatasetDirectoryOptions = {},
): Promise<T> {
  const target = writeTarget(path);
  for (const input of options.inputs ?? []) {
    if (/^https?:\/\//i.test(input)) continue;
    const source = resolve(input);
    if (source === target || source.startsWith(target + sep))
      throw new ConfigError(
        "path",
        `${target} ${source === target ? "is" : "contains"} an input of this write (${source}); write the output elsewhere`,
      );
  }
  await recoverDirectory(target);
  const state = await inspectTarget(target);
  if (state.kind === "absent" || state.kind === "empty")
    return createDirectory(target, (store) => write(store, false));
  if (state.kind === "other")
    throw new AlreadyExistsError(
      target,
      `${target} ${state.reason}; a dataset is written only to a new or empty directory, or over a dataset bundle`,
    );
  if (!isDatasetManifest(state.manifest))
    throw new AlreadyExistsError(
      target,
      `${target} holds a bundle that is not a dataset (${String((state.manifest as { kind?: unknown })?.kind ?? "unknown kind")}); a dataset does not replace it`,
    );
  if (!options.overwrite)
    throw new AlreadyExistsError(
      target,
      `${target} already holds a dataset; pass overwrite: true to replace it`,
    );
  const store = createDirectoryStore(target);
  const value = await write(store, true);
  await cleanupBundle(store, { graceMs: options.graceMs });
  return value;
}

/**
 * Writes `source` as a bundle at directory `path`. A new bundle (nothing at the path, or an
 * empty directory) is written to a temporary sibling and renamed into place, so a crash leaves
 * nothing (and a temporary directory that the next write removes). With `overwrite`, a dataset
 * bundle at the path gets the new data as its next version: readers that opened the old one
 * keep reading it, and its files are removed after the grace period. Anything else at the path
 * (a folder of other files, a result, a file) is refused, as is the current directory.
 *
 * @example
 * ```ts
 * await writeDataset("./eeg", tensor, { axisIndexColumns: { epoch: "id" } });
 * ```
 */
export async function writeDataset(
  path: string,
  source: AxisAnnotatedTensor | TensorStream | ReadableView,
  options: WriteDatasetOptions = {},
): Promise<Manifest> {
  return writeDatasetDirectory(
    path,
    (store, replace) => writeBundle(store, source, { ...options, overwrite: replace }),
    options,
  );
}

/** The store of the dataset directory at `path`, or a NotFoundError. */
export async function existingStore(path: string) {
  const directory = resolve(path);
  if (!(await pathExists(directory)))
    throw new NotFoundError(directory, `no dataset bundle at ${directory}`);
  return createDirectoryStore(directory);
}

/**
 * Opens the bundle at a directory path or an `http(s)://` URL (served by any static web
 * server; only the manifest, the metadata and the chunks read are fetched) as its
 * `StoredDataset`; `createDataset` of `@tt/query` (or `openDataset` of `tensortools`) makes
 * the queryable `TensorDataset` of it.
 *
 * @example
 * ```ts
 * const dataset = await openStoredDataset("./eeg");
 * ```
 */
export async function openStoredDataset(
  pathOrUrl: string,
  options: OpenBundleOptions = {},
): Promise<StoredDataset> {
  if (/^https?:\/\//i.test(pathOrUrl)) return openBundle(createHttpStore(pathOrUrl), options);
  return openBundle(await existingStore(pathOrUrl), options);
}

/** Options of {@link annotateDataset}. */
export interface AnnotateDatasetOptions extends AnnotateOptions {
  /** How long files of the replaced version stay for readers that opened it (default ten minutes). */
  graceMs?: number;
}

/**
 * Adds (or replaces) metadata columns of `axis` in the dataset at directory `path`, by id, as its
 * next version (see `annotateBundle`); nothing but that axis's table is written.
 *
 * @example
 * ```ts
 * await annotateDataset("./eeg", "epoch", reviewTable, { prefix: "review_" });
 * ```
 */
export async function annotateDataset(
  path: string,
  axis: string,
  table: MetaTable,
  options: AnnotateDatasetOptions = {},
): Promise<Manifest> {
  const store = await existingStore(path);
  const manifest = await annotateBundle(store, axis, table, options);
  await cleanupBundle(store, { graceMs: options.graceMs });
  return manifest;
}

/** Options of {@link appendDataset}. */
export interface AppendDatasetOptions extends AppendBundleOptions {
  /** How long files of the replaced version stay for readers that opened it (default ten minutes). */
  graceMs?: number;
}

/**
 * Appends `blocks` to the bundle at directory `path`, as its next version (see `appendBundle`).
 *
 * @example
 * ```ts
 * await appendDataset("./eeg", [{ data: block, ids: ["e101"] }]);
 * ```
 */
export async function appendDataset(
  path: string,
  blocks: AsyncIterable<StreamBlock> | Iterable<StreamBlock>,
  options: AppendDatasetOptions = {},
): Promise<Manifest> {
  const store = await existingStore(path);
  const manifest = await appendBundle(store, blocks, options);
  await cleanupBundle(store, { graceMs: options.graceMs });
  return manifest;
}

/**
 * Removes what the dataset at directory `path` no longer uses (see `cleanupBundle`): files of
 * replaced versions after the grace period, files of writers that died, temporary files.
 *
 * @example
 * ```ts
 * const { removed } = await cleanupDataset("./eeg", { graceMs: 0 });
 * ```
 */
export async function cleanupDataset(
  path: string,
  options: CleanupBundleOptions = {},
): Promise<CleanupReport> {
  const directory = resolve(path);
  await recoverDirectory(directory);
  return cleanupBundle(await existingStore(directory), options);
}

/**
 * Checks every file of the dataset at a directory path or URL against its inventory (see
 * `verifyBundle`).
 *
 * @example
 * ```ts
 * const { problems } = await verifyDataset("./eeg");
 * ```
 */
export async function verifyDataset(
  pathOrUrl: string,
  options: VerifyOptions = {},
): Promise<VerifyReport & { version: number }> {
  const store = /^https?:\/\//i.test(pathOrUrl)
    ? createHttpStore(pathOrUrl)
    : await existingStore(pathOrUrl);
  return verifyBundle(store, options);
}
