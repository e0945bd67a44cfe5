/** Cross-origin access for `tt serve --cors`: off unless asked, then one origin or, explicitly, any. */

/**
 * The `--cors` value checked: `*`, or one origin such as `http://localhost:5173` (scheme, host and
 * port, nothing more). Returns an error message for anything else.
 */
export function checkCorsOrigin(value: string): { origin: string } | { error: string } {
  if (value === "*") return { origin: value };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      error: `--cors takes an origin such as http://localhost:5173, or '*'; got '${value}'`,
    };
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== value)
    return {
      error: `--cors takes an origin (scheme://host[:port], no path or trailing slash), got '${value}'${url.origin !== "null" && url.origin !== value ? `; did you mean ${url.origin}?` : ""}`,
    };
  return { origin: url.origin };
}

/** The CORS headers of a response to a request from `origin`, when `allowed` is set. */
export function corsHeaders(
  allowed: string | undefined,
  origin: string | undefined,
  preflight: boolean,
): Record<string, string> {
  if (allowed === undefined) return {};
  const headers: Record<string, string> = allowed === "*" ? {} : { Vary: "Origin" };
  if (allowed !== "*" && origin !== allowed) return headers;
  headers["Access-Control-Allow-Origin"] = allowed;
  headers["Access-Control-Expose-Headers"] = "Content-Length, Content-Range, Accept-Ranges";
  if (preflight) {
    headers["Access-Control-Allow-Methods"] = "GET, HEAD";
    headers["Access-Control-Allow-Headers"] = "Range, If-Range";
    headers["Access-Control-Max-Age"] = "600";
  }
  return headers;
}
