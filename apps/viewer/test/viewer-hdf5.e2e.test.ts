/**
 * The viewer on a bundle linked to an HDF5 file (`tt import --h5 --link`), served by `tt serve
 * --viewer`, in headless Chromium: a web worker reads the file by byte ranges (never whole), the
 * page plots the result and shows a selected instance beside its reconstruction.
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { type Browser, chromium, type Page } from "playwright-core";
import { decompose, importHdf5, openDataset, writeResult } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../../../tooling/src/chromium.js";
import { assertBuilt, TT, VIEWER_DIST } from "./served-demo.js";

let dir: string;
let file: string;
let server: ChildProcess;
let browser: Browser;
let page: Page;
let instances: number;
const h5Requests: { method: string; range: string | undefined }[] = [];
const consoleErrors: string[] = [];

function runTt(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [TT, ...args], (error, _out, stderr) =>
      error ? fail(new Error(`tt ${args.join(" ")} failed: ${stderr}`)) : done(),
    );
  });
}

/** The demo's dataset as an HDF5 file, linked as `served/dataset`, with a PCA as `served/pca`. */
async function linkedDemo(): Promise<void> {
  await runTt(["demo", join(dir, "demo"), "--recordings", "3", "--events", "200", "--quiet"]);
  const demo = await openDataset(join(dir, "demo", "dataset"));
  const values = await demo.materialize();
  await h5wasm.ready;
  const h5 = new h5wasm.File(file, "w");
  h5.create_dataset({
    name: "waveforms",
    data: values.data as Float32Array,
    shape: [...values.shape],
    chunks: [50, ...values.shape.slice(1)],
  });
  h5.close();
  mkdirSync(join(dir, "served"));
  const axisMeta = Object.fromEntries(demo.axes.map((axis) => [axis, demo.meta(axis)]));
  await importHdf5(join(dir, "served", "dataset"), file, {
    axes: demo.axes,
    axisMeta,
    axisIndexColumns: demo.axisIndexColumns,
    link: true,
  });
  const linked = await openDataset(join(dir, "served", "dataset"));
  const result = await decompose(linked.query("instance", "qc_pass"), "pca", { rank: 3 });
  instances = result.factorTables.instance!.numRows;
  await writeResult(join(dir, "served", "pca"), result);
}

/** Serves `served` with the viewer; the printed viewer URL. */
function serve(): Promise<string> {
  server = spawn(
    process.execPath,
    [TT, "serve", join(dir, "served"), "--viewer", VIEWER_DIST, "--port", "0"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((done, fail) => {
    let text = "";
    server.stdout!.on("data", (chunk) => {
      text += chunk;
      const match = /^viewer: (\S+&result=\S+\/pca\/) /m.exec(text);
      if (match) done(match[1]!);
    });
    server.once("exit", (code) => fail(new Error(`tt serve exited with ${code}: ${text}`)));
  });
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), "tt-viewer-hdf5-"));
  file = join(dir, "waveforms.h5");
  await linkedDemo();
  const url = await serve();
  browser = await chromium.launch({
    executablePath: ensureChromium((line) => console.log(line)),
    args: [...CHROMIUM_ARGS],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1300 } });
  context.on("request", (request) => {
    if (request.url().endsWith(".h5"))
      h5Requests.push({ method: request.method(), range: request.headers().range });
  });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await page.goto(url);
  await page.waitForSelector("#app[data-state=ready], #app[data-state=error]", { timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server) {
    const exited = new Promise((done) => server.once("exit", done));
    server.kill("SIGINT");
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the viewer on a bundle linked to an HDF5 file", () => {
  it("loads and plots every instance of the result", async () => {
    expect(await page.textContent("#load-error")).toBe("");
    expect(await page.getAttribute("#app", "data-state")).toBe("ready");
    expect(Number(await page.getAttribute("#scatter", "data-points"))).toBe(instances);
  });

  it("shows a selected instance beside its reconstruction, read from the file by byte ranges", async () => {
    const row = page.locator("#instance-table tbody tr").nth(3);
    const id = await row.locator("td").first().textContent();
    await row.click();
    await page.waitForSelector(`#app[data-selected="${id}"]`);
    await page.waitForSelector("#instance-panels[data-reconstruction=drawn]");
    expect(await page.locator("#instance-panels canvas").count()).toBeGreaterThan(0);
    const reads = h5Requests.filter((request) => request.method === "GET");
    expect(reads.length).toBeGreaterThan(0);
    const fetched = reads.reduce((total, { range }) => {
      const [, from, to] = /^bytes=(\d+)-(\d+)$/.exec(range ?? "") ?? [];
      expect(from, "every read of the file is a byte range").toBeDefined();
      return total + Number(to) - Number(from) + 1;
    }, 0);
    const size = statSync(file).size;
    console.log(
      `HDF5 file ${size} bytes: ${reads.length} range requests, ${fetched} bytes fetched to open it and read one instance`,
    );
    expect(fetched).toBeLessThan(size / 2);
  });

  it("logged no errors", () => {
    expect(consoleErrors).toEqual([]);
  });
});
