/**
 * The viewer on results of ICA and Tucker made here from the served demo, in headless Chromium:
 * ICA's power scatter, channel map and activation per component; Tucker's scores, factor curves
 * per axis and core table; and what each cannot show said on the page.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { type DecompositionResult, openResult } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../../../tooling/src/chromium.js";
import { cellText } from "../src/dom.js";
import { runTt, type ServedDemo, serveDemo } from "./served-demo.js";

/** Where the screenshots go (git-ignored): test artifacts. */
const SCREENSHOTS = resolve(import.meta.dirname, "../test-output");

let demo: ServedDemo;
let browser: Browser;
let page: Page;
let ica: DecompositionResult;
let tucker: DecompositionResult;
const consoleErrors: string[] = [];

/** Opens the viewer on the result written to `name` in the demo's folder, until it is ready. */
async function openResultPage(name: string): Promise<void> {
  await page.goto(demo.viewerUrl.replace(/\/pca\/$/, `/${name}/`));
  await page.waitForSelector("#app[data-state=ready], #app[data-state=error]", { timeout: 30_000 });
}

/** A data attribute of the first element matching `selector`. */
function attribute(selector: string, name: string): Promise<string | null> {
  return page.getAttribute(selector, name);
}

/** Clicks the third row of the instance table and waits for it to be selected: its id. */
async function selectThirdRow(): Promise<string> {
  const row = page.locator("#instance-table tbody tr").nth(2);
  const id = (await row.locator("td").first().textContent())!;
  await row.click();
  await page.waitForSelector(`#app[data-selected="${id}"]`);
  return id;
}

beforeAll(async () => {
  demo = await serveDemo();
  const dataset = join(demo.dir, "dataset");
  const ranks = join(demo.dir, "tucker-ranks.json");
  writeFileSync(ranks, JSON.stringify({ ranks: [2, 3, 2] }));
  await runTt(["decompose", dataset, "-m", "ica", "-k", "3", "-o", join(demo.dir, "ica"), "-q"]);
  await runTt([
    "decompose",
    dataset,
    "-m",
    "tucker",
    "--config",
    ranks,
    "-o",
    join(demo.dir, "tucker"),
    "-q",
  ]);
  ica = await openResult(join(demo.dir, "ica"));
  tucker = await openResult(join(demo.dir, "tucker"));
  const executablePath = ensureChromium((line) => console.log(line));
  browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
  page.setDefaultTimeout(15_000);
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe("the viewer on an ICA result", () => {
  it("plots per-instance power and says there is no components tensor to draw", async () => {
    await openResultPage("ica");
    expect(await page.textContent("#load-error")).toBe("");
    expect(await attribute("#app", "data-state")).toBe("ready");
    expect(await page.textContent("#summary")).toMatch(/^ica of /);
    const instances = ica.factorTables.instance!.numRows;
    expect(Number(await attribute("#scatter", "data-points"))).toBe(instances);
    expect(await page.locator("#x-column option").allTextContents()).toEqual([
      "power_1",
      "power_2",
      "power_3",
    ]);
    expect(await page.inputValue("#y-column")).toBe("power_2");
    expect(await page.textContent("#component-panels")).toBe(
      "components not shown: the result has no components tensor",
    );
    expect(await attribute("#bars", "data-bars")).toBe("3");
  });

  it("draws component 1's channel map with its mixing weights per channel id", async () => {
    const channel = ica.factorTables.channel!;
    const expected = (k: number) =>
      Array.from(
        { length: channel.numRows },
        (_, row) =>
          `${channel.get(row, "channel_id")} ${cellText(channel.get(row, `mixing_${k}`))}`,
      ).join(" · ");
    expect(await attribute("#method-parts", "data-method")).toBe("ica");
    expect(await attribute("#channel-map", "data-component")).toBe("1");
    expect(await attribute("#channel-map", "data-bars")).toBe(String(channel.numRows));
    expect(await page.locator("#channel-map canvas").count()).toBeGreaterThan(0);
    expect(await page.textContent("#channel-map .u-title")).toBe(
      "component 1: mixing_1 per channel",
    );
    expect(await page.textContent("#channel-map .weights")).toBe(expected(1));
    await page.selectOption("#method-component", { label: "3" });
    await page.waitForSelector("#channel-map[data-component='3']");
    expect(await page.textContent("#channel-map .weights")).toBe(expected(3));
  });

  it("draws a selected instance's activation in the chosen component, and no reconstruction", async () => {
    const id = await selectThirdRow();
    await page.waitForSelector(`#activation[data-state=drawn][data-instance="${id}"]`);
    const activations = ica.componentTensors.activations!;
    const samples = activations.shape[2]!;
    expect(await attribute("#activation", "data-samples")).toBe(String(samples));
    const ids = Array.from(activations.axisIndex.instance as ArrayLike<unknown>, String);
    const start = (2 * activations.shape[1]! + ids.indexOf(id)) * samples;
    const course = Array.from(activations.data.subarray(start, start + samples), Number);
    expect(await page.textContent("#activation .u-title")).toBe(
      `activation of component 3 · instance ${id} ` +
        `(min ${cellText(Math.min(...course))}, max ${cellText(Math.max(...course))})`,
    );
    expect(await page.textContent("#instance-panels")).toBe(
      "no reconstruction: the ica result plots power, not scores, and has no components tensor",
    );
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "viewer-ica.png"), fullPage: true });
  });
});

