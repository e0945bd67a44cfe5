/**
 * A tiny static file server on 127.0.0.1 and an ephemeral port: GET and HEAD, single byte
 * ranges, CORS for every origin (the Vite dev server's page reads bundles from it), and a log of
 * every request so a test can print what a page fetched.
 */

import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

/** A running server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  origin: string;
  /** `<status> <method> <path>` of every request so far. */
  requests: string[];
  close(): Promise<void>;
}

/** Parses a single `bytes=` range against a file of `size` bytes; undefined when unusable. */
function byteRange(header: string, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start <= end && start < size ? { start, end } : undefined;
}

/** Serves the files below `root`. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const log = (status: number) => requests.push(`${status} ${request.method} ${request.url}`);
    response.setHeader("Access-Control-Allow-Origin", "*");
    response.setHeader("Access-Control-Allow-Headers", "*");
    response.setHeader("Access-Control-Expose-Headers", "Content-Length, Content-Range");
    if (request.method === "OPTIONS") {
      response.writeHead(204).end();
      log(204);
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405).end();
      log(405);
      return;
    }
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end();
      log(403);
      return;
    }
    let size: number;
    try {
      let stat = statSync(file);
      if (stat.isDirectory()) {
        file = join(file, "index.html");
        stat = statSync(file);
      }
      size = stat.size;
    } catch {
      response.writeHead(404).end();
      log(404);
      return;
    }
    const headers = {
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
      "Accept-Ranges": "bytes",
      "Cache-Control": "no-store",
    };
    const range = request.headers.range ? byteRange(request.headers.range, size) : undefined;
    if (request.headers.range && range === undefined) {
      response.writeHead(416, { "Content-Range": `bytes */${size}` }).end();
      log(416);
      return;
    }
    const status = range ? 206 : 200;
    response.writeHead(status, {
      ...headers,
      "Content-Length": range ? range.end - range.start + 1 : size,
      ...(range ? { "Content-Range": `bytes ${range.start}-${range.end}/${size}` } : {}),
    });
    log(status);
    if (request.method === "HEAD" || size === 0) response.end();
    else createReadStream(file, range ?? {}).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
