/**
 * A static file server for bundles: GET, HEAD and OPTIONS with byte ranges, confined to one
 * folder (and the folders mounted under a prefix). No request can end the process: every failure
 * of a handler is a 4xx or 5xx response, or a closed connection once the headers are out.
 */

import { constants } from "node:fs";
import { type FileHandle, open, realpath } from "node:fs/promises";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import { join, sep } from "node:path";
import type { Duplex } from "node:stream";
import { corsHeaders } from "./http/cors.js";
import { hostnameOf, isLoopback } from "./http/loopback.js";
import { parseRequestTarget } from "./http/request-target.js";
import { sendFile, sendStatus } from "./http/send.js";

/** What {@link serveDirectory} serves, where, and to whom. */
export interface ServeOptions {
  /** The folder to serve at `/`. */
  root: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Interface to listen on, e.g. `127.0.0.1`. */
  host: string;
  /** Other folders served under a path prefix, e.g. `{ "/viewer/": "./viewer/dist" }`. */
  mounts?: Readonly<Record<string, string>>;
  /** The one origin allowed to read across origins, or `*` for any; no CORS headers when absent. */
  cors?: string;
  /** Told of failures on the server's side (the 5xx responses); client mistakes are not reported. */
  onError?: (error: unknown) => void;
}

/** A folder served under a prefix: its segments and its real path. */
interface Folder {
  prefix: string[];
  real: string;
}

const ALLOW = "GET, HEAD, OPTIONS";
const NOT_FOUND_CODES = new Set(["ENOENT", "ENOTDIR", "ELOOP", "ENAMETOOLONG", "EISDIR"]);

/** Whether the request's host is a loopback name, when the server listens on loopback only. */
function hostAllowed(request: IncomingMessage, authority: string | undefined): boolean {
  const host = authority ?? request.headers.host;
  if (host === undefined) return true;
  const name = hostnameOf(host);
  return name !== undefined && isLoopback(name);
}

/** Whether `path` is `folder` or inside it. */
function inside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/**
 * Starts serving `options.root` and resolves once listening. Paths are decoded segment by
 * segment (dot segments, encoded separators and control characters are refused), symbolic links
 * are resolved and refused when they lead out of the folder served, and only regular files are
 * sent, opened without following a link swapped in after the check.
 */
export async function serveDirectory(options: ServeOptions): Promise<Server> {
  const { cors, onError } = options;
  const rootFolder: Folder = { prefix: [], real: await realpath(options.root) };
  const mounts: Folder[] = [];
  for (const [prefix, dir] of Object.entries(options.mounts ?? {}))
    mounts.push({ prefix: prefix.split("/").filter(Boolean), real: await realpath(dir) });
  // Longest prefix first, so a mount inside another wins.
  mounts.sort((a, b) => b.prefix.length - a.prefix.length);
  const loopbackOnly = isLoopback(options.host);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    request.on("error", () => {});
    response.setHeader("X-Content-Type-Options", "nosniff");
    const method = request.method ?? "";
    const preflight = method === "OPTIONS";
    for (const [name, value] of Object.entries(
      corsHeaders(cors, request.headers.origin, preflight),
    ))
      response.setHeader(name, value);
    if (cors === undefined) response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
      sendStatus(response, 405, "method not allowed", { Allow: ALLOW });
      return;
    }
    const target = parseRequestTarget(request.url ?? "");
    if (target.kind === "refused") {
      sendStatus(response, target.status, target.reason);
      return;
    }
    if (loopbackOnly && !hostAllowed(request, target.kind === "path" ? target.host : undefined)) {
      sendStatus(response, 403, "this server answers requests for localhost only");
      return;
    }
    if (target.kind === "asterisk" || preflight) {
      if (preflight) response.writeHead(204, { Allow: ALLOW }).end();
      else sendStatus(response, 400, "'*' is a target for OPTIONS only");
      return;
    }
    const { segments } = target;
    const folder =
      mounts.find((m) => m.prefix.every((part, i) => segments[i] === part)) ?? rootFolder;
    if (folder !== rootFolder && segments.length === folder.prefix.length && !target.directory) {
      const location = `/${folder.prefix.map(encodeURIComponent).join("/")}/`;
      sendStatus(response, 301, `moved to ${location}`, { Location: location });
      return;
    }
    const rest = segments.slice(folder.prefix.length);
    const wanted = join(
      folder.real,
      ...rest,
      ...(target.directory || rest.length === 0 ? ["index.html"] : []),
    );
    let real: string;
    try {
      real = await realpath(wanted);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (NOT_FOUND_CODES.has(code)) sendStatus(response, 404, "not found");
      else if (code === "EACCES" || code === "EPERM") sendStatus(response, 403, "forbidden");
      else throw error;
      return;
    }
    if (!inside(real, folder.real)) {
      sendStatus(response, 403, "outside the served folder");
      return;
    }
    let file: FileHandle;
    try {
      file = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (NOT_FOUND_CODES.has(code)) sendStatus(response, 404, "not found");
      else if (code === "EACCES" || code === "EPERM") sendStatus(response, 403, "forbidden");
      else throw error;
      return;
    }
    let owned = false;
    try {
      const info = await file.stat();
      if (!info.isFile()) {
        sendStatus(response, 404, "not found");
        return;
      }
      if (request.destroyed || response.destroyed) return;
      owned = true;
      sendFile(request, response, file, real, info, onError);
    } finally {
      if (!owned) await file.close().catch(() => {});
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      onError?.(error);
      if (response.headersSent) response.destroy();
      else sendStatus(response, 500, "internal server error");
    });
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const status =
      error.code === "HPE_HEADER_OVERFLOW"
        ? 431
        : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? 408
          : 400;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  });
  server.on("connect", (_request: IncomingMessage, socket: Duplex) => {
    socket.on("error", () => {});
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nAllow: ${ALLOW}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port, options.host, () => {
      server.off("error", fail);
      done();
    });
  });
  // After listening, errors of the listening socket (EMFILE on accept) are reported, not thrown.
  server.on("error", (error) => onError?.(error));
  return server;
}
