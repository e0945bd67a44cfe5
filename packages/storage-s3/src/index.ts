/**
 * Bundles and results on S3-compatible object storage: {@link createS3Store} is a key-value store
 * for a bundle's folder in a bucket, for every reader and writer of the library (`openBundle`,
 * `writeBundle`, results), in Node and in the browser; {@link s3OptionsFromUrl} reads an
 * `s3://<bucket>/<prefix>` location and the AWS environment variables; {@link presignBundle}
 * presigns a bundle's files, which a page without credentials opens with
 * {@link createPresignedStore}.
 *
 * @example
 * ```ts
 * import { openBundle } from "@tt/bundle";
 * import { createPresignedStore, createS3Store, presignBundle, s3OptionsFromUrl } from "@tt/storage-s3";
 *
 * const options = s3OptionsFromUrl("s3://studies/eeg/night-1"); // AWS_* from the environment
 * const dataset = await openBundle(createS3Store(options));
 *
 * const presigned = await presignBundle(options, { expiresIn: 900 }); // JSON for a page, which:
 * const same = await openBundle(createPresignedStore(presigned));
 * ```
 *
 * @module
 */

export {
  type PresignedBundle,
  type PresignedFile,
  type PresignOptions,
  presignBundle,
} from "./presign.js";
export {
  createPresignedStore,
  type PresignedStore,
  type PresignedStoreOptions,
} from "./presigned-store.js";
export { type S3Environment, s3OptionsFromUrl } from "./s3-location.js";
export {
  createS3Store,
  type S3Credentials,
  type S3Store,
  type S3StoreOptions,
} from "./s3-store.js";
