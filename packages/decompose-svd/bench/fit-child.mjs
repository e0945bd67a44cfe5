/**
 * One PCA of a bundle on disk, run by `svd.bench.ts` in its own plain Node process against the
 * built packages (what users run), so that its peak RSS carries no TypeScript loader. Prints one
 * line of JSON. Usage: `node fit-child.mjs <bundle> <rank> <power iterations> <oversamples> [budget]`.
 */

import { readFileSync } from "node:fs";
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

const [path, rank, powerIterations, oversamples, budget] = process.argv.slice(2);
const start = performance.now();
const dataset = createDataset(await openStoredDataset(path));
const output = await pca.fit(
  dataset,
  pca.validate({
    rank: Number(rank),
    solver: "randomized",
    power_iterations: Number(powerIterations),
    oversamples: Number(oversamples),
    ...(budget === undefined ? {} : { memory_budget: Number(budget) }),
  }),
  { seed: 0, signal: undefined, onProgress() {} },
);
const seconds = (performance.now() - start) / 1000;
const d = output.diagnostics;
console.log(
  JSON.stringify({
    seconds,
    maxRssMb: peakRssMb(),
    singularValues: d.singular_values,
    detail: `${d.solver}, ${d.kernels.backend} x${d.kernels.threads}, ${d.passes} passes, ${d.in_memory ? "in memory" : `streamed in blocks of ${d.block_rows} rows`}`,
  }),
);
