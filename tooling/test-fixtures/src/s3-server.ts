/**
 * A local S3-compatible server for tests: s3rver over a temporary folder, on 127.0.0.1, with one
 * bucket whose CORS rule lets any page read it (GET and HEAD, any request header, the length and
 * range headers exposed), as a bucket served to browsers is configured.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The credentials s3rver accepts. */
export const S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** A running server with one bucket. */
export interface S3Server {
  /** Its origin, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** The bucket, `test-bucket`. */
  readonly bucket: string;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

/** Any page may read the bucket, with a `Range` header, and see the sizes of what it reads. */
const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>Content-Length</ExposeHeader>
    <ExposeHeader>Content-Range</ExposeHeader>
    <ExposeHeader>ETag</ExposeHeader>
  </CORSRule>
</CORSConfiguration>`;

/**
 * Starts s3rver on 127.0.0.1 at a free port, over a temporary folder, with the bucket
 * `test-bucket` (CORS open to any page for reads). s3rver checks that a signature names a known
 * access key ({@link S3_CREDENTIALS}) and that a presigned URL has not expired, but does not
 * verify version 4 signatures themselves, and lets unsigned requests through.
 *
 * @example
 * ```ts
 * const server = await startS3Server();
 * const store = createS3Store({ endpoint: server.endpoint, bucket: server.bucket, credentials: S3_CREDENTIALS });
 * await server.close();
 * ```
 */
export async function startS3Server(): Promise<S3Server> {
  // Loaded here, so that tests that never start a server do not load it.
  // @ts-expect-error: s3rver ships no type declarations.
  const { default: S3rver } = await import("s3rver");
  const directory = mkdtempSync(join(tmpdir(), "tt-s3-"));
  const bucket = "test-bucket";
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [CORS] }],
  });
  const { address, port } = await server.run();
  return {
    endpoint: `http://${address}:${port}`,
    bucket,
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
