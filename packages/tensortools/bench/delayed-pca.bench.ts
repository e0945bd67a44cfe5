/**
 * A streamed PCA of a transformed view against the same PCA of the plain view: the headline
 * bundle (TT_BENCH_INSTANCES x 1793 x 3 float32; 20000 instances, 430 MB, unless set) from the
 * page cache, rank 10, with a memory budget that makes the decomposition stream (every pass reads
 * the data again). The transform is the one of `@tt/query`'s read bench: a baseline (the mean of
 * samples 0..200 subtracted per instance and channel) and a division by a vector along the sample
 * axis, each alone and one after the other; and a multiplication by the vector's reciprocals in
 * place of the division. Every pass applies the baseline again; the division and multiplication,
 * the view's last operations, are folded into the PCA's centering (`ReadableView.rowAffine`) and
 * cost only the scan's pass. Runs alternate between the
 * views; best and median of each are printed with their ratio to the plain view's, in wall time
 * and in CPU time of the process's threads (the steadier figure when the cores are shared).
 *
 * Run: `npx -y pnpm@10 --filter tensortools bench`.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.TT_BENCH_INSTANCES ??= "20000";
const { HEADLINE, headlineMeta, headlineSignal } = await import(
  "../../../tooling/bench/headline.js"
);
const { bestAndMedian, machineLoadLine, printTable, waitForQuiet } = await import(
  "../../../tooling/bench/reference.js"
);
const { decompose, openDataset, writeDataset } = await import("../src/index.js");

const RUNS = Number(process.env.TT_BENCH_RUNS ?? 3);
/** 64 MiB: the 430 MB tensor is read in blocks, as a larger-than-memory one would be. */
const MEMORY_BUDGET = 64 * 2 ** 20;

const root = mkdtempSync(join(tmpdir(), "tt-bench-delayed-pca-"));
try {
  const { instances, samples, channels } = HEADLINE;
  await writeDataset(join(root, "headline"), {
    axes: ["instance", "sample", "channel"],
    dtype: "float32",
    shape: [instances, samples, channels],
    blocks: [{ data: headlineSignal(), meta: headlineMeta() }],
  });
  const plain = await openDataset(join(root, "headline"));
  const scaling = Array.from({ length: samples }, (_, t) => 1 + 0.5 * Math.sin(t / 100));
  const reciprocals = scaling.map((s) => 1 / s);
  const sample = { axis: "sample" };
  const baseline = plain.subtractMean("sample", { start: 0, stop: 200 });
  const config = { rank: 10, memory_budget: MEMORY_BUDGET };
  const pca = async (view: typeof plain) => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const result = await decompose(view, "pca", config);
    const used = process.cpuUsage(cpu);
    return {
      ms: performance.now() - start,
      cpuMs: (used.user + used.system) / 1000,
      ratio: result.diagnostics.explained_variance_ratio,
    };
  };
  console.log(
    `${instances} x ${samples} x ${channels} float32, PCA rank 10, memory budget ${MEMORY_BUDGET / 2 ** 20} MiB; ${machineLoadLine()}`,
  );
  const views = [
    ["plain", plain],
    ["baseline", baseline],
    ["divided by the vector", plain.divide(scaling, sample)],
    ["multiplied by its reciprocals", plain.multiply(reciprocals, sample)],
    ["baseline, then divided", baseline.divide(scaling, sample)],
    ["baseline, then multiplied", baseline.multiply(reciprocals, sample)],
  ] as const;
  for (const [, view] of views) await pca(view);
  const times: number[][] = views.map(() => []);
  const cpuTimes: number[][] = views.map(() => []);
  for (let run = 0; run < RUNS; run++)
    for (const [j, [, view]] of views.entries()) {
      waitForQuiet();
      const { ms, cpuMs } = await pca(view);
      times[j]!.push(ms);
      cpuTimes[j]!.push(cpuMs);
    }
  const stats = times.map(bestAndMedian);
  const cpuStats = cpuTimes.map(bestAndMedian);
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  // CPU time (every thread of the process) says what the work costs when other processes share
  // the cores and stretch the wall time.
  printTable(
    [
      "streamed PCA, rank 10, of the view",
      "best / median",
      "ratio to plain, best / median",
      "CPU time, best / median",
      "CPU ratio, best / median",
    ],
    views.map(([name], j) => [
      name,
      `${seconds(stats[j]!.best)} / ${seconds(stats[j]!.median)} s`,
      `${(stats[j]!.best / stats[0]!.best).toFixed(2)} / ${(stats[j]!.median / stats[0]!.median).toFixed(2)}`,
      `${seconds(cpuStats[j]!.best)} / ${seconds(cpuStats[j]!.median)} s`,
      `${(cpuStats[j]!.best / cpuStats[0]!.best).toFixed(2)} / ${(cpuStats[j]!.median / cpuStats[0]!.median).toFixed(2)}`,
    ]),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
