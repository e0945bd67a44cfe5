/**
 * One PCA of a bundle on disk, run by `svd.bench.ts` in its own plain Node process against the
 * built packages (what users run), so that its peak RSS carries no TypeScript loader. Prints one
 * line of JSON, with the time of the first read (kernels started, data read into kernel memory and
 * scanned) beside the whole fit's. Usage: `node fit-child.mjs <bundle> <rank> <power iterations> <oversamples> [budget]`.
 */

import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { openStoredDataset } from "@tt/bundle/fs";
import { pca } from "@tt/decompose-svd";
import { createDataset } from "@tt/query";

/**
 * Peak resident memory of this process in MB. Linux's VmHWM belongs to this program's own address
 * space; `resourceUsage().maxRSS` would also count the parent's resident memory at the fork.
 */
function peakRssMb() {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status);
    if (kb) return Number(kb[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}

// As `tt` does at startup, so that these runs explain its whole-process time: relaxed SIMD, which
// Node 20 has behind a flag (Node 22+ by default), before anything compiles WebAssembly.
if (Number(process.versions.node.split(".")[0]) < 22)
  setFlagsFromString("--experimental-wasm-relaxed-simd");

const [path, rank, powerIterations, oversamples, budget] = process.argv.slice(2);
const start = performance.now();
const dataset = createDataset(await openStoredDataset(path));
const fitStart = performance.now();
let readEnd = fitStart;
const output = await pca.fit(
  dataset,
  pca.validate({
    rank: Number(rank),
    solver: "randomized",
    power_iterations: Number(powerIterations),
    oversamples: Number(oversamples),
    ...(budget === undefined ? {} : { memory_budget: Number(budget) }),
  }),
  {
    seed: 0,
    signal: undefined,
    onProgress(progress) {
      if (progress.phase === "read") readEnd = performance.now();
    },
  },
);
const seconds = (performance.now() - start) / 1000;
const d = output.diagnostics;
console.log(
  JSON.stringify({
    seconds,
    // The first read: kernels started, the data read into kernel memory and scanned.
    readSeconds: (readEnd - fitStart) / 1000,
    maxRssMb: peakRssMb(),
    singularValues: d.singular_values,
    detail: `${d.solver}, ${d.kernels.backend} x${d.kernels.threads}, ${d.passes} passes, ${d.in_memory ? "in memory" : `streamed in blocks of ${d.block_rows} rows`}`,
  }),
);
