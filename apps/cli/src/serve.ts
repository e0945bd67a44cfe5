/** A static file server for bundles: GET and HEAD with byte ranges and CORS, confined to one folder. */

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".json": "application/json",
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Parses a `Range: bytes=a-b` header against `size`; `undefined` for none, `null` if unsatisfiable. */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null || (match[1] === "" && match[2] === "")) return null;
  let start: number;
  let end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(size - 1, Number(match[2]));
  }
  return start <= end && start < size ? { start, end } : null;
}

/**
 * Starts serving `root` on `host:port` (port 0 picks a free one) and resolves once listening;
 * `mounts` serve other folders under a path prefix, e.g. `{ "/viewer/": "./viewer/dist" }`.
 */
export async function serveDirectory(
  root: string,
  port: number,
  host: string,
  mounts: Readonly<Record<string, string>> = {},
): Promise<Server> {
  const folders = Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)] as const);
  const server = createServer(async (request, response) => {
    response.setHeader("Access-Control-Allow-Origin", "*");
    response.setHeader("Access-Control-Allow-Headers", "Range");
    response.setHeader(
      "Access-Control-Expose-Headers",
      "Content-Length, Content-Range, Accept-Ranges",
    );
    if (request.method === "OPTIONS") {
      response.writeHead(204).end();
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD, OPTIONS" }).end();
      return;
    }
    const url = new URL(request.url ?? "/", "http://localhost");
    const mount = folders.find(([prefix]) => url.pathname.startsWith(prefix));
    const base = mount ? mount[1] : resolve(root);
    const relativePath = mount ? url.pathname.slice(mount[0].length) : url.pathname;
    let path: string;
    try {
      path = normalize(join(base, decodeURIComponent(relativePath)));
      if (relativePath === "" || relativePath.endsWith("/")) path = join(path, "index.html");
    } catch {
      response.writeHead(400).end();
      return;
    }
    if (!path.startsWith(base + sep)) {
      response.writeHead(403).end();
      return;
    }
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    const headers = {
      "Accept-Ranges": "bytes",
      "Content-Type": TYPES[extname(path)] ?? "application/octet-stream",
      "Cache-Control": "no-cache",
    };
    const range = parseRange(request.headers.range, info.size);
    if (range === null) {
      response.writeHead(416, { ...headers, "Content-Range": `bytes */${info.size}` }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: info.size - 1 };
    const length = info.size === 0 ? 0 : end - start + 1;
    response.writeHead(range ? 206 : 200, {
      ...headers,
      "Content-Length": String(length),
      ...(range ? { "Content-Range": `bytes ${start}-${end}/${info.size}` } : {}),
    });
    if (request.method === "HEAD" || length === 0) {
      response.end();
      return;
    }
    createReadStream(path, { start, end })
      .on("error", () => response.destroy())
      .pipe(response);
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => done());
  });
  return server;
}
