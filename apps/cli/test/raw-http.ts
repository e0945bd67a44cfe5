/**
 * HTTP over raw TCP sockets, for requests that `fetch` refuses to send (malformed targets,
 * control characters, odd methods), and a strict parse of what comes back.
 */

import { connect } from "node:net";

/** A response as read off the socket, or why there is none. */
export interface RawResponse {
  /** The final status (interim 1xx responses are skipped), or undefined when none was parsed. */
  status: number | undefined;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
  /** Everything the server sent. */
  raw: Buffer;
  /** What went wrong, when the response was not well formed or did not come. */
  problem?: string;
}

/** Parses `raw` as one HTTP/1.x response (after any 1xx), checking its framing. */
export function parseResponse(raw: Buffer, method: string): RawResponse {
  let rest = raw;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0)
      return {
        status: undefined,
        headers: {},
        body: Buffer.alloc(0),
        raw,
        problem: "no end of headers",
      };
    const lines = rest.subarray(0, end).toString("latin1").split("\r\n");
    const statusLine = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n]*)?$/.exec(lines[0]!);
    if (statusLine === null)
      return {
        status: undefined,
        headers: {},
        body: Buffer.alloc(0),
        raw,
        problem: `bad status line ${JSON.stringify(lines[0])}`,
      };
    const status = Number(statusLine[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
      if (match === null)
        return {
          status,
          headers,
          body: Buffer.alloc(0),
          raw,
          problem: `bad header line ${JSON.stringify(line)}`,
        };
      headers[match[1]!.toLowerCase()] = match[2]!;
    }
    rest = rest.subarray(end + 4);
    if (status >= 100 && status < 200) continue;
    const body = rest;
    const length = headers["content-length"];
    const bodyless = method === "HEAD" || status === 204 || status === 304;
    if (bodyless && body.length > 0)
      return { status, headers, body, raw, problem: "a body where none belongs" };
    if (!bodyless && length !== undefined && Number(length) !== body.length)
      return {
        status,
        headers,
        body,
        raw,
        problem: `Content-Length ${length} but ${body.length} bytes`,
      };
    return { status, headers, body, raw };
  }
}

/**
 * Sends `request` (bytes as given) to 127.0.0.1:`port` and reads until the server closes the
 * connection or `timeoutMs` passes. `abortAfterFirstData` closes the socket as soon as a byte
 * arrives, as a client that goes away does.
 */
export function rawRequest(
  port: number,
  request: Buffer | string,
  method: string,
  { timeoutMs = 5000, abortAfterFirstData = false } = {},
): Promise<RawResponse> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    const socket = connect({ port, host: "127.0.0.1" });
    let finished = false;
    const finish = (problem?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      const parsed = parseResponse(raw, method);
      done(problem !== undefined && parsed.problem === undefined ? { ...parsed, problem } : parsed);
    };
    const timer = setTimeout(() => finish("timed out"), timeoutMs);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      if (abortAfterFirstData) finish();
    });
    // A reset after the response is normal for a refused request; what counts is what arrived.
    socket.on("error", () => finish());
    socket.on("close", () => finish());
  });
}
