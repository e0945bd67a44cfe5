/** What the test fronts for s3rver share: reading a request, and passing it on. */

import type { IncomingMessage, ServerResponse } from "node:http";

/** The body of `request`, whole. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The headers of `request` to send on (without those of the connection to the front). */
export function forwardedHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers))
    if (typeof value === "string" && name !== "host" && name !== "content-length")
      headers.set(name, value);
  return headers;
}

/** Sends `request` (with `body`) on to the server at `target` and answers with its answer. */
export async function forwardRequest(
  target: string,
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse,
  headers: Headers = forwardedHeaders(request),
): Promise<void> {
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const answer = await fetch(`${target}${request.url}`, {
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
}
