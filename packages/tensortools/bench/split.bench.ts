/**
 * One process against three workers, on the headline bundle (42337 x 1793 x 3 float32, 0.91 GB;
 * TT_BENCH_INSTANCES picks fewer instances): `tt decompose` as users run it, whole processes, in
 * memory (the default budget holds the matrix) and streamed (a 256 MiB budget: every pass reads
 * the bundle, as a split fit does), against `tt decompose --engine` with three `tt worker`
 * processes (one kernel thread each; this machine has 2 cores) on a Redis started here. Prints
 * the times, the overhead per round, the bytes each round moves against the data, that the
 * numbers agree, and a projection to 10, 100 and 1,000 workers on a 430 GB cohort.
 *
 * Run: `npx -y pnpm@10 build`, then `npx tsx --conditions=@tt/source bench/split.bench.ts` in
 * packages/tensortools (its `bench` script). TT_BENCH_RUNS (default 2) runs of each.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { HEADLINE, headlineMeta, headlineSignal } from "../../../tooling/bench/headline.js";
import {
  bestAndMedian,
  machineLoadLine,
  printTable,
  timeProcess,
} from "../../../tooling/bench/reference.js";
import { startRedisServer } from "../../../tooling/src/redis.js";
import { createTensor, openResult, writeDataset } from "../src/index.js";
import { project } from "./projection.js";

const TT = resolve(import.meta.dirname, "../../../apps/cli/dist/tt.js");
const RUNS = Number(process.env.TT_BENCH_RUNS ?? 2);
const WORKERS = 3;
const PARTITIONS = 3;
const STREAMED_BUDGET = 256 * 2 ** 20;

interface Fit {
  label: string;
  method: string;
  rank: number;
  config: Record<string, unknown>;
}

const FITS: Fit[] = [
  { label: "PCA rank 10 (Krylov)", method: "pca", rank: 10, config: {} },
  { label: "CP rank 3, 10 sweeps", method: "cp", rank: 3, config: { n_iter_max: 10, tol: 0 } },
];

/** Starts a `tt worker` (quiet) and resolves when it is ready. */
function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [TT, "worker", url, "--threads", "1", "--quiet"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Promise((done, fail) => {
    child.stdout!.once("data", () => done(child));
    child.once("exit", (code) => fail(new Error(`tt worker exited with ${code}`)));
  });
}

/** Times `tt decompose` of the bundle into `out` (replaced), with more arguments. */
function decompose(root: string, fit: Fit, config: Record<string, unknown>, more: string[]) {
  const file = join(root, `config-${fit.method}.json`);
  writeFileSync(file, JSON.stringify({ ...fit.config, ...config }));
  const out = join(
    root,
    `${fit.method}-${more.length > 0 ? "split" : (config.memory_budget ?? "mem")}`,
  );
  rmSync(out, { recursive: true, force: true });
  const args = [TT, "decompose", join(root, "bundle"), "-m", fit.method, "-k", String(fit.rank)];
  const run = timeProcess(process.execPath, [...args, "--config", file, ...more, "-o", out, "-q"]);
  return { ...run, out };
}

/** The largest relative difference of two results' float columns (scores, factors). */
async function agreement(a: string, b: string): Promise<{ values: number; scores: number }> {
  const [one, two] = await Promise.all([openResult(a), openResult(b)]);
  const diff = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let scale = 0;
    let most = 0;
    for (let i = 0; i < x.length; i++) {
      scale = Math.max(scale, Math.abs(x[i]!));
      most = Math.max(most, Math.abs(x[i]! - y[i]!));
    }
    return most / scale;
  };
  const column = one.method === "cp" ? "weight" : "singular_value";
  const values = diff(
    one.factorTables.component!.column(column).values as Float64Array,
    two.factorTables.component!.column(column).values as Float64Array,
  );
  const scores = diff(
    one.factorTables.instance!.column("score_1").values as Float64Array,
    two.factorTables.instance!.column("score_1").values as Float64Array,
  );
  return { values, scores };
}

const mb = (value: number) => (value > 0 ? `${value.toFixed(0)} MB` : "n/a");

const seconds = (values: number[]) => {
  const { best, median } = bestAndMedian(values);
  return `${best.toFixed(1)} s (median ${median.toFixed(1)})`;
};

