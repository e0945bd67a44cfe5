/**
 * The viewer on the headline dataset (42337 x 1793 x 3 float32, `tooling/bench/headline.ts`),
 * not part of CI: writes the bundle, a PCA result and its pyramids with the built `tt` (kept in
 * the work folder for the next run), serves them with `tt serve --viewer`, and in headless
 * Chromium measures the budgets (first picture, zoom step, bytes) and saves screenshots: the
 * sorted ERP image of each channel, a zoomed-in region, the density scatter with a query.
 *
 *   npx -y pnpm@10 build
 *   npx tsx --conditions=@tt/source apps/viewer/scripts/headline-screenshots.ts <work folder> <shots folder>
 *
 * TT_BENCH_INSTANCES picks fewer instances.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Page } from "playwright-core";
import { type MetaTable, type TensorStream, writeDataset } from "tensortools";
import { HEADLINE, headlineMeta, headlineSignal } from "../../../tooling/bench/headline.js";
import { CHROMIUM_ARGS, ensureChromium } from "../../../tooling/src/chromium.js";
import {
  describeCost,
  firstPictureCost,
  keepResourceTimings,
  zoomStepCost,
} from "../test/erp-budget.js";
import { TT, VIEWER_DIST } from "../test/served-demo.js";

const [work, shots] = process.argv.slice(2);
if (work === undefined || shots === undefined) {
  console.error("usage: headline-screenshots.ts <work folder> <shots folder>");
  process.exit(2);
}
/** The sorted pyramids built: a metadata column, and the PCA's first score (joined by id). */
const SORTS = [{ column: "score_1", from: "pca" }, { column: "score" }] as const;
const QUERY = "label == 'target'";