describe("the viewer on a Tucker result", () => {
  it("plots the scores, the components and their share of the fit", async () => {
    await openResultPage("tucker");
    expect(await attribute("#app", "data-state")).toBe("ready");
    expect(Number(await attribute("#scatter", "data-points"))).toBe(
      tucker.factorTables.instance!.numRows,
    );
    expect(await page.locator("#x-column option").allTextContents()).toEqual([
      "score_1",
      "score_2",
    ]);
    expect(await attribute("#component-panels", "data-panels")).toBe("4");
    expect(await attribute("#bars", "data-bars")).toBe("2");
    expect(await page.textContent("#bars .u-title")).toBe("share of the fit");
  });

  it("draws the factor curves of each other axis", async () => {
    expect(await attribute("#method-parts", "data-method")).toBe("tucker");
    expect(await attribute("#factor-curves", "data-factor-axes")).toBe("sample channel");
    expect(await page.locator("#factor-curves .factor-panel canvas").count()).toBeGreaterThan(1);
    expect(await page.locator("#factor-curves .u-title").allTextContents()).toEqual([
      "sample factors (factor_1, factor_2, factor_3)",
      "channel factors (factor_1, factor_2)",
    ]);
  });

  it("shows the core's values in a table per instance factor", async () => {
    const core = tucker.componentTensors.core!;
    expect(await attribute("#core", "data-slices")).toBe("2");
    const cells = page.locator("#core td");
    expect(await cells.count()).toBe(12);
    const shown = await cells.evaluateAll((tds) =>
      tds.map((td) => [td.textContent, Number(td.getAttribute("data-value"))] as const),
    );
    shown.forEach(([text, value], i) => {
      expect(value).toBeCloseTo(Number(core.data[i]), 9);
      expect(text).toBe(cellText(Number(core.data[i])));
    });
    expect(await page.locator("#core caption").allTextContents()).toEqual([
      "instance_factor 1",
      "instance_factor 2",
    ]);
  });

  it("shows a selected instance beside its reconstruction", async () => {
    await selectThirdRow();
    await page.waitForSelector("#instance-panels[data-reconstruction=drawn]");
    expect(await attribute("#instance-panels", "data-panels")).toBe("4");
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "viewer-tucker.png"), fullPage: true });
  });

  it("logged no errors", () => {
    expect(consoleErrors).toEqual([]);
  });
});
