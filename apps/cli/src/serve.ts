/**
 * A static file server for bundles: GET, HEAD and OPTIONS with byte ranges, confined to one
 * folder (and the folders mounted under a prefix), and with a catalog, the lineage of its bundles
 * (`/.tt/lineage`). No request can end the process: every failure of a handler is a 4xx or 5xx
 * response, or a closed connection once the headers are out.
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
import { join, resolve } from "node:path";
import type { Duplex } from "node:stream";
import { openCatalog } from "@tt/catalog";
import { confinedRealpath, refusalOf } from "./http/confined-path.js";
import { corsHeaders } from "./http/cors.js";
import { answerLineage, isLineageRoute, type LineageSource } from "./http/lineage-endpoint.js";
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
  /**
   * A catalog file whose lineage of the served bundles `GET /.tt/lineage?path=...` answers; opened
   * once, when the server starts, and closed when it closes. Without one that answers 404.
   */
  catalog?: string;
}

/** A folder served under a prefix: its segments and its real path. */
interface Folder {
  prefix: string[];
  real: string;
}

const ALLOW = "GET, HEAD, OPTIONS";

/** Whether the request's host is a loopback name, when the server listens on loopback only. */
function hostAllowed(request: IncomingMessage, authority: string | undefined): boolean {
  const host = authority ?? request.headers.host;
  if (host === undefined) return true;
  const name = hostnameOf(host);
  return name !== undefined && isLoopback(name);
}

/** What requests are answered from: the folders, who may read them, and the lineage. */
interface Site {
  cors: string | undefined;
  root: Folder;
  /** Longest prefix first, so a mount inside another wins. */
  mounts: Folder[];
  loopbackOnly: boolean;
  lineage: LineageSource;
  onError: ((error: unknown) => void) | undefined;
}

/** Answers one request: the checks every request passes, then the lineage or a file. */
async function handle(
  site: Site,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  request.on("error", () => {});
  response.setHeader("X-Content-Type-Options", "nosniff");
  const method = request.method ?? "";
  const preflight = method === "OPTIONS";
  for (const [name, value] of Object.entries(
    corsHeaders(site.cors, request.headers.origin, preflight),
  ))
    response.setHeader(name, value);
  if (site.cors === undefined) response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
    sendStatus(response, 405, "method not allowed", { Allow: ALLOW });
    return;
  }
  const target = parseRequestTarget(request.url ?? "");
  if (target.kind === "refused") {
    sendStatus(response, target.status, target.reason);
    return;
  }
  if (
    site.loopbackOnly &&
    !hostAllowed(request, target.kind === "path" ? target.host : undefined)
  ) {
    sendStatus(response, 403, "this server answers requests for localhost only");
    return;
  }
  if (target.kind === "asterisk" || preflight) {
    if (preflight) response.writeHead(204, { Allow: ALLOW }).end();
    else sendStatus(response, 400, "'*' is a target for OPTIONS only");
    return;
  }
  if (isLineageRoute(target.segments, target.directory))
    await answerLineage(request, response, site.lineage);
  else await sendServedFile(site, request, response, target.segments, target.directory);
}

/** Sends the file `segments` name in the folder they fall in, or answers why not. */
async function sendServedFile(
  site: Site,
  request: IncomingMessage,
  response: ServerResponse,
  segments: readonly string[],
  directory: boolean,
): Promise<void> {
  const { root } = site;
  const folder = site.mounts.find((m) => m.prefix.every((part, i) => segments[i] === part)) ?? root;
  if (folder !== root && segments.length === folder.prefix.length && !directory) {
    const location = `/${folder.prefix.map(encodeURIComponent).join("/")}/`;
    sendStatus(response, 301, `moved to ${location}`, { Location: location });
    return;
  }
  const rest = segments.slice(folder.prefix.length);
  const wanted = join(
    folder.real,
    ...rest,
    ...(directory || rest.length === 0 ? ["index.html"] : []),
  );
  const real = await confinedRealpath(wanted, folder.real);
  if (typeof real !== "string") {
    sendStatus(response, real.status, real.reason);
    return;
  }
  let file: FileHandle;
  try {
    file = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal === undefined) throw error;
    sendStatus(response, refusal.status, refusal.reason);
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
    sendFile(request, response, file, real, info, site.onError);
  } finally {
    if (!owned) await file.close().catch(() => {});
  }
}

/** Answers what never reaches a handler: malformed requests with 4xx, CONNECT with 405. */
function answerOutsideHandlers(server: Server): void {
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
}

/**
 * Starts serving `options.root` and resolves once listening. Paths are decoded segment by
 * segment (dot segments, encoded separators and control characters are refused), symbolic links
 * are resolved and refused when they lead out of the folder served, and only regular files are
 * sent, opened without following a link swapped in after the check.
 */
export async function serveDirectory(options: ServeOptions): Promise<Server> {
  const { onError } = options;
  const root: Folder = { prefix: [], real: await realpath(options.root) };
  const mounts: Folder[] = [];
  for (const [prefix, dir] of Object.entries(options.mounts ?? {}))
    mounts.push({ prefix: prefix.split("/").filter(Boolean), real: await realpath(dir) });
  mounts.sort((a, b) => b.prefix.length - a.prefix.length);
  const lineage: LineageSource = {
    catalog: options.catalog === undefined ? undefined : openCatalog(options.catalog),
    root: resolve(options.root),
    realRoot: root.real,
    onError,
  };
  const site: Site = {
    cors: options.cors,
    root,
    mounts,
    loopbackOnly: isLoopback(options.host),
    lineage,
    onError,
  };
  const server = createServer((request, response) => {
    handle(site, request, response).catch((error: unknown) => {
      onError?.(error);
      if (response.headersSent) response.destroy();
      else sendStatus(response, 500, "internal server error");
    });
  });
  answerOutsideHandlers(server);
  await new Promise<void>((done, fail) => {
    const failed = (error: Error) => {
      lineage.catalog?.close();
      fail(error);
    };
    server.once("error", failed);
    server.listen(options.port, options.host, () => {
      server.off("error", failed);
      done();
    });
  });
  server.once("close", () => lineage.catalog?.close());
  // After listening, errors of the listening socket (EMFILE on accept) are reported, not thrown.
  server.on("error", (error) => onError?.(error));
  return server;
}
