// Loads pages in headless Chromium with playwright-core and reports, per page, what the page
// put in `window.__result`, the console errors, page errors and failed requests. Prints a JSON
// report on its last line.
//
// node drive-chromium.mjs '<{"executablePath": ..., "args": [...], "pages": [{"name", "url"}]}>'

import { chromium } from "playwright-core";

const { executablePath, args, pages } = JSON.parse(process.argv[2]);
const browser = await chromium.launch({ executablePath, args });
const report = { version: browser.version(), pages: [] };
try {
  for (const { name, url } of pages) {
    const page = await browser.newPage();
    const consoleErrors = [];
    const consoleWarnings = [];
    const pageErrors = [];
    const failedRequests = [];
    const abortedAfterAnswer = [];
    // Requests the server answered below 400. Chromium ends bodiless answers (HEAD, 204) with
    // net::ERR_ABORTED, which playwright reports as a failure (microsoft/playwright#32752).
    const answered = new WeakSet();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
      if (message.type() === "warning") consoleWarnings.push(message.text());
    });
    page.on("pageerror", (error) => pageErrors.push(String(error?.stack ?? error)));
    page.on("response", (response) => {
      if (response.status() >= 400)
        failedRequests.push(
          `${response.status()} ${response.request().method()} ${response.url()}`,
        );
      else answered.add(response.request());
    });
    page.on("requestfailed", (request) => {
      const line = `${request.failure()?.errorText} ${request.method()} ${request.url()}`;
      if (answered.has(request) && request.failure()?.errorText === "net::ERR_ABORTED")
        abortedAfterAnswer.push(line);
      else failedRequests.push(line);
    });
    const started = Date.now();
    let result;
    try {
      await page.goto(url);
      await page.waitForFunction(() => window.__result !== undefined, undefined, {
        timeout: 120_000,
      });
      result = await page.evaluate(() => window.__result);
    } catch (error) {
      result = { error: `the page did not report: ${error.message}` };
    }
    report.pages.push({
      name,
      url,
      ms: Date.now() - started,
      result,
      consoleErrors,
      consoleWarnings,
      pageErrors,
      failedRequests,
      abortedAfterAnswer,
    });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
