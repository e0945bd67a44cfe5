/**
 * The ERP image end to end in headless Chromium, on the demo with its pyramids (`tt pyramid`,
 * stored order and sorted by score_1) served by `tt serve --viewer`: the first picture and a zoom
 * step fetch only the tiles of the level that fits, each once (requests and bytes counted in the
 * page and printed with the time they took, never asserted as timings); a click on a row opens
 * that instance; the query's rows are marked; a column without a sorted pyramid is read from the
 * base rows in view.
 */

import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { openPyramid } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../../../tooling/src/chromium.js";
import { describeCost, firstPictureCost, keepResourceTimings, zoomStepCost } from "./erp-budget.js";
import { type ServedDemo, serveDemo } from "./served-demo.js";

/** Bytes of one tile of a level: 256 x 256 elements x 4 channels of float32, uncompressed. */
const TILE_BYTES = 256 * 256 * 4 * 4;
/** Bytes of one base row of the demo: 600 samples x 4 channels of float32. */
const ROW_BYTES = 600 * 4 * 4;

let demo: ServedDemo;
let browser: Browser;
let page: Page;
const errors: string[] = [];

/** A data attribute of the ERP image as a number. */
async function erpNumber(name: string): Promise<number> {
  return Number(await page.getAttribute("#erp", `data-${name}`));
}

/** Picks a sort in the menu and waits for its first picture, whose status says `status`. */
async function sortBy(column: string, status: string): Promise<void> {
  await page.selectOption("#erp-sort", column);
  await page.waitForFunction(
    (expected) =>
      document.querySelector("#erp-status")!.textContent!.includes(expected) &&
      document.querySelector<HTMLElement>("#erp")!.dataset.state === "drawn" &&
      document.querySelector<HTMLElement>("#erp")!.dataset.window!.startsWith("0,"),
    status,
  );
}

beforeAll(async () => {
  demo = await serveDemo({ pyramids: { sortedBy: ["score_1"] } });
  const executablePath = ensureChromium((line) => console.log(line));
  browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (error) => errors.push(error.message));
  await keepResourceTimings(page);
  await page.goto(demo.viewerUrl);
  await page.waitForSelector("#app[data-state=ready]", { timeout: 30_000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe("the ERP image on the served demo", () => {
  it("draws the first picture from the sorted pyramid's level that fits, each tile fetched once", async () => {
    const first = await firstPictureCost(page);
    console.log(describeCost("demo first picture", first));
    expect(await page.textContent("#erp-status")).toContain("sorted by score_1");
    expect(await erpNumber("level")).toBe(1);
    const tiles = await erpNumber("tiles");
    expect(tiles).toBe(4);
    expect(first.tileRequests).toBe(tiles);
    expect(first.tileBytes).toBe(tiles * TILE_BYTES);
    expect(await page.locator("#erp canvas").count()).toBe(4);
    // The result's tables are read after the first picture, not for it.
    const early = await page.evaluate((until) => {
      const entries = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      return entries.filter((e) => e.startTime <= until).map((e) => new URL(e.name).pathname);
    }, first.ms);
    expect(early.filter((path) => path.includes("/factor_tables/"))).toEqual([]);
    expect(early.filter((path) => /\/(min|max)\/\d+\/zarr\.json$/.test(path))).toEqual([]);
  });

  it("zooms in to the base rows of the window, each range fetched once for every channel", async () => {
    const zoom = await zoomStepCost(page);
    console.log(describeCost("demo zoom step (sorted, to level 0)", zoom));
    expect(await erpNumber("level")).toBe(0);
    expect(await page.getAttribute("#erp", "data-window")).toBe("150,450,150,450");
    expect(zoom.tileRequests).toBe(0);
    // Rows in view in 64-row tiles, sorted rows read by runs of consecutive base rows.
    expect(zoom.requests).toBeLessThanOrEqual(6 * 64);
    expect(zoom.bytes).toBeLessThanOrEqual(6 * 64 * ROW_BYTES);
  });

  it("reads the stored-order pyramid when asked, and a zoom step there is a few range reads", async () => {
    await sortBy("", "stored order");
    expect(await erpNumber("level")).toBe(1);
    const zoom = await zoomStepCost(page);
    console.log(describeCost("demo zoom step (stored order, to level 0)", zoom));
    expect(await erpNumber("level")).toBe(0);
    // One range per 64-row tile and base chunk it touches (6 tiles, one crossing the chunk
    // boundary at row 437), and one length check per base chunk read.
    expect(zoom.requests).toBeLessThanOrEqual(6 + 1 + 2);
    expect(zoom.bytes).toBeLessThanOrEqual(6 * 64 * ROW_BYTES);
    await page.click("#erp-reset");
  });

  it("opens the instance of a clicked row, in the pyramid's order", async () => {
    await sortBy("score_1", "sorted by score_1");
    const pyramid = await openPyramid(join(demo.dir, "dataset"), { sortBy: "score_1" });
    const canvas = (await page.locator("#erp .erp-panel canvas").first().boundingBox())!;
    const row = 100;
    const imageHeight = 300 - 22;
    await page.mouse.click(
      canvas.x + canvas.width / 2,
      canvas.y + ((row + 0.5) / 600) * imageHeight,
    );
    await page.waitForSelector("#app[data-selected]");
    const id = await page.getAttribute("#app", "data-selected");
    const ids = demo.view.dataset.meta("instance").column("instance_id").values as string[];
    const at = Array.from(pyramid.order!).findIndex((datasetRow) => ids[datasetRow] === id);
    // A pixel of the image spans 600 / 278 rows: the row under the pointer is within that.
    expect(Math.abs(at - row)).toBeLessThanOrEqual(2);
  });

  it("marks the query's rows on the image", async () => {
    const query = "event_type == 'target'";
    const expected = demo.view.query("instance", query).shape[0]!;
    await page.fill("#query", query);
    await page.press("#query", "Enter");
    await page.waitForSelector(`#match-count[data-query="${query}"]`);
    expect(await erpNumber("selected")).toBe(expected);
  });

  it("reads the base rows in view for a column without a sorted pyramid", async () => {
    await sortBy("score_2", "tt pyramid");
    expect(await erpNumber("level")).toBe(0);
    const [rowStart, rowEnd] = (await page.getAttribute("#erp", "data-window"))!
      .split(",")
      .map(Number);
    expect(rowEnd! - rowStart!).toBe(200);
    expect(errors).toEqual([]);
  });
});