/** Runs the built `tt` and returns how long it took, in seconds. */
function tt(args: string[]): number {
  const start = performance.now();
  execFileSync(process.execPath, [TT, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  return (performance.now() - start) / 1000;
}

/** The headline tensor and its instance table as a stream of 2048-row blocks. */
function headlineStream(data: Float32Array, meta: MetaTable): TensorStream {
  const { samples, channels } = HEADLINE;
  const slab = samples * channels;
  return {
    axes: ["instance", "sample", "channel"],
    dtype: "float32",
    shape: [meta.numRows, samples, channels],
    blocks: (function* () {
      for (let start = 0; start < meta.numRows; start += 2048) {
        const stop = Math.min(meta.numRows, start + 2048);
        yield { data: data.subarray(start * slab, stop * slab), meta: meta.slice(start, stop) };
      }
    })(),
  };
}

/** Writes what is missing of the dataset, its PCA and its pyramids under `work`. */
async function prepare(): Promise<void> {
  const dataset = join(work!, "dataset");
  if (!existsSync(join(dataset, "manifest.json"))) {
    const start = performance.now();
    await writeDataset(dataset, headlineStream(headlineSignal(), headlineMeta()));
    console.log(
      `wrote the headline dataset in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );
  }
  if (!existsSync(join(work!, "pca", "manifest.json")))
    console.log(
      `tt decompose -m pca -k 3: ${tt(["decompose", dataset, "-m", "pca", "-k", "3", "-o", join(work!, "pca"), "-q"]).toFixed(1)} s`,
    );
  const manifest = JSON.parse(readFileSync(join(dataset, "manifest.json"), "utf8"));
  const pyramids = (manifest.pyramids ?? []) as { sort_by: { column: string } | null }[];
  if (!pyramids.some((p) => p.sort_by === null))
    console.log(`tt pyramid: ${tt(["pyramid", dataset, "-q"]).toFixed(1)} s`);
  for (const sort of SORTS) {
    if (pyramids.some((p) => p.sort_by?.column === sort.column)) continue;
    const from = "from" in sort ? ["--from", join(work!, sort.from)] : [];
    const seconds = tt(["pyramid", dataset, "--sort-by", sort.column, ...from, "-q"]);
    console.log(`tt pyramid --sort-by ${sort.column}: ${seconds.toFixed(1)} s`);
  }
}

/** Starts `tt serve --viewer` on `work` and resolves with the viewer URL of the PCA result. */
function serve(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [TT, "serve", work!, "--viewer", VIEWER_DIST, "--port", "0"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((done, fail) => {
    let text = "";
    child.stdout!.on("data", (chunk) => {
      text += chunk;
      const match = /^viewer: (\S+&result=\S+\/pca\/) /m.exec(text);
      if (match) done({ url: match[1]!, child });
    });
    child.once("exit", (code) => fail(new Error(`tt serve exited with ${code}: ${text}`)));
  });
}

/** Saves a screenshot of `selector` as `<shots>/<name>.png`. */
async function shoot(page: Page, selector: string, name: string): Promise<void> {
  await page.locator(selector).screenshot({ path: join(shots!, `${name}.png`) });
  console.log(`saved ${join(shots!, `${name}.png`)}`);
}

/** The bytes of the first picture by what they were: the app, the dataset's metadata, ... */
function bytesBySource(page: Page): Promise<string> {
  return page.evaluate(() => {
    const groups: Record<string, [number, number]> = {};
    const drawnAt = Number(document.querySelector<HTMLElement>("#erp")!.dataset.firstDrawnAt);
    for (const e of performance.getEntriesByType("resource") as PerformanceResourceTiming[]) {
      if (e.startTime > drawnAt) continue;
      const path = new URL(e.name).pathname;
      const group = path.startsWith("/viewer/")
        ? "viewer app"
        : path.includes(".pyramid.")
          ? "pyramid"
          : path.split("/").slice(1, 3).join("/");
      groups[group] = [
        (groups[group]?.[0] ?? 0) + 1,
        (groups[group]?.[1] ?? 0) + e.encodedBodySize,
      ];
    }
    return Object.entries(groups)
      .map(([group, [n, bytes]]) => `${group} ${n} req ${(bytes / 1e6).toFixed(2)} MB`)
      .join("; ");
  });
}

/** Measures the budgets and takes the screenshots on the served viewer. */
async function browse(url: string): Promise<void> {
  const browser = await chromium.launch({
    executablePath: ensureChromium((line) => console.log(line)),
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1400 } });
    page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
    await keepResourceTimings(page);
    await page.goto(url);
    const first = await firstPictureCost(page);
    console.log(describeCost("first picture (page load to the painted ERP image)", first));
    console.log(
      `  level ${await page.getAttribute("#erp", "data-level")}, ${await page.getAttribute("#erp", "data-tiles")} tiles a channel; sorted: ${await page.textContent("#erp-status")}`,
    );
    console.log(`  by source: ${await bytesBySource(page)}`);
    await page.waitForSelector("#app[data-state=ready]");
    // The result's tables are read after the first picture: when the rest of the page was ready.
    console.log(
      `  rest of the page ready by ${(await page.evaluate(() => performance.now())).toFixed(0)} ms (polled)`,
    );
    await page.selectOption("#erp-sort", "score_1");
    await page.waitForFunction(
      () =>
        document.querySelector("#erp-status")!.textContent!.includes("score_1") &&
        document.querySelector<HTMLElement>("#erp")!.dataset.state === "drawn",
    );
    console.log(`  sorted by score_1: ${await page.textContent("#erp-status")}`);
    const panels = await page.locator("#erp .erp-panel").count();
    for (let c = 0; c < panels; c++)
      await shoot(page, `#erp .erp-panel[data-channel="${c}"]`, `erp-sorted-channel-${c + 1}`);
    for (let step = 1; step <= 3; step++) {
      const zoom = await zoomStepCost(page);
      console.log(describeCost(`zoom step ${step} (x2)`, zoom));
      console.log(
        `  level ${await page.getAttribute("#erp", "data-level")}, window ${await page.getAttribute("#erp", "data-window")}`,
      );
    }
    await shoot(page, "#erp-section", "erp-zoomed");
    await page.fill("#query", QUERY);
    await page.press("#query", "Enter");
    await page.waitForSelector(`#match-count[data-query="${QUERY}"]`);
    console.log(
      `query ${QUERY}: ${await page.getAttribute("#match-count", "data-matches")} matches; scatter mode ${await page.getAttribute("#scatter", "data-mode")}`,
    );
    await page.click("#erp-reset");
    await page.waitForTimeout(1500);
    await shoot(page, "#scatter-section", "scatter-density-query");
    await shoot(page, "#erp-section", "erp-with-query");
    await shoot(page, "#table-section", "instance-table");
  } finally {
    await browser.close();
  }
}

mkdirSync(resolve(work), { recursive: true });
mkdirSync(resolve(shots), { recursive: true });
await prepare();
const { url, child } = await serve();
try {
  console.log(`viewer: ${url}`);
  await browse(url);
} finally {
  child.kill("SIGINT");
}
