/**
 * The lineage panel's DOM, in headless Chromium: `src/lineage-panel.ts` served by Vite's dev
 * server on a bare page, the server's `/.tt/lineage` answered by the test (a lineage, a 404 of a
 * server without a catalog, a page that is not JSON, an error, a failed request).
 */

import { resolve } from "node:path";
import { type Browser, chromium, type Page, type Route } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../../../tooling/src/chromium.js";

const VIEWER_ROOT = resolve(import.meta.dirname, "..");
/** A bare page with the panel's host and the viewer's styles, the module (from Vite) on `window`. */
const PAGE = `<!doctype html>
<link rel="stylesheet" href="/src/styles.css" />
<header><aside id="lineage" aria-label="lineage" data-state="loading" hidden></aside></header>
<script type="module">
  import * as panel from "/src/lineage-panel.ts";
  window.lineagePanel = panel;
</script>`;

/** A lineage answer of `tt serve`, with the box-drawing lines `formatLineage` writes. */
const ANSWER = {
  text:
    "result study/pca b v1 (4f0c2a9e1b3d)\n" +
    '└─ <- input [query {"axis":"instance","expr":"qc_pass"}]\n' +
    "   dataset study/all v2 (91aa03c4d5e6)\n" +
    "   └─ <- previous version\n" +
    "      dataset study/all v1 (0c1d2e3f4a5b)\n",
  mermaid:
    'flowchart BT\n  n0["result study/pca b v1 (4f0c2a9e1b3d)"]\n  n1["dataset study/all v2 (91aa03c4d5e6)"]\n  n1 --> n0\n',
  tree: { type: "version", key: "study/pca b", children: [] },
};

let vite: ViteDevServer;
let origin: string;
let browser: Browser;
let page: Page;
/** How the next `/.tt/lineage` request is answered, and the URLs asked for. */
let answer: (route: Route) => Promise<void>;
const asked: string[] = [];

/** A JSON response of `status`. */
function json(status: number, body: unknown) {
  return (route: Route) =>
    route.fulfill({
      status,
      contentType: "application/json; charset=utf-8",
      body: JSON.stringify(body),
    });
}

/** The module under test, as the page holds it on `window`. */
interface PanelModule {
  showLineage(host: HTMLElement, resultUrl: string): Promise<void>;
  renderLineage(host: HTMLElement, outcome: unknown, clipboard?: unknown): void;
}

/** Runs `showLineage` on the page for the result at `path` and returns the panel's state. */
async function show(path = "/study/pca%20b/") {
  await page.evaluate(async (result) => {
    const panel = (window as unknown as { lineagePanel: PanelModule }).lineagePanel;
    const host = document.getElementById("lineage")!;
    await panel.showLineage(host, new URL(result, location.href).href);
  }, path);
  return page.evaluate(() => {
    const host = document.getElementById("lineage")!;
    return { state: host.dataset.state, hidden: host.hidden, html: host.innerHTML };
  });
}

