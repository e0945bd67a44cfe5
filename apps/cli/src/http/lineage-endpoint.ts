/**
 * `GET /.tt/lineage?path=<bundle>&direction=up|down` of `tt serve`: the lineage of a bundle under
 * the served folder, from the catalog the server was started with, as JSON for the viewer. Read
 * only; the path is checked as a request's path is, and never leaves the served folder.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { type Catalog, formatLineage, lineageMermaid } from "@tt/catalog";
import { isTensorToolsError } from "tensortools";
import { confinedRealpath } from "./confined-path.js";
import { segmentProblem } from "./request-target.js";

/** The endpoint's path, as segments. */
const ROUTE = [".tt", "lineage"] as const;

/** The parameters the endpoint takes. */
const PARAMETERS = new Set(["path", "direction"]);

/** What the endpoint answers from: the catalog (if any) and the served folder. */
export interface LineageSource {
  /** The catalog the server was started with; without one every request gets 404. */
  catalog: Catalog | undefined;
  /** The served folder as given, absolute, and its real path (every link resolved). */
  root: string;
  realRoot: string;
  /** Told of failures on the server's side (the 500s). */
  onError?: (error: unknown) => void;
}

/** What a lineage request asks for, or why it is refused (400). */
export type LineageQuery =
  | { kind: "query"; path: string; segments: string[]; direction: "up" | "down" }
  | { kind: "refused"; reason: string };

/** Whether a request's path segments name the endpoint. */
export function isLineageRoute(segments: readonly string[], directory: boolean): boolean {
  return (
    !directory && segments.length === 2 && segments[0] === ROUTE[0] && segments[1] === ROUTE[1]
  );
}

/** The query string's parameters, decoded, each known and given at most once; else why not. */
function queryParameters(query: string): Map<string, string> | string {
  const found = new Map<string, string>();
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const raw = equals < 0 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
    let name: string;
    let value: string;
    try {
      [name, value] = raw.map((part) => decodeURIComponent(part.replaceAll("+", " "))) as [
        string,
        string,
      ];
    } catch {
      return "malformed percent-encoding in the query";
    }
    if (!PARAMETERS.has(name))
      return `unknown parameter ${JSON.stringify(name.slice(0, 64))}: the parameters are path and direction`;
    if (found.has(name)) return `the parameter '${name}' is given twice`;
    found.set(name, value);
  }
  return found;
}

/** The segments of `path`, a bundle's folder relative to the served folder; else why not. */
function pathSegments(path: string | undefined): string[] | string {
  if (path === undefined || path === "")
    return "the parameter 'path' is missing: ask for /.tt/lineage?path=<a bundle's folder under the served folder>";
  if (path.startsWith("/")) return "the path must be relative to the served folder, not absolute";
  if (path.includes("\\")) return "backslash in the path";
  const segments = (path.endsWith("/") ? path.slice(0, -1) : path).split("/");
  for (const [i, segment] of segments.entries()) {
    if (segment === "") return "empty segment in the path";
    const problem = segmentProblem(segment, i === 0);
    if (problem !== undefined) return problem.reason;
  }
  return segments;
}

/** Parses the raw request target of a lineage request (its query string). Never throws. */
export function parseLineageQuery(target: string): LineageQuery {
  const start = target.indexOf("?");
  const end = target.indexOf("#", start);
  const query = start < 0 ? "" : target.slice(start + 1, end < 0 ? undefined : end);
  const parameters = queryParameters(query);
  if (typeof parameters === "string") return { kind: "refused", reason: parameters };
  const path = parameters.get("path");
  const segments = pathSegments(path);
  if (typeof segments === "string") return { kind: "refused", reason: segments };
  const direction = parameters.get("direction") ?? "up";
  if (direction !== "up" && direction !== "down")
    return {
      kind: "refused",
      reason: `direction must be 'up' (where it came from) or 'down' (what was made of it), got ${JSON.stringify(direction.slice(0, 64))}`,
    };
  return { kind: "query", path: path!, segments, direction };
}

/** Answers with `body` as JSON (no body for HEAD), never cached. */
function sendJson(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: unknown,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    "Cache-Control": "no-store",
  });
  response.end(request.method === "HEAD" ? undefined : text);
}

/** The lineage of the bundle at `locations` (the first the catalog holds), or undefined. */
function lineageAt(catalog: Catalog, locations: readonly string[], direction: "up" | "down") {
  for (const location of locations) {
    try {
      const tree = catalog.lineage(location, { direction });
      return {
        text: formatLineage(tree, direction),
        mermaid: lineageMermaid(tree, direction),
        tree,
      };
    } catch (error) {
      if (!isTensorToolsError(error, "not-found")) throw error;
    }
  }
  return undefined;
}

/**
 * Answers a lineage request: `{ text, mermaid, tree }` for a bundle the catalog holds; 400 for a
 * malformed query; 404 (`{ error }`) without a catalog, for a path that names nothing inside the
 * served folder (links that lead out included) and for a bundle the catalog does not hold.
 */
export async function answerLineage(
  request: IncomingMessage,
  response: ServerResponse,
  source: LineageSource,
): Promise<void> {
  const query = parseLineageQuery(request.url ?? "");
  if (query.kind === "refused") return sendJson(request, response, 400, { error: query.reason });
  const { catalog, root, realRoot } = source;
  if (catalog === undefined)
    return sendJson(request, response, 404, {
      error: "no catalog: start tt serve with --catalog FILE or TT_CATALOG=FILE to see lineage",
    });
  const missing = { error: `the catalog holds no bundle at '${query.path}' in the served folder` };
  try {
    const real = await confinedRealpath(join(realRoot, ...query.segments), realRoot);
    if (typeof real !== "string") return sendJson(request, response, 404, missing);
    // The catalog keeps locations as registered (not resolved): the path as served comes first.
    const lineage = lineageAt(catalog, [join(root, ...query.segments), real], query.direction);
    sendJson(request, response, lineage === undefined ? 404 : 200, lineage ?? missing);
  } catch (error) {
    source.onError?.(error);
    sendJson(request, response, 500, { error: "internal server error" });
  }
}
