/**
 * Presigned reads in headless Chromium: a page loads the built entry of `@tt/storage-s3` (its
 * dist, bundled for the browser with `@tt/bundle` by esbuild), receives the presigned URL map of a
 * bundle in a private bucket (s3rver with a CORS rule for pages, behind the front that verifies
 * presigned URLs and refuses unsigned requests), opens the bundle and reads rows and a byte range,
 * which the test compares with what was written.
 */

import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { resolve } from "node:path";
import { writeBundle } from "@tt/bundle";
import { createTensor } from "@tt/schema";
import { S3_CREDENTIALS, type S3Server, startS3Server } from "@tt/test-fixtures";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, ensureChromium } from "../../../tooling/src/chromium.js";
import { createS3Store, type PresignedBundle, presignBundle } from "../src/index.js";
import type { PageReading } from "./browser/presigned-page.js";
import { type SigningFront, startSigningFront } from "./signing-front.js";

const BUILT_ENTRY = resolve(import.meta.dirname, "../dist/index.js");
const PAGE_ENTRY = resolve(import.meta.dirname, "browser/presigned-page.ts");
/** The page (with no icon, so that the browser asks for none). */
const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" src="/page.js"></script>`;

const data = Float32Array.from({ length: 30 * 4 }, (_, i) => i * 0.25 - 7);
const ids = Array.from({ length: 30 }, (_, i) => `trial-${i}`);

let s3: S3Server;
let front: SigningFront;
let pages: Server;
let origin: string;
let browser: Browser;
let page: Page;
let presigned: PresignedBundle;
let manifest: Uint8Array;
const requests: { url: string; range: string | undefined }[] = [];
const problems: string[] = [];

/** The page's script: the page entry bundled with the built `@tt/storage-s3`, not its sources. */
async function pageScript(): Promise<string> {
  if (!existsSync(BUILT_ENTRY))
    throw new Error(
      `${BUILT_ENTRY} is missing: build first (npx -y pnpm@10 --filter @tt/storage-s3 build)`,
    );
  const { outputFiles } = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "error",
    plugins: [
      {
        name: "built-storage-s3",
        setup(plugin) {
          plugin.onResolve({ filter: /^@tt\/storage-s3$/ }, () => ({ path: BUILT_ENTRY }));
        },
      },
    ],
  });
  return outputFiles[0]!.text;
}

/** Serves the page and its script on 127.0.0.1 (another origin than the bucket's). */
async function servePage(script: string): Promise<Server> {
  const server = createServer((request, response) => {
    const [type, body] =
      request.url === "/"
        ? ["text/html", PAGE]
        : request.url === "/page.js"
          ? ["text/javascript", script]
          : [undefined, "not found"];
    response.writeHead(type === undefined ? 404 : 200, { "content-type": type ?? "text/plain" });
    response.end(body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return server;
}

beforeAll(async () => {
  s3 = await startS3Server();
  front = await startSigningFront(s3.endpoint);
  const place = {
    endpoint: front.endpoint,
    bucket: s3.bucket,
    prefix: "studies/browser",
    credentials: S3_CREDENTIALS,
  };
  const tensor = createTensor({
    data,
    shape: [30, 4],
    axes: ["trial", "time"],
    axisIndex: { trial: ids },
  });
  const store = createS3Store(place);
  await writeBundle(store, tensor, { chunkShape: [8, 4] });
  manifest = (await store.get("manifest.json"))!;
  presigned = await presignBundle(place, { expiresIn: 600 });
  pages = await servePage(await pageScript());
  origin = `http://127.0.0.1:${(pages.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: ensureChromium((line) => console.log(line)),
    args: [...CHROMIUM_ARGS],
  });
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  page.on("request", (request) => {
    if (request.url().startsWith(front.endpoint))
      requests.push({ url: request.url(), range: request.headers().range });
  });
  page.on("requestfailed", (request) => problems.push(`failed: ${request.url()}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => "readPresigned" in window);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => (pages ? pages.close(done) : done(undefined)));
  await front?.close();
  await s3?.close();
});

describe("a page without credentials", () => {
  it("opens a bundle in a private bucket from its presigned URLs and reads what was written", async () => {
    const reading = await page.evaluate(
      ([map, start, stop]) =>
        (
          window as unknown as {
            readPresigned(m: unknown, a: number, b: number): Promise<PageReading>;
          }
        ).readPresigned(map, start, stop),
      [presigned, 9, 19] as const,
    );
    expect(problems).toEqual([]);
    expect(front.refused).toEqual([]);
    expect(reading.location).toBe("s3://test-bucket/studies/browser/");
    expect(reading.shape).toEqual([30, 4]);
    expect(reading.ids).toEqual(ids);
    expect(reading.rows).toEqual(Array.from(data.subarray(9 * 4, 19 * 4)));
    expect(reading.manifestRange).toEqual(Array.from(manifest.subarray(5, 25)));
    // Every request went to a presigned URL; the byte range as a Range header, across origins.
    expect(requests.length).toBeGreaterThan(2);
    expect(requests.every(({ url }) => /[?&]X-Amz-Signature=[0-9a-f]{64}$/.test(url))).toBe(true);
    expect(requests.filter(({ range }) => range === "bytes=5-24")).toHaveLength(1);
  });
});
