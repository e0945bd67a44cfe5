/**
 * `s3://<bucket>/<prefix>` locations on Node: the store of a bundle in a bucket, with the server
 * and credentials the AWS environment variables give (`@tt/storage-s3`, loaded when first used),
 * and writes of datasets and results there by the rules the directory writes follow.
 */

import {
  cleanupBundle,
  type OpenBundleOptions,
  openBundle,
  type TensorStream,
  writeBundle,
} from "@tt/bundle";
import type { WriteDatasetOptions } from "@tt/bundle/fs";
import { openStoredDataset } from "@tt/bundle/fs";
import { RESULT_KIND, type ResultManifest, writeResultBundle } from "@tt/result";
import type { ResultProducer, WriteResultOptions } from "@tt/result/fs";
import {
  AlreadyExistsError,
  type AxisAnnotatedTensor,
  DATASET_KIND,
  type DecompositionResult,
  type KeyValueStore,
  type Manifest,
  type ReadableView,
  type StoredDataset,
  UnsupportedError,
  type WritableKeyValueStore,
} from "@tt/schema";
import {
  createHttpStore,
  isTemporaryKey,
  PINS_PREFIX,
  versionOfKey,
  WRITERS_PREFIX,
} from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";

/**
 * Whether `location` is an S3 location: it starts with `s3:` (a malformed one too, so that it is
 * reported as such rather than taken for a directory).
 *
 * @example
 * ```ts
 * isS3Location("s3://studies/eeg"); // true
 * ```
 */
export function isS3Location(location: string): boolean {
  return /^s3:/i.test(location);
}

/**
 * The store of the bundle at the S3 location, with the server, region and credentials of the
 * AWS environment variables (see `s3OptionsFromUrl` of `@tt/storage-s3`); its `location` is the
 * `s3://` URL, so results record it and later processes reopen it. A malformed location is a
 * ConfigError naming it.
 *
 * @example
 * ```ts
 * const store = await s3StoreAt("s3://studies/eeg/night-1");
 * ```
 */
export async function s3StoreAt(location: string): Promise<WritableKeyValueStore> {
  const { createS3Store, s3OptionsFromUrl } = await import("@tt/storage-s3");
  return createS3Store(s3OptionsFromUrl(location));
}

/**
 * The store of the bundle at a directory path, an `http(s)://` URL (read-only) or an `s3://`
 * location (with the AWS environment variables' server and credentials): what a catalog needs to
 * register a bundle that is not in a directory (`openCatalog(path, { openStore: bundleStoreAt })`).
 *
 * @example
 * ```ts
 * const store = await bundleStoreAt("s3://studies/eeg/night-1");
 * const manifest = await store.get("manifest.json");
 * ```
 */
