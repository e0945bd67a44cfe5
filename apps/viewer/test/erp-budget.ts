/**
 * The ERP image's budgets measured in the page: requests, bytes and time of the first picture and
 * of a zoom step, from the page's resource timing (every fetch the page made, counted in the page).
 * Shared by the end-to-end test and `scripts/headline-screenshots.ts`; nothing here asserts a time.
 */

import type { Page } from "playwright-core";

/** What a step fetched and how long it took until the picture was painted. */
export interface StepCost {
  /** Milliseconds until the image was painted from the level that fits. */
  readonly ms: number;
  /** Milliseconds until a first picture from a coarser level already read, when there was one. */
  readonly previewMs?: number;
  /** Requests the page made during the step, all of them and those for pyramid tiles. */
  readonly requests: number;
  readonly tileRequests: number;
  /** Bytes received (response bodies as sent), all and for pyramid tiles. */
  readonly bytes: number;
  readonly tileBytes: number;
}

/** Lets the page keep every resource timing entry (the default buffer keeps 250). */
export async function keepResourceTimings(page: Page): Promise<void> {
  await page.addInitScript(() => performance.setResourceTimingBufferSize(100_000));
}

/** The cost of the resource entries from `from` (an index into them) until `until` ms. */
function costIn(page: Page, from: number, until: number, ms: number): Promise<StepCost> {
  // No named functions inside: the page gets the source as written, without a bundler's helpers.
  return page.evaluate(
    ({ from, until, ms }) => {
      const entries = (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
        .slice(from)
        .filter((e) => e.startTime <= until);
      let bytes = 0;
      let tileBytes = 0;
      let tileRequests = 0;
      for (const e of entries) {
        bytes += e.encodedBodySize;
        if (!/\.pyramid\.[^/]+\/(mean|min|max)\/\d+\/c\//.test(e.name)) continue;
        tileRequests++;
        tileBytes += e.encodedBodySize;
      }
      return { ms, requests: entries.length, tileRequests, bytes, tileBytes };
    },
    { from, until, ms },
  );
}

/** The first picture: from the page's time origin to the first painted ERP image. */
export async function firstPictureCost(page: Page): Promise<StepCost> {
  await page.waitForSelector("#erp[data-first-drawn-at]", { state: "attached", timeout: 120_000 });
  const drawnAt = Number(await page.getAttribute("#erp", "data-first-drawn-at"));
  return costIn(page, 0, drawnAt, drawnAt);
}

/** One zoom step: a click on `button` until the image is painted again. */
export async function zoomStepCost(page: Page, button = "#erp-zoom-in"): Promise<StepCost> {
  const draws = Number(await page.getAttribute("#erp", "data-draws"));
  const { from, start } = await page.evaluate((selector) => {
    const from = performance.getEntriesByType("resource").length;
    const start = performance.now();
    (document.querySelector(selector) as HTMLElement).click();
    return { from, start };
  }, button);
  await page.waitForSelector(`#erp[data-draws='${draws + 1}']`, { timeout: 60_000 });
  const drawnAt = Number(await page.getAttribute("#erp", "data-drawn-at"));
  const previewAt = Number(await page.getAttribute("#erp", "data-preview-at"));
  const cost = await costIn(page, from, drawnAt, drawnAt - start);
  return previewAt > start ? { ...cost, previewMs: previewAt - start } : cost;
}

/** One line of figures, e.g. for the test log and the headline script. */
export function describeCost(what: string, cost: StepCost): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
  return (
    `${what}: ${cost.ms.toFixed(0)} ms${cost.previewMs === undefined ? "" : ` (a coarser picture at ${cost.previewMs.toFixed(0)} ms)`}, ${cost.requests} requests (${cost.tileRequests} pyramid tiles), ` +
    `${mb(cost.bytes)} MB (${mb(cost.tileBytes)} MB of tiles)`
  );
}