async function benchFit(root: string, fit: Fit, url: string, dataBytes: number) {
  const times = { memory: [] as number[], streamed: [] as number[], split: [] as number[] };
  const rss = { memory: 0, streamed: 0, split: 0 };
  let outs = { memory: "", split: "" };
  for (let run = 0; run < RUNS; run++) {
    const memory = decompose(root, fit, {}, []);
    const streamed = decompose(root, fit, { memory_budget: STREAMED_BUDGET }, []);
    const engine = ["--engine", url, "--partitions", String(PARTITIONS)];
    const splitRun = decompose(root, fit, {}, engine);
    times.memory.push(memory.seconds);
    times.streamed.push(streamed.seconds);
    times.split.push(splitRun.seconds);
    rss.memory = Math.max(rss.memory, memory.maxRssMb ?? 0);
    rss.streamed = Math.max(rss.streamed, streamed.maxRssMb ?? 0);
    rss.split = Math.max(rss.split, splitRun.maxRssMb ?? 0);
    outs = { memory: memory.out, split: splitRun.out };
  }
  const split = (await openResult(outs.split)).diagnostics.split as {
    rounds: number;
    bytes_sent: number;
    bytes_received: number;
  };
  const agree = await agreement(outs.memory, outs.split);
  const rounds = split.rounds;
  const perRound =
    (bestAndMedian(times.split).median - bestAndMedian(times.streamed).median) / rounds;
  const moved = (split.bytes_sent + split.bytes_received) / rounds;
  console.log(`\n${fit.label}`);
  printTable(
    ["", "whole process", "vs one process in memory", "peak RSS of tt decompose"],
    [
      ["one process, in memory", seconds(times.memory), "1.00x", mb(rss.memory)],
      [
        `one process, streamed (${STREAMED_BUDGET / 2 ** 20} MiB)`,
        seconds(times.streamed),
        `${(bestAndMedian(times.streamed).median / bestAndMedian(times.memory).median).toFixed(2)}x`,
        mb(rss.streamed),
      ],
      [
        `${WORKERS} workers, ${PARTITIONS} partitions (the coordinator's RSS)`,
        seconds(times.split),
        `${(bestAndMedian(times.split).median / bestAndMedian(times.memory).median).toFixed(2)}x`,
        mb(rss.split),
      ],
    ],
  );
  console.log(
    `rounds ${rounds}; overhead per round against the streamed process ${perRound.toFixed(2)} s; ` +
      `moved per round ${(moved / 2 ** 20).toFixed(1)} MiB = ${((100 * moved) / dataBytes).toFixed(2)}% of the data; ` +
      `agreement: ${fit.method === "cp" ? "weights" : "singular values"} ${agree.values.toExponential(1)}, score_1 ${agree.scores.toExponential(1)} (largest relative difference)`,
  );
  return { rounds, movedPerRound: moved, roundSeconds: bestAndMedian(times.split).median / rounds };
}

async function main(): Promise<void> {
  const { instances, samples, channels } = HEADLINE;
  const dataBytes = instances * samples * channels * 4;
  const root = mkdtempSync(join(tmpdir(), "tt-bench-split-"));
  const redis = await startRedisServer();
  const workers: ChildProcess[] = [];
  try {
    console.log(
      `Split fits: ${instances} x ${samples} x ${channels} float32 (${(dataBytes / 1e9).toFixed(2)} GB), ${RUNS} runs of each; machine: ${machineLoadLine()}`,
    );
    await writeDataset(
      join(root, "bundle"),
      createTensor({
        data: headlineSignal(),
        shape: [instances, samples, channels],
        axes: ["instance", "sample", "channel"],
        axisMeta: { instance: headlineMeta() },
      }),
    );
    for (let w = 0; w < WORKERS; w++) workers.push(await startWorker(redis.url));
    const measured = [];
    for (const fit of FITS) measured.push(await benchFit(root, fit, redis.url, dataBytes));
    const pca = measured[0]!;
    // Per worker: its share of the data over the time of a round (three workers on 2 cores).
    const perWorker = dataBytes / PARTITIONS / pca.roundSeconds;
    project({ measuredWorkerBytesPerSecond: perWorker, movedPerRound: pca.movedPerRound });
    console.log(`\nmachine: ${machineLoadLine()} at the end`);
  } finally {
    for (const worker of workers) worker.kill("SIGTERM");
    await redis.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
