/** Presigned GET URLs of a bundle's files, for a page that reads a private bucket. */

import { ConfigError, NotFoundError } from "@tt/schema";
import { PINS_PREFIX, WRITERS_PREFIX } from "@tt/storage";
import { AwsV4Signer } from "aws4fetch";
import { connect, listObjects, type S3StoreOptions } from "./s3-store.js";

/** A file of a {@link PresignedBundle}: its presigned URL and its size in bytes. */
export interface PresignedFile {
  url: string;
  size: number;
}

/**
 * A bundle's files as presigned GET URLs, as JSON a page can receive: `createPresignedStore`
 * opens it as a read-only store, without credentials.
 */
export interface PresignedBundle {
  /** Where the bundle is, `s3://<bucket>/<prefix>/`: the location of a store opened from it. */
  location: string;
  /** When the URLs stop working, as an ISO 8601 time. */
  expires: string;
  /** Each file, by its key in the bundle's folder (`manifest.json`, `meta/instance.v1-….parquet`). */
  files: Record<string, PresignedFile>;
}

/** Options of {@link presignBundle}. */
export interface PresignOptions {
  /** How long the URLs work, in seconds: 1 to 604800 (a week, S3's limit); default 3600. */
  expiresIn?: number;
}

/** S3's longest validity of a presigned URL, in seconds. */
const WEEK = 604_800;

/** Keys a reader never reads: the records of writers at work, and a catalog's pins. */
const notRead = (key: string) => key.startsWith(WRITERS_PREFIX) || key.startsWith(PINS_PREFIX);

/**
 * Lists the bundle under `prefix` of `bucket` (with the store options' credentials) and returns a
 * presigned GET URL (AWS signature version 4 in the query, through `aws4fetch`) and the size of
 * each of its files, valid for `expiresIn` seconds: JSON to hand to a page, which opens the bundle
 * with `createPresignedStore` and no credentials. The URLs are for the files there now: a version
 * written later has files the map does not hold, so presign again after a write. A folder without
 * `manifest.json` is a NotFoundError; options without credentials are a ConfigError.
 *
 * @example
 * ```ts
 * import { presignBundle } from "@tt/storage-s3";
 *
 * const presigned = await presignBundle(
 *   { bucket: "studies", prefix: "eeg/night-1", region: "eu-west-1", credentials },
 *   { expiresIn: 900 },
 * );
 * response.end(JSON.stringify(presigned)); // to the page
 * ```
 */
export async function presignBundle(
  options: S3StoreOptions,
  presign: PresignOptions = {},
): Promise<PresignedBundle> {
  const { credentials } = options;
  if (credentials === undefined)
    throw new ConfigError(
      "credentials",
      "presigning needs the credentials to sign with; a bundle in a public bucket needs no presigned URLs (read it through createHttpStore(`<endpoint>/<bucket>/<prefix>/`))",
    );
  const expiresIn = presign.expiresIn ?? 3600;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > WEEK)
    throw new ConfigError(
      "expiresIn",
      `must be a whole number of seconds from 1 to ${WEEK} (a week, S3's limit), got ${expiresIn}`,
    );
  const connection = connect(options);
  const location = `s3://${connection.bucket}/${connection.folder}`;
  // One signing time for every URL (whole seconds, as signatures have it): they expire together.
  const signedAt = Math.floor(Date.now() / 1000) * 1000;
  const datetime = new Date(signedAt).toISOString().replace(/[:-]|\.\d{3}/g, "");
  const cache = new Map<string, ArrayBuffer>();
  const files: Record<string, PresignedFile> = {};
  for await (const { key, size } of listObjects(connection, connection.folder)) {
    if (notRead(key)) continue;
    const signer = new AwsV4Signer({
      ...credentials,
      url: `${connection.objectUrl(key)}?X-Amz-Expires=${expiresIn}`,
      method: "GET",
      service: "s3",
      region: connection.region,
      signQuery: true,
      datetime,
      cache,
    });
    files[key] = { url: (await signer.sign()).url.toString(), size };
  }
  if (!Object.hasOwn(files, "manifest.json"))
    throw new NotFoundError(
      `${location}manifest.json`,
      `no bundle at ${location} (it holds no manifest.json): nothing to presign`,
    );
  return { location, expires: new Date(signedAt + expiresIn * 1000).toISOString(), files };
}
