/**
 * A front for s3rver that makes its bucket private as AWS S3 does: a presigned URL (AWS signature
 * version 4 in the query) is verified here, by an implementation of AWS's documented algorithm of
 * its own (not aws4fetch's, which signed it), since s3rver checks only the access key and the
 * expiry; an unsigned request is refused (403 AccessDenied). Requests signed in headers (the
 * writer's) and CORS preflights are passed on unchanged. Every answer lets any page see it.
 */

import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { S3_CREDENTIALS } from "@tt/test-fixtures";
import { forwardRequest, readBody } from "./forward.js";

/** The front: its endpoint, the requests it refused, and how to stop it. */
export interface SigningFront {
  endpoint: string;
  /** `<code> <method> <decoded path>` of each request refused. */
  refused: string[];
  close(): Promise<void>;
}

/** URI encoding as signature version 4 has it: everything but `A-Z a-z 0-9 - . _ ~`. */
const uriEncode = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const hmac = (key: string | Buffer, text: string) =>
  createHmac("sha256", key).update(text).digest();

/**
 * The error code of a presigned request that does not verify, undefined for one that does: the
 * canonical request (method, path, sorted query without the signature, the signed headers,
 * `UNSIGNED-PAYLOAD`), the string to sign with the credential's scope, the key derived from the
 * secret through date, region, service and `aws4_request`, as AWS documents it.
 */
function presignedFault(request: IncomingMessage, url: URL): string | undefined {
  const query = url.searchParams;
  const [accessKeyId, ...scope] = (query.get("X-Amz-Credential") ?? "").split("/");
  if (accessKeyId !== S3_CREDENTIALS.accessKeyId || scope.length !== 4) return "InvalidAccessKeyId";
  const signedHeaders = query.get("X-Amz-SignedHeaders") ?? "";
  const canonical = [
    request.method,
    url.pathname
      .split("/")
      .map((segment) => uriEncode(decodeURIComponent(segment)))
      .join("/"),
    [...query]
      .filter(([name]) => name !== "X-Amz-Signature")
      .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
      .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join("&"),
    signedHeaders
      .split(";")
      .map((name) => `${name}:${String(request.headers[name] ?? "").trim()}\n`)
      .join(""),
    signedHeaders,
    "UNSIGNED-PAYLOAD",
  ].join("\n");
  const toSign = [
    "AWS4-HMAC-SHA256",
    query.get("X-Amz-Date"),
    scope.join("/"),
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n");
  let key = hmac(`AWS4${S3_CREDENTIALS.secretAccessKey}`, scope[0]!);
  for (const part of scope.slice(1)) key = hmac(key, part);
  const expected = hmac(key, toSign).toString("hex");
  return expected === query.get("X-Amz-Signature") ? undefined : "SignatureDoesNotMatch";
}

/** Refuses the request with S3's error document for `code`, readable by any page. */
function refuse(response: ServerResponse, code: string): void {
  response.writeHead(403, {
    "content-type": "application/xml",
    "access-control-allow-origin": "*",
  });
  response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`);
}

/** Starts a front on 127.0.0.1 for the S3 server at `target`. */
export async function startSigningFront(target: string): Promise<SigningFront> {
  const refused: string[] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", "http://front");
    let fault: string | undefined;
    if (request.method !== "OPTIONS" && request.headers.authorization === undefined)
      fault = url.searchParams.has("X-Amz-Algorithm")
        ? presignedFault(request, url)
        : "AccessDenied";
    if (fault !== undefined) {
      refused.push(`${fault} ${request.method} ${decodeURIComponent(url.pathname)}`);
      return refuse(response, fault);
    }
    await forwardRequest(target, request, body, response).catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    refused,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
