#!/usr/bin/env node
/** The `tt` executable. */

import { enableRelaxedSimd } from "./relaxed-simd.js";

// Before anything compiles WebAssembly: the kernels then run their relaxed-SIMD build on Node 20.
enableRelaxedSimd();

const { runCli } = await import("./main.js");
const { exitQuietlyOnClosedPipe } = await import("./output.js");

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
