/**
 * The result's lineage, when the server keeps a catalog (`tt serve` with `--catalog FILE` or
 * `TT_CATALOG`): a collapsible side panel with the tree as text, the result first, and a button
 * that copies it as Mermaid. A server without a catalog (404), or one that is not `tt serve`,
 * shows nothing.
 */

import { element } from "./dom.js";

/** What `GET /.tt/lineage` of `tt serve` answers (its `tree` is not needed here). */
export interface LineageAnswer {
  /** The tree as text, one node a line (`formatLineage` of `@tt/catalog`). */
  readonly text: string;
  /** The tree as a Mermaid flowchart. */
  readonly mermaid: string;
}

/** What asking the server for a lineage came to. */
export type LineageOutcome =
  | { readonly kind: "lineage"; readonly answer: LineageAnswer }
  /** No catalog (404), a server that does not answer lineage, or a bundle not over HTTP. */
  | { readonly kind: "none" }
  /** `tt serve` answered with an error other than 404 (its message). */
  | { readonly kind: "error"; readonly message: string };

/** Where a copy goes: `navigator.clipboard`, or a stand-in. */
export interface Clipboard {
  writeText(text: string): Promise<void>;
}

const NONE: LineageOutcome = { kind: "none" };

/**
 * The URL of the lineage of the bundle at `bundleUrl` on the server that serves it: its path
 * relative to the server's origin, as `tt serve` takes it. Undefined for a URL that is not http
 * or https, or that names the server's root.
 *
 * @example
 * ```ts
 * lineageUrl("http://127.0.0.1:8080/study/pca/");
 * // "http://127.0.0.1:8080/.tt/lineage?path=study%2Fpca"
 * ```
 */
export function lineageUrl(bundleUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(bundleUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const segments = url.pathname.split("/").filter((segment) => segment !== "");
  if (segments.length === 0) return undefined;
  let path: string;
  try {
    path = segments.map((segment) => decodeURIComponent(segment)).join("/");
  } catch {
    return undefined;
  }
  return `${url.origin}/.tt/lineage?path=${encodeURIComponent(path)}`;
}

/** Whether `body` is a lineage answer. */
function isAnswer(body: unknown): body is LineageAnswer {
  const answer = body as Partial<LineageAnswer> | null;
  return typeof answer?.text === "string" && typeof answer.mermaid === "string";
}

/**
 * Asks the server that serves `bundleUrl` for its lineage. Never throws: anything but a JSON
 * answer of `tt serve` (a 404, an HTML page, a failed request) is `none`.
 */
export async function fetchLineage(bundleUrl: string): Promise<LineageOutcome> {
  const url = lineageUrl(bundleUrl);
  if (url === undefined) return NONE;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const json = response.headers.get("content-type")?.startsWith("application/json") === true;
    if (response.status === 404 || !json) return NONE;
    const body = (await response.json()) as unknown;
    if (response.ok) return isAnswer(body) ? { kind: "lineage", answer: body } : NONE;
    const error = (body as { error?: unknown } | null)?.error;
    return typeof error === "string" ? { kind: "error", message: error } : NONE;
  } catch {
    return NONE;
  }
}

/** The button that copies `mermaid`, and the line that says how the copy went. */
function copyControls(mermaid: string, clipboard: Clipboard | undefined): HTMLElement {
  const status = element("span", { className: "note", role: "status" });
  const copy = element("button", { type: "button", text: "copy Mermaid" });
  const box = element("div", { className: "lineage-controls" }, [copy, status]);
  copy.addEventListener("click", async () => {
    try {
      if (clipboard === undefined)
        throw new Error("this page has no clipboard (not a secure context)");
      await clipboard.writeText(mermaid);
      status.textContent = "copied";
    } catch (error) {
      // Where the copy fails, the text is shown to select by hand.
      status.textContent = `could not copy: ${(error as Error).message}; the Mermaid text is below`;
      box.querySelector(".lineage-mermaid")?.remove();
      box.append(element("pre", { className: "lineage-mermaid", text: mermaid }));
    }
  });
  return box;
}

/**
 * Shows `outcome` in `host` (the page's `#lineage` aside), which is hidden when there is nothing
 * to show; `host.dataset.state` says which outcome it shows.
 */
export function renderLineage(
  host: HTMLElement,
  outcome: LineageOutcome,
  clipboard: Clipboard | undefined = globalThis.navigator?.clipboard,
): void {
  host.dataset.state = outcome.kind;
  host.hidden = outcome.kind === "none";
  if (outcome.kind === "none") {
    host.replaceChildren();
    return;
  }
  const body =
    outcome.kind === "error"
      ? [element("p", { className: "error", text: `lineage not shown: ${outcome.message}` })]
      : [
          element("pre", { className: "lineage-tree", text: outcome.answer.text }),
          copyControls(outcome.answer.mermaid, clipboard),
        ];
  host.replaceChildren(element("details", {}, [element("summary", { text: "Lineage" }), ...body]));
}

/** Asks for the lineage of the result at `resultUrl` and shows what comes back in `host`. */
export async function showLineage(host: HTMLElement, resultUrl: string | undefined): Promise<void> {
  renderLineage(host, resultUrl === undefined ? NONE : await fetchLineage(resultUrl));
}
