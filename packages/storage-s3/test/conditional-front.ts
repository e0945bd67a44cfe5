/**
 * A front for s3rver that honours conditional PUTs as AWS S3 documents them (`If-None-Match: *`:
 * only if the key is missing; `If-Match: <etag>`: only if the key's ETag is that one; else HTTP
 * 412), since s3rver itself ignores the headers. Conditional PUTs of one key are handled one at a
 * time, so each is atomic against the others, as on a real server. Everything else is passed on.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { AwsClient } from "aws4fetch";
import { CREDENTIALS } from "./s3-server.js";

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
    const url = `${target}${request.url}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === "string" && name !== "host" && name !== "content-length")
        headers.set(name, value);
    const ifMatch = headers.get("if-match");
    const ifNoneMatch = headers.get("if-none-match");
    if (request.method === "PUT" && (ifMatch !== null || ifNoneMatch !== null)) {
      const head = await signer.fetch(url.split("?")[0]!, { method: "HEAD" });
      const etag = head.ok ? head.headers.get("etag") : null;
      if ((ifNoneMatch === "*" && etag !== null) || (ifMatch !== null && ifMatch !== etag)) {
        response.writeHead(412, { "content-type": "application/xml" });
        response.end("<Error><Code>PreconditionFailed</Code></Error>");
        return;
      }
    }
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    const answer = await fetch(url, {
      method: request.method,
      headers,
      ...(hasBody ? { body: new Uint8Array(body) } : {}),
    });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== "content-encoding" && name !== "transfer-encoding") out[name] = value;
    });
    const bytes = Buffer.from(await answer.arrayBuffer());
    if (request.method !== "HEAD") out["content-length"] = String(bytes.length);
    response.writeHead(answer.status, out);
    response.end(request.method === "HEAD" ? undefined : bytes);
  };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
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
