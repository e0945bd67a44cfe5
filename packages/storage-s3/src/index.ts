/**
 * Bundles and results on S3-compatible object storage: {@link createS3Store} is a key-value store
 * for a bundle's folder in a bucket, for every reader and writer of the library (`openBundle`,
 * `writeBundle`, results), in Node and in the browser.
 *
 * @example
 * ```ts
 * import { openBundle } from "@tt/bundle";
 * import { createS3Store } from "@tt/storage-s3";
 *
 * const store = createS3Store({ bucket: "studies", prefix: "eeg/night-1", region: "eu-west-1",
 *   credentials: { accessKeyId: "...", secretAccessKey: "..." } });
 * const dataset = await openBundle(store);
 * ```
 *
 * @module
 */

export {
  createS3Store,
  type S3Credentials,
  type S3Store,
  type S3StoreOptions,
} from "./s3-store.js";
