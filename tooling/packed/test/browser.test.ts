/**
 * Check 3: `tensortools/browser` in headless Chromium, bundled three ways in the npm umbrella
 * app: esbuild (--platform=browser, no externals), a Vite production build and the Vite dev
 * server. The page (apps/browser/page) opens check 1's EEG bundle over HTTP, queries it, runs
 * PCA and reports the numbers and the kernel backend; no console or page errors, no failed
 * requests.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../../src/chromium.js";
import { EEG, expectClose } from "../src/figures.js";
import { cleanEnvironment, formatBytes, lastJsonLine, runCommand } from "../src/run.js";
import { type StaticServer, serveStatic } from "../src/static-server.js";
import { type UmbrellaRun, umbrellaRun } from "../src/umbrella-run.js";

interface PageResult {
  error?: string;
  shape: number[];
  selectedIds: string[];
  singularValues: number[];
  explainedVarianceRatio: number[];
  totalVariance: number;
  scoresHead: number[];
  backend: string;
  ms: number;
}

interface PageReport {
  name: string;
  url: string;
  ms: number;
  result: PageResult;
  consoleErrors: string[];
  consoleWarnings: string[];
  pageErrors: string[];
  failedRequests: string[];
  abortedAfterAnswer: string[];
}

let run: UmbrellaRun;
let server: StaticServer;
let chromium: string;
let viteDev: ChildProcess | undefined;

beforeAll(async () => {
  run = await umbrellaRun("npm-umbrella");
  server = await serveStatic(run.app.dir);
  chromium = ensureChromium((line) => console.log(line));
  const version = (name: string) =>
    JSON.parse(readFileSync(join(run.app.dir, "node_modules", name, "package.json"), "utf8"))
      .version as string;
  console.log(
    `browser tools from the registry: esbuild ${version("esbuild")}, vite ${version("vite")}, ` +
      `playwright-core ${version("playwright-core")} (Node ${process.version}); Chromium ${chromium}`,
  );
});

afterAll(async () => {
  if (viteDev?.pid !== undefined && viteDev.exitCode === null)
    process.kill(-viteDev.pid, "SIGTERM");
  await server?.close();
});

/** The page's address with the bundle and the query as parameters. */
function pageUrl(page: string): string {
  const params = new URLSearchParams({ bundle: `${server.origin}/out/eeg`, query: EEG.query });
  return `${page}?${params}`;
}

/** Loads `url` in Chromium through the app's playwright-core and returns the page's report. */
async function loadPage(name: string, url: string): Promise<PageReport> {
  const { stdout } = await runCommand(
    "node",
    [
      "drive-chromium.mjs",
      JSON.stringify({ executablePath: chromium, args: CHROMIUM_ARGS, pages: [{ name, url }] }),
    ],
    { cwd: run.app.dir },
  );
  const report = lastJsonLine<{ version: string; pages: PageReport[] }>(stdout);
  const page = report.pages[0]!;
  console.log(
    `${name} in Chromium ${report.version}: kernels ${page.result.backend}, pca ${page.result.ms} ms in the page, ` +
      `load to report ${page.ms} ms; explained variance ratio ${page.result.explainedVarianceRatio?.map((r) => r.toFixed(6)).join(", ")}` +
      (page.abortedAfterAnswer.length
        ? `; ${page.abortedAfterAnswer.length} answered bodiless requests reported as net::ERR_ABORTED (HEAD)`
        : ""),
  );
  return page;
}

