/**
 * Exporting the selection end to end in headless Chromium, on the demo served by `tt serve
 * --viewer`: the Parquet download, the Arrow IPC copy (clipboard granted) and its download
 * fallback (no clipboard), and `window.ttViewer.selectionTable()`, each equal to what the library
 * selects with the same query, in the instance table's order.
 */

import { readFileSync } from "node:fs";
import { fromArrowIPC } from "@tt/arrow";
import { parquetMetaIO } from "@tt/meta-parquet";
import { type Browser, chromium, type Page } from "playwright-core";
import { createMemoryStore, type MetaTable } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../../../tooling/src/chromium.js";
import { type ServedDemo, serveDemo } from "./served-demo.js";

const QUERY = "event_type == 'target' and score_1 > 0";

let demo: ServedDemo;
let browser: Browser;
let page: Page;
let origin: string;

/** What the library selects with QUERY, as records keyed by column. */
function expectedRecords() {
  const meta = demo.view.query("instance", QUERY).meta("instance");
  return meta.toRecords();
}

/** Checks that `table` holds the expected rows in `order` of ids, with instance_id first. */
function expectSelection(table: MetaTable, ids: readonly string[]) {
  const byId = new Map(expectedRecords().map((record) => [record.instance_id, record]));
  expect(table.columnNames[0]).toBe("instance_id");
  expect(table.columnNames.slice(1, 4)).toEqual(["score_1", "score_2", "score_3"]);
  expect(table.numRows).toBe(byId.size);
  expect(table.column("instance_id").values).toEqual(ids);
  for (const record of table.toRecords()) expect(record).toEqual(byId.get(record.instance_id));
}

/** The ids in the instance table's current order, as the page reports them. */
function pageOrder(): Promise<string[]> {
  return page.evaluate(async () => {
    const viewer = window.ttViewer!;
    const table = await viewer.selectionTable();
    return Array.from(table.getChild("instance_id")!.toArray() as string[]);
  });
}

/** Clicks `button` and returns the bytes and name of the download it starts. */
async function download(button: string) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

beforeAll(async () => {
  demo = await serveDemo();
  origin = new URL(demo.viewerUrl).origin;
  browser = await chromium.launch({
    executablePath: ensureChromium((line) => console.log(line)),
    args: [...CHROMIUM_ARGS],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1300 }, acceptDownloads: true });
  page.setDefaultTimeout(15_000);
  await page.goto(demo.viewerUrl);
  await page.waitForSelector("#app[data-state=ready]", { timeout: 30_000 });
  await page.fill("#query", QUERY);
  await page.press("#query", "Enter");
  await page.waitForSelector(`#match-count[data-query="${QUERY}"]`);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe("exporting the viewer's selection", () => {
  it("hands the page the selection as an Arrow table, in the table's order", async () => {
    const ids = expectedRecords().map((record) => record.instance_id);
    expect(await pageOrder()).toEqual(ids);
    await page.click('#instance-table th[data-column="score_2"] button');
    await page.waitForSelector('#instance-table[data-sort="score_2"]');
    const sorted = [...expectedRecords()].sort(
      (a, b) => (a.score_2 as number) - (b.score_2 as number),
    );
    expect(await pageOrder()).toEqual(sorted.map((record) => record.instance_id));
  });

  it("downloads the selection as Parquet named after the result", async () => {
    const { name, bytes } = await download("#save-parquet");
    expect(name).toBe("pca-selection.parquet");
    const store = createMemoryStore();
    await store.set(name, new Uint8Array(bytes));
    const table = await parquetMetaIO.read(store, name);
    expectSelection(table, await pageOrder());
    expect(await page.textContent("#export-status")).toBe(
      `downloaded ${table.numRows} rows as ${name}`,
    );
  });

  it("copies the selection as Arrow IPC: base64 text, and the bytes as a web custom format", async () => {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin });
    await page.click("#copy-arrow");
    await page.waitForSelector("#export-status:text('copied')");
    const text = await page.evaluate(() => navigator.clipboard.readText());
    expectSelection(fromArrowIPC(Buffer.from(text, "base64")), await pageOrder());
    const binary = await page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      const type = "web application/vnd.apache.arrow.stream";
      if (!item!.types.includes(type)) return { types: item!.types, bytes: [] as number[] };
      return {
        types: item!.types,
        bytes: [...new Uint8Array(await (await item!.getType(type)).arrayBuffer())],
      };
    });
    expect(binary.types).toContain("web application/vnd.apache.arrow.stream");
    expect(Buffer.from(binary.bytes).equals(Buffer.from(text, "base64"))).toBe(true);
    expect(await page.textContent("#export-status")).toMatch(/^copied \d+ rows as Arrow IPC \(/);
  });

  it("downloads the Arrow IPC stream where the page has no clipboard", async () => {
    await page.evaluate(() =>
      Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined }),
    );
    const { name, bytes } = await download("#copy-arrow");
    expect(name).toBe("pca-selection.arrows");
    expectSelection(fromArrowIPC(new Uint8Array(bytes)), await pageOrder());
    const rows = (await pageOrder()).length;
    expect(await page.textContent("#export-status")).toBe(
      `could not copy (this page has no clipboard (not a secure context)): downloaded ${rows} rows as ${name}`,
    );
  });
});
