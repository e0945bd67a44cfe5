/**
 * The viewer end to end in headless Chromium, on the demo served by `tt serve --viewer`: it loads
 * cleanly, plots every scored instance, narrows to what the library's query selects, shows a bad
 * query's error inline, shows a clicked instance beside its reconstruction, and shows the result's
 * lineage from the server's catalog.
 */

import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { compileQuery, isTensorToolsError } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../../../tooling/src/chromium.js";
import { type ServedDemo, serveDemo } from "./served-demo.js";

/** Where the screenshot goes (git-ignored): a test artifact. */
const SCREENSHOT = resolve(import.meta.dirname, "../test-output/viewer.png");

const GOOD_QUERY = "event_type == 'target' and score_1 > 0";
const BAD_QUERY = "score_1 > and qc_pass";

let demo: ServedDemo;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const failedRequests: string[] = [];

/** A data attribute of the first element matching `selector`. */
async function attribute(selector: string, name: string): Promise<string | null> {
  return page.getAttribute(selector, name);
}

/** Types `expression` into the query box and applies it with Enter. */
async function typeQuery(expression: string): Promise<void> {
  await page.fill("#query", expression);
  await page.press("#query", "Enter");
}

beforeAll(async () => {
  demo = await serveDemo({ catalog: true });
  const executablePath = ensureChromium((line) => console.log(line));
  browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
  page.setDefaultTimeout(15_000);
  page.on("console", (message) => {
    // Chromium logs every failed fetch as an error; those are checked by URL below instead.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400) failedRequests.push(response.url());
  });
  await page.goto(demo.viewerUrl);
  await page.waitForSelector("#app[data-state=ready], #app[data-state=error]", { timeout: 30_000 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe("the viewer on the served demo", () => {
  it("loads without errors and plots every instance of the result", async () => {
    expect(await page.textContent("#load-error")).toBe("");
    expect(await attribute("#app", "data-state")).toBe("ready");
    const instances = demo.result.factorTables.instance!.numRows;
    expect(Number(await attribute("#scatter", "data-points"))).toBe(instances);
    expect(Number(await attribute("#match-count", "data-matches"))).toBe(instances);
    expect(await attribute("#component-panels", "data-panels")).toBe("4");
    expect(await attribute("#bars", "data-bars")).toBe("6");
    expect(await page.locator("#component-panels canvas").count()).toBe(4);
    expect(Number(await attribute("#instance-table", "data-rows"))).toBe(100);
  });

  it("narrows the scatter and the table to what the library's query selects", async () => {
    const expected = demo.view.query("instance", GOOD_QUERY).shape[0]!;
    expect(expected).toBeGreaterThan(0);
    await typeQuery(GOOD_QUERY);
    await page.waitForSelector(`#match-count[data-query="${GOOD_QUERY}"]`);
    expect(Number(await attribute("#match-count", "data-matches"))).toBe(expected);
    expect(Number(await attribute("#scatter", "data-points"))).toBe(expected);
    expect(Number(await attribute("#instance-table", "data-rows"))).toBe(Math.min(100, expected));
    expect(await page.isHidden("#query-error")).toBe(true);
  });

  it("shows a bad query's reason and position inline and keeps the last good selection", async () => {
    const before = await attribute("#scatter", "data-points");
    let position = -1;
    try {
      compileQuery(BAD_QUERY);
    } catch (error) {
      if (isTensorToolsError(error, "query")) position = error.position;
    }
    expect(position).toBeGreaterThan(0);
    await typeQuery(BAD_QUERY);
    await page.waitForSelector("#query-error:not([hidden])");
    expect(await attribute("#query-error", "data-position")).toBe(String(position));
    expect(await page.textContent("#query-error .query-error-caret")).toBe(
      `${BAD_QUERY}\n${" ".repeat(position)}^`,
    );
    expect((await page.textContent("#query-error .query-error-reason"))!.length).toBeGreaterThan(0);
    expect(await attribute("#match-count", "data-query")).toBe(GOOD_QUERY);
    expect(await attribute("#scatter", "data-points")).toBe(before);
    expect(await attribute("#app", "data-state")).toBe("ready");
  });

  it("shows a clicked point's waveform per channel beside its reconstruction", async () => {
    const matches = demo.view.query("instance", GOOD_QUERY);
    const meta = matches.meta("instance");
    let top = 0;
    for (let row = 1; row < meta.numRows; row++)
      if ((meta.get(row, "score_1") as number) > (meta.get(top, "score_1") as number)) top = row;
    const id = String(meta.get(top, "instance_id"));
    const x = meta.get(top, "score_1") as number;
    const y = meta.get(top, "score_2") as number;
    const box = (await page.locator("#scatter .u-over").boundingBox())!;
    const range = async (name: string) => Number(await attribute("#scatter", `data-${name}`));
    const [xMin, xMax, yMin, yMax] = await Promise.all(
      ["x-min", "x-max", "y-min", "y-max"].map(range),
    );
    await page.mouse.click(
      box.x + ((x - xMin!) / (xMax! - xMin!)) * box.width,
      box.y + ((yMax! - y) / (yMax! - yMin!)) * box.height,
    );
    await page.waitForSelector(`#app[data-selected="${id}"]`);
    await page.waitForSelector("#instance-panels[data-reconstruction=drawn]");
    expect(await attribute("#instance-panels", "data-panels")).toBe("4");
    expect(await page.locator("#instance-panels canvas").count()).toBe(4);
    expect(await page.textContent("#instance-title")).toContain(id);
    expect(
      await page.locator("#instance-table tr.selected").getAttribute("data-row"),
    ).not.toBeNull();
    mkdirSync(resolve(SCREENSHOT, ".."), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("selects an instance from a table row too", async () => {
    const row = page.locator("#instance-table tbody tr").nth(2);
    const id = await row.locator("td").first().textContent();
    await row.click();
    await page.waitForSelector(`#app[data-selected="${id}"]`);
    await page.waitForSelector("#instance-panels[data-reconstruction=drawn]");
  });

  it("keeps a header cell above every column, sorts by a clicked header and pages", async () => {
    const edges = await page.evaluate(() => {
      const table = document.querySelector("#instance-table table") as HTMLTableElement;
      const rect = (cell: Element) => cell.getBoundingClientRect();
      const heads = Array.from(table.tHead!.rows[0]!.cells, (c) => [rect(c).left, rect(c).right]);
      const cells = Array.from(table.tBodies[0]!.rows[0]!.cells, (c) => [
        rect(c).left,
        rect(c).right,
      ]);
      return { heads, cells };
    });
    expect(edges.heads.length).toBe(edges.cells.length);
    expect(edges.heads).toEqual(edges.cells);
    await typeQuery("");
    await page.click('#instance-table th[data-column="score_1"] button');
    await page.waitForSelector('#instance-table[data-sort="score_1"]');
    const first = Number(
      await page.textContent("#instance-table tbody tr:first-child td:nth-child(2)"),
    );
    await page.click('#instance-table th[data-column="score_1"] button');
    await page.waitForSelector('#instance-table[data-sort="-score_1"]');
    const scores = demo.view.meta("instance").column("score_1").values as Float64Array;
    const top = Number(
      await page.textContent("#instance-table tbody tr:first-child td:nth-child(2)"),
    );
    expect(top).toBeCloseTo(Math.max(...scores), 2);
    expect(first).toBeCloseTo(Math.min(...scores), 2);
    await page.click('#table-pager button[aria-label="last page"]');
    await page.waitForSelector("#table-pager .pager[data-page='5']");
    expect(Number(await attribute("#instance-table", "data-rows"))).toBe(scores.length - 500);
    await page.selectOption("#table-pager select", "25");
    expect(await page.getAttribute("#table-pager .pager", "data-pages")).toBe(
      String(Math.ceil(scores.length / 25)),
    );
  });

  it("says the dataset has no pyramid for the ERP image, and how to build one", async () => {
    await page.waitForSelector("#erp[data-state=no-pyramid]");
    expect(await page.textContent("#erp")).toContain("tt pyramid ");
  });

  it("shows the result's lineage from the server's catalog in a side panel, and copies its Mermaid", async () => {
    const origin = new URL(demo.viewerUrl).origin;
    const served = await (await fetch(`${origin}/.tt/lineage?path=pca`)).json();
    expect(served.text).toMatch(
      /^result demo\/pca v1 \(.*\n└─ <- input .*\n {3}dataset demo\/dataset v1 /s,
    );
    await page.waitForSelector("#lineage[data-state=lineage]");
    expect(await page.isVisible("#lineage summary")).toBe(true);
    expect(await page.isVisible("#lineage .lineage-tree")).toBe(false);
    await page.click("#lineage summary");
    expect(await page.isVisible("#lineage .lineage-tree")).toBe(true);
    expect(await page.textContent("#lineage .lineage-tree")).toBe(served.text);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin });
    await page.click("#lineage button");
    await page.waitForSelector("#lineage [role=status]:text('copied')");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(served.mermaid);
    await page.click("#lineage summary");
    expect(await page.isVisible("#lineage .lineage-tree")).toBe(false);
  });

  it("logged no errors, and fetched nothing that failed but zarrita's Zarr v2 probes", () => {
    expect(consoleErrors).toEqual([]);
    expect(failedRequests.filter((url) => !/\/\.(zattrs|zarray)$/.test(url))).toEqual([]);
  });
});
