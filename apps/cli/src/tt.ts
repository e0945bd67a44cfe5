#!/usr/bin/env node
/** The `tt` executable. */

import { runCli } from "./main.js";
import { exitQuietlyOnClosedPipe } from "./output.js";

exitQuietlyOnClosedPipe(process.stdout, process.stderr);

const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new DOMException("interrupted", "AbortError")));
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  quiet: false,
  json: false,
  debug: false,
  signal: controller.signal,
});
process.exitCode = code;