export async function bundleStoreAt(location: string): Promise<KeyValueStore> {
  if (isS3Location(location)) return s3StoreAt(location);
  if (/^https?:\/\//i.test(location)) return createHttpStore(location);
  return createDirectoryStore(location);
}

/**
 * Opens the dataset bundle at a directory path, an `http(s)://` URL or an `s3://` location.
 *
 * @example
 * ```ts
 * const stored = await openStoredAt("s3://studies/eeg/night-1", { registry });
 * ```
 */
export async function openStoredAt(
  location: string,
  options: OpenBundleOptions = {},
): Promise<StoredDataset> {
  if (isS3Location(location)) return openBundle(await s3StoreAt(location), options);
  return openStoredDataset(location, options);
}

/** A bundle's kind as its manifest says, in words: `a dataset`, `a result`. */
function kindWords(kind: string): string {
  return kind === DATASET_KIND ? "a dataset" : kind === RESULT_KIND ? "a result" : `a ${kind}`;
}

/** Keys a dataset writer leaves behind when it dies before its commit, which a later write may share a prefix with. */
function isWritersKey(key: string): boolean {
  return (
    versionOfKey(key) !== undefined ||
    isTemporaryKey(key) ||
    key.startsWith(WRITERS_PREFIX) ||
    key.startsWith(PINS_PREFIX)
  );
}

/**
 * The kind of the bundle in `store` (`tensortools.dataset`, `decomposition_result`, ...) or
 * undefined when there is none; objects that are not a bundle's (but those `tolerated` names)
 * are an AlreadyExistsError saying what `what` is written to.
 */
async function bundleKind(
  store: WritableKeyValueStore,
  what: string,
  tolerated: (key: string) => boolean,
): Promise<string | undefined> {
  const bytes = await store.get("manifest.json");
  if (bytes !== undefined) {
    let kind: unknown;
    try {
      kind = JSON.parse(new TextDecoder().decode(bytes)).kind ?? DATASET_KIND;
    } catch {
      kind = "manifest.json that is not JSON";
    }
    return String(kind);
  }
  for await (const key of store.list())
    if (!tolerated(key))
      throw new AlreadyExistsError(
        `${store.location}${key}`,
        `${store.location} holds objects that are not a bundle's ('${key}'); ${what} is written only to an empty prefix${what === "a dataset" ? " or over a dataset" : ""}: remove them, or write elsewhere`,
      );
  return undefined;
}

/**
 * Writes `source` as a dataset bundle at the S3 location: a new bundle in an empty prefix (or one
 * that holds only what a dead writer left), or with `overwrite` the next version of the dataset
 * there, whose replaced files are removed after `graceMs`. Anything else there (a result, other
 * objects) is an AlreadyExistsError, before anything is written.
 *
 * @example
 * ```ts
 * await writeDatasetToS3("s3://studies/eeg/night-1", tensor, { overwrite: true });
 * ```
 */
export async function writeDatasetToS3(
  location: string,
  source: AxisAnnotatedTensor | TensorStream | ReadableView,
  options: WriteDatasetOptions = {},
): Promise<Manifest> {
  const { overwrite, graceMs, ...bundleOptions } = options;
  const store = await s3StoreAt(location);
  const kind = await bundleKind(store, "a dataset", isWritersKey);
  if (kind === undefined) return writeBundle(store, source, bundleOptions);
  if (kind !== DATASET_KIND)
    throw new AlreadyExistsError(
      store.location,
      `${store.location} holds ${kindWords(kind)}, not a dataset; a dataset does not replace it`,
    );
  if (!overwrite)
    throw new AlreadyExistsError(
      store.location,
      `${store.location} already holds a dataset; pass overwrite: true to replace it`,
    );
  const manifest = await writeBundle(store, source, { ...bundleOptions, overwrite: true });
  await cleanupBundle(store, graceMs === undefined ? {} : { graceMs });
  return manifest;
}

/**
 * Writes `result` as a result bundle at the S3 location, which must be an empty prefix: a result
 * there is an AlreadyExistsError, or with `overwrite` an UnsupportedError (a result is replaced
 * whole by exchanging directories, which a bucket cannot do), anything else an AlreadyExistsError.
 * `result` may be a function that makes the result once the prefix has been checked, called with
 * the prefix's `s3://` URL, where the workers of a split fit write the parts of its tables (a
 * bucket has no atomic write: parts of a producer that fails stay under the prefix, without a
 * manifest).
 *
 * @example
 * ```ts
 * await writeResultToS3("s3://studies/results/pca-eeg", result);
 * ```
 */
export async function writeResultToS3(
  location: string,
  result: DecompositionResult | ResultProducer,
  options: WriteResultOptions = {},
): Promise<ResultManifest> {
  const { overwrite, ...resultOptions } = options;
  const store = await s3StoreAt(location);
  const kind = await bundleKind(store, "a result", () => false);
  if (kind === RESULT_KIND && overwrite)
    throw new UnsupportedError(
      "replace a result in S3",
      `${store.location} already holds a result, and a result in a bucket is not replaced (that needs the exchange of two folders a file system does in one step): write it to a new prefix, or remove the old one first`,
    );
  if (kind !== undefined)
    throw new AlreadyExistsError(
      store.location,
      kind === RESULT_KIND
        ? `${store.location} already holds a result; write to a new prefix`
        : `${store.location} holds ${kindWords(kind)}, not a result; a result does not replace it`,
    );
  const produced = typeof result === "function" ? await result(store.location) : result;
  return writeResultBundle(store, produced, resultOptions);
}
