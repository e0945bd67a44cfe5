/** `s3://<bucket>/<prefix>` locations, with the server and credentials of the AWS environment. */

import { ConfigError, unsafePathReason } from "@tt/schema";
import type { S3Credentials, S3StoreOptions } from "./s3-store.js";

/** Environment variables, as `process.env` holds them. */
export type S3Environment = Readonly<Record<string, string | undefined>>;

/** A bucket name as S3 allows it. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The process's environment, or none (in a browser). */
function processEnvironment(): S3Environment {
  return (globalThis as { process?: { env?: S3Environment } }).process?.env ?? {};
}

/** The first of `names` set to a non-empty value in `env`, with its name. */
function first(env: S3Environment, ...names: string[]): [string, string] | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") return [name, value];
  }
  return undefined;
}

/** The credentials the environment gives, none for unsigned requests; half a pair is an error. */
function credentialsOf(env: S3Environment): S3Credentials | undefined {
  const accessKeyId = first(env, "AWS_ACCESS_KEY_ID")?.[1];
  const secretAccessKey = first(env, "AWS_SECRET_ACCESS_KEY")?.[1];
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const [set, missing] =
      accessKeyId === undefined
        ? ["AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"]
        : ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];
    throw new ConfigError(
      missing,
      `${set} is set but ${missing} is not: set both to sign requests, or neither for a public bucket`,
    );
  }
  const sessionToken = first(env, "AWS_SESSION_TOKEN")?.[1];
  return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
}

/**
 * The options of `createS3Store` (and `presignBundle`) for the location `url`,
 * `s3://<bucket>/<prefix>`, taken literally (no percent-decoding, as the AWS command line does),
 * with what the standard AWS environment variables say: the server from `AWS_ENDPOINT_URL_S3`,
 * else `AWS_ENDPOINT_URL` (for S3-compatible servers; AWS S3 by default), the region from
 * `AWS_REGION`, else `AWS_DEFAULT_REGION`, and the credentials from `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; without credentials, requests go unsigned (a
 * public bucket). A URL that is not such a location is a ConfigError naming it.
 *
 * @example
 * ```ts
 * import { createS3Store, s3OptionsFromUrl } from "@tt/storage-s3";
 *
 * // AWS_ENDPOINT_URL_S3=http://127.0.0.1:9000 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=...
 * const store = createS3Store(s3OptionsFromUrl("s3://studies/eeg/night-1"));
 * store.location; // "s3://studies/eeg/night-1/"
 * ```
 */
export function s3OptionsFromUrl(
  url: string,
  env: S3Environment = processEnvironment(),
): S3StoreOptions {
  const match = typeof url === "string" ? /^s3:\/\/([^/?#]*)(?:\/([^?#]*))?$/i.exec(url) : null;
  const wrong = (why: string) =>
    new ConfigError(
      "location",
      `${JSON.stringify(url)} is not an S3 location (s3://<bucket>/<prefix>): ${why}`,
    );
  if (match === null)
    throw wrong(
      typeof url === "string" && /^s3:\/\//i.test(url)
        ? "it has a '?' or '#', which S3 locations do not"
        : "it does not start with s3://",
    );
  const bucket = match[1]!;
  if (!BUCKET.test(bucket))
    throw wrong(`'${bucket}' is not a bucket name (3 to 63 lowercase letters, digits, '.', '-')`);
  const prefix = (match[2] ?? "").replace(/\/+$/, "");
  const reason = prefix === "" ? undefined : unsafePathReason(prefix);
  if (reason !== undefined) throw wrong(`the prefix ${reason}`);
  const endpoint = first(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
  if (endpoint !== undefined && !/^https?:\/\/[^/]+\/?$/.test(endpoint[1]))
    throw new ConfigError(
      endpoint[0],
      `${JSON.stringify(endpoint[1])} is not a server's origin (http(s)://host[:port])`,
    );
  const region = first(env, "AWS_REGION", "AWS_DEFAULT_REGION")?.[1];
  const credentials = credentialsOf(env);
  return {
    bucket,
    prefix,
    ...(endpoint === undefined ? {} : { endpoint: endpoint[1] }),
    ...(region === undefined ? {} : { region }),
    ...(credentials === undefined ? {} : { credentials }),
  };
}
