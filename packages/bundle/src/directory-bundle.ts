/** Bundles in local directories: written under a temporary name and renamed into place. */

import { resolve } from "node:path";
import {
  type AxisAnnotatedTensor,
  createHttpStore,
  type Manifest,
  NotFoundError,
  type StoredDataset,
} from "@tt/schema";
import { createDirectoryStore, pathExists, writeDirectoryAtomically } from "@tt/schema/fs";
import { type AppendBundleOptions, appendBundle } from "./append-bundle.js";
import { type OpenBundleOptions, openBundle } from "./open-bundle.js";
import type { StreamBlock, TensorStream } from "./stream.js";
import { type WriteBundleOptions, writeBundle } from "./write-bundle.js";

/** Options of {@link writeDataset}. */
export interface WriteDatasetOptions extends WriteBundleOptions {
  /** Replace a bundle already at the path. */
  overwrite?: boolean;
}

/**
 * Writes `source` as a bundle at directory `path`, atomically: everything is written to a
 * temporary sibling directory and renamed into place when complete, so a crash leaves the old
 * bundle (or none), never a torn one. An existing path is an error unless `overwrite` is set.
 */
export async function writeDataset(
  path: string,
  source: AxisAnnotatedTensor | TensorStream,
  options: WriteDatasetOptions = {},
): Promise<Manifest> {
  return writeDirectoryAtomically(path, (store) => writeBundle(store, source, options), options);
}

/**
 * Opens the bundle at a directory path or an `http(s)://` URL (served by any static web
 * server; only the manifest, the metadata and the chunks read are fetched).
 */
export async function openDataset(
  pathOrUrl: string,
  options: OpenBundleOptions = {},
): Promise<StoredDataset> {
  if (/^https?:\/\//i.test(pathOrUrl)) return openBundle(createHttpStore(pathOrUrl), options);
  const directory = resolve(pathOrUrl);
  if (!(await pathExists(directory)))
    throw new NotFoundError(directory, `no dataset bundle at ${directory}`);
  return openBundle(createDirectoryStore(directory), options);
}

/** Appends `blocks` to the bundle at directory `path` (see `appendBundle`). */
export async function appendDataset(
  path: string,
  blocks: AsyncIterable<StreamBlock> | Iterable<StreamBlock>,
  options: AppendBundleOptions = {},
): Promise<Manifest> {
  const directory = resolve(path);
  if (!(await pathExists(directory)))
    throw new NotFoundError(directory, `no dataset bundle at ${directory}`);
  return appendBundle(createDirectoryStore(directory), blocks, options);
}
