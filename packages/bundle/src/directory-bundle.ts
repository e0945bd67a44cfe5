/** Bundles in local directories: written under a temporary name and renamed into place. */

import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import {
  AlreadyExistsError,
  type AxisAnnotatedTensor,
  createHttpStore,
  type Manifest,
  NotFoundError,
  type StoredDataset,
} from "@tt/schema";
import { createDirectoryStore } from "@tt/schema/fs";
import { type AppendBundleOptions, appendBundle } from "./append-bundle.js";
import { type OpenBundleOptions, openBundle } from "./open-bundle.js";
import type { StreamBlock, TensorStream } from "./stream.js";
import { type WriteBundleOptions, writeBundle } from "./write-bundle.js";

/** Options of {@link writeDataset}. */
export interface WriteDatasetOptions extends WriteBundleOptions {
  /** Replace a bundle already at the path. */
  overwrite?: boolean;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
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
  const target = resolve(path);
  if ((await exists(target)) && !options.overwrite) {
    throw new AlreadyExistsError(
      target,
      `${target} already exists; pass overwrite: true to replace it`,
    );
  }
  const suffix = randomBytes(6).toString("hex");
  const temporary = join(dirname(target), `.${basename(target)}.tt-writing-${suffix}`);
  await mkdir(temporary, { recursive: true });
  let manifest: Manifest;
  try {
    manifest = await writeBundle(createDirectoryStore(temporary), source, options);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  if (await exists(target)) {
    // rename() cannot replace a non-empty directory: move the old bundle aside, then swap.
    const old = join(dirname(target), `.${basename(target)}.tt-replaced-${suffix}`);
    await rename(target, old);
    await rename(temporary, target);
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(temporary, target);
  }
  return manifest;
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
  if (!(await exists(directory)))
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
  if (!(await exists(directory)))
    throw new NotFoundError(directory, `no dataset bundle at ${directory}`);
  return appendBundle(createDirectoryStore(directory), blocks, options);
}