/** The checks every page passes: check 1's numbers, WebAssembly kernels, a clean console. */
function expectGoodPage(page: PageReport): void {
  expect(page.result.error, page.result.error).toBeUndefined();
  expect(page.pageErrors, "page errors").toEqual([]);
  expect(page.consoleErrors, "console errors").toEqual([]);
  expect(page.failedRequests, "failed requests").toEqual([]);
  const node = run.report.eeg;
  const { result } = page;
  expect(result.shape).toEqual([80, 384, 32]);
  expect(result.selectedIds).toEqual(node.selectedIds);
  expectClose(result.singularValues, node.singularValues, 1e-6, 0, "singular values vs Node");
  expectClose(result.explainedVarianceRatio, node.explainedVarianceRatio, 1e-6, 0, "ratio vs Node");
  expectClose([result.totalVariance], [node.totalVariance], 1e-6, 0, "total variance vs Node");
  const scale = Math.max(...node.scoresHead.map(Math.abs));
  expectClose(result.scoresHead, node.scoresHead, 0, 1e-6 * scale, "scores head vs Node");
  expectClose(
    result.explainedVarianceRatio,
    EEG.expected.explained_variance_ratio,
    2e-6,
    0,
    "ratio vs numpy",
  );
  // Chromium has relaxed SIMD: auto must pick the fastest WebAssembly kernels.
  expect(result.backend).toBe("wasm-relaxed-simd");
}

/** Size and gzip size of the JavaScript files in `dir`. */
function scriptSizes(dir: string): { bytes: number; gzip: number; files: number } {
  const scripts = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) =>
    file.endsWith(".js"),
  );
  let bytes = 0;
  let gzip = 0;
  for (const file of scripts) {
    bytes += statSync(join(dir, file)).size;
    gzip += gzipSync(readFileSync(join(dir, file))).byteLength;
  }
  return { bytes, gzip, files: scripts.length };
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `vite` on the page folder and resolves with its origin once it answers. */
async function startViteDev(): Promise<string> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(
    join(run.app.dir, "node_modules/.bin/vite"),
    [
      "page",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--strictPort",
      "--clearScreen",
      "false",
    ],
    {
      cwd: run.app.dir,
      env: cleanEnvironment(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  viteDev = child;
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  for (let waited = 0; waited < 60_000; waited += 250) {
    if (child.exitCode !== null) throw new Error(`vite exited with ${child.exitCode}:\n${output}`);
    const answer = await fetch(`${origin}/`).catch(() => undefined);
    if (answer?.ok) return origin;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`vite did not answer on ${origin} within 60 s:\n${output}`);
}

describe("tensortools/browser in headless Chromium", () => {
  it("esbuild bundle (--bundle --platform=browser --format=esm, no externals): check 1's numbers on WebAssembly kernels, clean console", async () => {
    const { ms } = await runCommand(
      join(run.app.dir, "node_modules/.bin/esbuild"),
      [
        "page/main.js",
        "--bundle",
        "--platform=browser",
        "--format=esm",
        "--minify",
        "--outdir=dist-esbuild",
        "--log-level=error",
      ],
      { cwd: run.app.dir },
    );
    await runCommand("cp", ["page/index.html", "dist-esbuild/"], { cwd: run.app.dir });
    const size = scriptSizes(join(run.app.dir, "dist-esbuild"));
    console.log(
      `esbuild bundle: ${formatBytes(size.bytes)} minified, ${formatBytes(size.gzip)} gzip, built in ${ms} ms`,
    );
    expectGoodPage(await loadPage("esbuild", pageUrl(`${server.origin}/dist-esbuild/index.html`)));
  });

  it("Vite production build: check 1's numbers on WebAssembly kernels, clean console", async () => {
    const { ms } = await runCommand(
      join(run.app.dir, "node_modules/.bin/vite"),
      [
        "build",
        "page",
        "--base",
        "./",
        "--outDir",
        "../dist-vite",
        "--emptyOutDir",
        "--logLevel",
        "error",
      ],
      { cwd: run.app.dir },
    );
    const size = scriptSizes(join(run.app.dir, "dist-vite"));
    console.log(
      `vite build: ${formatBytes(size.bytes)} in ${size.files} scripts, ${formatBytes(size.gzip)} gzip, built in ${ms} ms`,
    );
    expectGoodPage(await loadPage("vite build", pageUrl(`${server.origin}/dist-vite/index.html`)));
  });

  it("Vite dev server: check 1's numbers on WebAssembly kernels, clean console", async () => {
    const started = Date.now();
    const origin = await startViteDev();
    console.log(`vite dev server answered on ${origin} after ${Date.now() - started} ms`);
    expectGoodPage(await loadPage("vite dev", pageUrl(`${origin}/index.html`)));
  });
});