beforeAll(async () => {
  vite = await createServer({
    root: VIEWER_ROOT,
    configFile: resolve(VIEWER_ROOT, "vite.config.ts"),
    logLevel: "error",
    server: { host: "127.0.0.1", port: 0, hmr: false },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  await vite.listen();
  origin = vite.resolvedUrls!.local[0]!.replace(/\/$/, "");
  browser = await chromium.launch({
    executablePath: ensureChromium((line) => console.log(line)),
    args: [...CHROMIUM_ARGS],
  });
  const context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.route(`${origin}/panel.html`, (route) =>
    route.fulfill({
      contentType: "text/html; charset=utf-8",
      body: PAGE,
    }),
  );
  await page.route(
    (url) => url.pathname === "/.tt/lineage",
    (route) => {
      asked.push(route.request().url());
      return answer(route);
    },
  );
  await page.goto(`${origin}/panel.html`);
  await page.waitForFunction(() => "lineagePanel" in window);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await vite?.close();
});

describe("the lineage panel", () => {
  it("shows the tree as text, collapsed, and copies the Mermaid text", async () => {
    answer = json(200, ANSWER);
    const panel = await show();
    expect(asked.at(-1)).toBe(`${origin}/.tt/lineage?path=study%2Fpca%20b`);
    expect([panel.state, panel.hidden]).toEqual(["lineage", false]);
    expect(await page.textContent("#lineage summary")).toBe("Lineage");
    expect(await page.isVisible("#lineage .lineage-tree")).toBe(false);
    await page.click("#lineage summary");
    expect(await page.getAttribute("#lineage details", "open")).toBe("");
    expect(await page.textContent("#lineage .lineage-tree")).toBe(ANSWER.text);
    const style = await page.$eval("#lineage .lineage-tree", (pre) => {
      const computed = getComputedStyle(pre);
      const { whiteSpace, fontFamily, overflowX } = computed;
      return { tag: pre.tagName, whiteSpace, fontFamily, overflowX };
    });
    expect(style.tag).toBe("PRE");
    // The viewer's styles: lines kept whole, monospace, scrolled rather than wrapped.
    expect([style.whiteSpace, style.overflowX]).toEqual(["pre", "auto"]);
    expect(style.fontFamily).toMatch(/monospace/);
    const button = page.locator("#lineage button");
    expect([await button.textContent(), await button.getAttribute("type")]).toEqual([
      "copy Mermaid",
      "button",
    ]);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin });
    await button.click();
    await page.waitForSelector("#lineage [role=status]:text('copied')");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(ANSWER.mermaid);
  });

  it("shows the Mermaid text to select by hand when the copy fails", async () => {
    await page.evaluate((lineage) => {
      const panel = (window as unknown as { lineagePanel: PanelModule }).lineagePanel;
      const refusing = { writeText: () => Promise.reject(new Error("denied")) };
      const host = document.getElementById("lineage")!;
      panel.renderLineage(host, { kind: "lineage", answer: lineage }, refusing);
    }, ANSWER);
    await page.click("#lineage summary");
    await page.click("#lineage button");
    await page.waitForSelector("#lineage .lineage-mermaid");
    expect(await page.textContent("#lineage [role=status]")).toBe(
      "could not copy: denied; the Mermaid text is below",
    );
    expect(await page.textContent("#lineage .lineage-mermaid")).toBe(ANSWER.mermaid);
  });

  it("shows nothing, and no error, without a catalog (404) or from a server that is not tt serve", async () => {
    const cases: [string, (route: Route) => Promise<void>][] = [
      ["no catalog", json(404, { error: "no catalog: start tt serve with --catalog FILE" })],
      ["not registered", json(404, { error: "the catalog holds no bundle at 'study/pca b'" })],
      ["a plain 404", (route) => route.fulfill({ status: 404, body: "not found\n" })],
      [
        "an HTML page",
        (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><p>app</p>" }),
      ],
      ["JSON that is no lineage", json(200, { text: 3 })],
      [
        "JSON that does not parse",
        (route) => route.fulfill({ contentType: "application/json", body: "{" }),
      ],
      ["a failed request", (route) => route.abort("connectionrefused")],
    ];
    for (const [what, respond] of cases) {
      answer = json(200, ANSWER);
      await show();
      answer = respond;
      const panel = await show();
      expect([what, panel]).toEqual([what, { state: "none", hidden: true, html: "" }]);
      expect(await page.isVisible("#lineage")).toBe(false);
    }
  });

  it("shows the server's message when tt serve fails otherwise", async () => {
    answer = json(500, { error: "internal server error" });
    const panel = await show();
    expect([panel.state, panel.hidden]).toEqual(["error", false]);
    await page.click("#lineage summary");
    expect(await page.textContent("#lineage .error")).toBe(
      "lineage not shown: internal server error",
    );
  });

  it("asks nothing for a result at the server's root", async () => {
    const before = asked.length;
    const panel = await show("/");
    expect([panel.state, panel.hidden, asked.length]).toEqual(["none", true, before]);
  });
});
