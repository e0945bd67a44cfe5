/** Writing responses: a status with a one-line text, or a file with its byte range. */

import type { Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";
import { pipeline } from "node:stream";
import { decideRange } from "./byte-range.js";
import { contentType } from "./content-type.js";

/** Answers with `status` and a one-line text body, or drops the connection if headers are out. */
export function sendStatus(
  response: ServerResponse,
  status: number,
  text = STATUS_CODES[status] ?? "error",
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = `${text}\n`;
  response.writeHead(status, {
    ...headers,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
  });
  response.end(body);
}

/** Sends the file `handle` (already checked to be a regular file) and takes ownership of it. */
export function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  handle: FileHandle,
  path: string,
  info: Stats,
  onError?: (error: unknown) => void,
): void {
  const lastModified = info.mtime.toUTCString();
  const headers: Record<string, string> = {
    "Accept-Ranges": "bytes",
    "Content-Type": contentType(path),
    "Cache-Control": "no-cache",
    "Last-Modified": lastModified,
  };
  const ifRange = request.headers["if-range"];
  const range =
    request.method === "GET" && (ifRange === undefined || ifRange === lastModified)
      ? decideRange(request.headers.range, info.size)
      : ({ kind: "whole" } as const);
  if (range.kind === "unsatisfiable") {
    void handle.close();
    sendStatus(response, 416, "range not satisfiable", {
      ...headers,
      "Content-Range": `bytes */${info.size}`,
    });
    return;
  }
  const start = range.kind === "part" ? range.start : 0;
  const end = range.kind === "part" ? range.end : info.size - 1;
  const length = end - start + 1;
  response.writeHead(range.kind === "part" ? 206 : 200, {
    ...headers,
    "Content-Length": String(length),
    ...(range.kind === "part" ? { "Content-Range": `bytes ${start}-${end}/${info.size}` } : {}),
  });
  if (request.method === "HEAD" || length === 0) {
    void handle.close();
    response.end();
    return;
  }
  const stream = handle.createReadStream({ start, end, autoClose: true });
  // A file that shrank since fstat ends early: drop the connection rather than send a short body.
  stream.once("end", () => {
    if (stream.bytesRead < length) response.destroy();
  });
  pipeline(stream, response, (error) => {
    if (error === undefined || error === null) return;
    response.destroy();
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ERR_STREAM_PREMATURE_CLOSE" && code !== "ECONNRESET" && code !== "EPIPE")
      onError?.(error);
  });
}
