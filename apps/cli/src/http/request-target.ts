/**
 * The request target of an HTTP request, checked and split into decoded path segments before
 * any of it touches the file system. Nothing here throws: a target is either a path to look up
 * or a status to answer with.
 */

/** The longest request target looked at; longer ones get 414. */
export const MAX_TARGET_LENGTH = 4096;

/** What a request target asks for. */
export type RequestTarget =
  /** A path: its decoded segments (never empty, `.`, `..`, or holding `/`, `\` or control characters). */
  | { kind: "path"; segments: string[]; directory: boolean; host: string | undefined }
  /** `*`, which only OPTIONS may use. */
  | { kind: "asterisk" }
  /** A target to refuse, with the status and a short reason. */
  | { kind: "refused"; status: 400 | 403 | 414; reason: string };

const ABSOLUTE_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;
// C0 controls, DEL and C1 controls: never part of a file name we serve.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function refused(status: 400 | 403 | 414, reason: string): RequestTarget {
  return { kind: "refused", status, reason };
}

/** Parses `target` (the raw request-target of the request line) into what it asks for. */
export function parseRequestTarget(target: string): RequestTarget {
  if (target.length > MAX_TARGET_LENGTH) return refused(414, "request target too long");
  if (target === "*") return { kind: "asterisk" };
  let path = target;
  let host: string | undefined;
  const absolute = ABSOLUTE_FORM.exec(target);
  if (absolute !== null) {
    const scheme = absolute[1]!.toLowerCase();
    if (scheme !== "http" && scheme !== "https") return refused(400, "not an http URL");
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return refused(400, "malformed URL");
    }
    host = url.host;
    path = absolute[3]!;
    if (!path.startsWith("/")) path = `/${path}`;
  } else if (!target.startsWith("/")) {
    return refused(400, "the request target must be a path");
  }
  const end = path.search(/[?#]/);
  if (end >= 0) path = path.slice(0, end);
  if (CONTROL.test(path)) return refused(400, "control character in the path");
  if (path.includes("\\")) return refused(403, "backslash in the path");
  const segments: string[] = [];
  for (const raw of path.slice(1).split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return refused(400, "malformed percent-encoding");
    }
    const problem = segmentProblem(segment, segments.length === 0);
    if (problem !== undefined) return refused(problem.status, problem.reason);
    segments.push(segment);
  }
  return { kind: "path", segments, directory: path.endsWith("/"), host };
}

/**
 * Why a decoded path segment may not name a file or folder (a control character, `.` or `..`, a
 * separator, a drive letter as the `first` segment), or undefined when it may.
 */
export function segmentProblem(
  segment: string,
  first: boolean,
): { status: 400 | 403; reason: string } | undefined {
  if (CONTROL.test(segment)) return { status: 400, reason: "control character in the path" };
  if (segment === "." || segment === "..")
    return { status: 403, reason: "dot segment in the path" };
  if (segment.includes("/") || segment.includes("\\"))
    return { status: 403, reason: "encoded separator in the path" };
  if (first && /^[A-Za-z]:/.test(segment))
    return { status: 403, reason: "drive letter in the path" };
  return undefined;
}
