/**
 * A front for s3rver that honours conditional PUTs as AWS S3 documents them (`If-None-Match: *`:
 * only if the key is missing; `If-Match: <etag>`: only if the key's ETag is that one; else HTTP
 * 412), since s3rver itself ignores the headers. Conditional PUTs of one key are handled one at a
 * time, so each is atomic against the others, as on a real server. Everything else is passed on.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { S3_CREDENTIALS as CREDENTIALS } from "@tt/test-fixtures";
import { AwsClient } from "aws4fetch";
import { forwardedHeaders, forwardRequest, readBody } from "./forward.js";

/** The front: its endpoint, and how to stop it. */
export interface ConditionalFront {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts a front on 127.0.0.1 for the S3 server at `target`. */
export async function startConditionalFront(target: string): Promise<ConditionalFront> {
  const signer = new AwsClient({ ...CREDENTIALS, service: "s3", region: "us-east-1" });
  const queues = new Map<string, Promise<unknown>>();
  const forward = async (request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    const headers = forwardedHeaders(request);
    const ifMatch = headers.get("if-match");
    const ifNoneMatch = headers.get("if-none-match");
    if (request.method === "PUT" && (ifMatch !== null || ifNoneMatch !== null)) {
      const head = await signer.fetch(`${target}${request.url?.split("?")[0]}`, { method: "HEAD" });
      const etag = head.ok ? head.headers.get("etag") : null;
      if ((ifNoneMatch === "*" && etag !== null) || (ifMatch !== null && ifMatch !== etag)) {
        response.writeHead(412, { "content-type": "application/xml" });
        response.end("<Error><Code>PreconditionFailed</Code></Error>");
        return;
      }
    }
    await forwardRequest(target, request, body, response, headers);
  };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    // Conditional PUTs of one key wait for each other; the rest go at once.
    const key = `${request.method} ${request.url?.split("?")[0]}`;
    const previous = request.method === "PUT" ? (queues.get(key) ?? Promise.resolve()) : undefined;
    const done = (previous ?? Promise.resolve()).then(() => forward(request, body, response));
    if (previous !== undefined)
      queues.set(
        key,
        done.catch(() => undefined),
      );
    await done.catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
