/**
 * NMF at rank 5 of the rectified headline data (|x| of 42337 x 1793 x 3 float32; TT_BENCH_INSTANCES
 * picks a smaller first axis) against numpy's NMF of the same algorithms (bench/numpy_nmf.py:
 * scikit-learn's coordinate descent and Frobenius multiplicative updates, vectorized over rows, on
 * float32 data) on its best OpenBLAS kernel (the child runs without OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE; the kernel is printed), from the same random start, for a fixed number of
 * iterations (tol 0). Per solver two tables:
 * - iterations: seconds per iteration, numpy on 1 and 2 threads against ours in a child process
 *   that reads the bundle from disk (SIMD128 on every core), and the final errors' agreement;
 * - whole processes, as users run them: load, iterate, save W and H (ours: a Node process that
 *   opens the bundle, fits `nmf` and writes W and H as .npy), alternating (TT_BENCH_RUNS each,
 *   default 3; best and median), with peak RSS and how many cores the rest of the machine kept
 *   busy, from a warm page cache.
 * Run: `npx -y pnpm@10 --filter @tt/decompose-nmf bench`.
 */

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStoredDataset, writeDataset } from "@tt/bundle/fs";
import { createDataset } from "@tt/query";
import { createTensor } from "@tt/schema";
import {
  HEADLINE,
  headlineMeta,
  headlineSignal,
  npyBytes,
} from "../../../tooling/bench/headline.js";
import {
  alternate,
  bestAndMedian,
  machineLoadLine,
  numpyEnvironment,
  openblasKernel,
  type ProcessRun,
  pinningInEnvironment,
  printTable,
  timeProcess,
  waitForQuiet,
} from "../../../tooling/bench/reference.js";
import { nmf } from "../src/index.js";
import { randomFactors } from "../src/init.js";
import { scoresOf } from "../test/helpers.js";

const RANK = 5;
const SEED = 1;
const ITERATIONS = Number(process.env.TT_BENCH_ITERATIONS ?? 30);
const SOLVERS = ["cd", "mu"] as const;
const here = fileURLToPath(import.meta.url);

interface Ours {
  iterationSeconds: number;
  readSeconds: number;
  fitSeconds: number;
  error: number;
  detail: string;
}

/** One fit of the bundle at `path` in this process: writes W and H to `out`, prints its JSON. */
async function child(path: string, solver: string, out: string): Promise<void> {
  const view = createDataset(await openStoredDataset(path));
  const config = nmf.validate({ rank: RANK, solver, init: "random", tol: 0, max_iter: ITERATIONS });
  const iterations: number[] = [];
  const started = performance.now();
  let read = started;
  const output = await nmf.fit(view, config, {
    seed: SEED,
    signal: undefined,
    onProgress(progress) {
      if (progress.phase === "fit") iterations.push(performance.now());
      if (progress.phase === "read") read = performance.now();
    },
  });
  const fitSeconds = (performance.now() - read) / 1000;
  const durations = iterations.slice(1).map((t, i) => t - iterations[i]!);
  durations.sort((a, b) => a - b);
  const d = output.diagnostics as {
    reconstruction_err: number;
    kernels: { backend: string; threads: number };
  };
  mkdirSync(out, { recursive: true });
  const W = Float32Array.from(scoresOf(output, RANK));
  writeFileSync(join(out, "W.npy"), npyBytes(W, [W.length / RANK, RANK]));
  const H = Float32Array.from(output.componentTensors.components!.data as Float64Array);
  writeFileSync(join(out, "H.npy"), npyBytes(H, [RANK, H.length / RANK]));
  const result: Ours = {
    iterationSeconds: durations[Math.floor(durations.length / 2)]! / 1000,
    readSeconds: (read - started) / 1000,
    fitSeconds,
    error: d.reconstruction_err,
    detail: `${d.kernels.backend} x${d.kernels.threads}`,
  };
  console.log(JSON.stringify(result));
}

function oursArgs(root: string, solver: string): string[] {
  return [...process.execArgv, here, "child", join(root, "bundle"), solver, join(root, "tt-out")];
}

function numpyArgs(root: string, solver: string, out?: string): string[] {
  const args = [join(here, "../numpy_nmf.py"), join(root, "data.npy"), root];
  args.push("--solver", solver, "--iterations", `${ITERATIONS}`);
  return out === undefined ? args : [...args, "--out", out];
}

/** Reads the files under `paths` once, so that every run starts from a warm page cache. */
function warm(...paths: string[]): void {
  execFileSync("bash", ["-c", 'find "$@" -type f -exec cat {} + > /dev/null', "warm", ...paths]);
}

const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split("\n").pop()!) as T;

/** Seconds per iteration and the final error: numpy on 1 and 2 threads against ours. */
function iterationTable(root: string, solver: string): void {
  const reference = [1, 2].map((threads) => {
    waitForQuiet();
    const out = execFileSync("python3", numpyArgs(root, solver), {
      encoding: "utf8",
      env: numpyEnvironment(threads),
    });
    return { threads, result: lastJson<{ iteration_seconds: number; error: number }>(out) };
  });
  waitForQuiet();
  warm(join(root, "bundle"));
  const ours = lastJson<Ours>(
    execFileSync(process.execPath, oursArgs(root, solver), { encoding: "utf8" }),
  );
  const best = Math.min(...reference.map((r) => r.result.iteration_seconds));
  const rows = reference.map(({ threads, result }) => [
    `numpy (${threads} thread${threads > 1 ? "s" : ""})`,
    `${(result.iteration_seconds * 1000).toFixed(0)} ms`,
    `${(result.iteration_seconds / best).toFixed(2)}x`,
    result.error.toPrecision(10),
    "float32 W, H; products X·Hᵀ and Xᵀ·W by OpenBLAS",
  ]);
  const agreement = Math.abs(ours.error - reference[0]!.result.error) / reference[0]!.result.error;
  rows.push([
    "ours",
    `${(ours.iterationSeconds * 1000).toFixed(0)} ms`,
    `${(ours.iterationSeconds / best).toFixed(2)}x`,
    ours.error.toPrecision(10),
    `${ours.detail}; one pass per iteration; error ${agreement.toExponential(1)} from numpy's; + ${ours.readSeconds.toFixed(2)} s reading the bundle`,
  ]);
  console.log(
    `\nsolver ${solver}: iterations (median of ours, mean of numpy's), ratio = / numpy's best`,
  );
  printTable(["", "iteration", "ratio", "error ‖X − WH‖_F", "how"], rows);
}

/** Whole processes: our fit of the bundle against numpy's script from the .npy. */
function wholeProcesses(root: string, solver: string, runs: number): void {
  const python = (threads: number) => () => {
    warm(join(root, "data.npy"));
    return timeProcess("python3", numpyArgs(root, solver, join(root, `numpy-out-${threads}`)), {
      env: numpyEnvironment(threads),
    });
  };
  const tt = () => {
    warm(join(root, "bundle"));
    return timeProcess(process.execPath, oursArgs(root, solver));
  };
  const [one, two, mine] = alternate(runs, [python(1), python(2), tt]);
  const median = (r: readonly ProcessRun[]) => bestAndMedian(r.map((x) => x.seconds)).median;
  const best = Math.min(median(one), median(two));
  const row = (what: string, r: readonly ProcessRun[]) => {
    const { best: fastest, median: middle } = bestAndMedian(r.map((x) => x.seconds));
    const rss = r.map((x) => x.maxRssMb).filter((m) => m !== undefined);
    return [
      what,
      `${fastest.toFixed(2)} / ${middle.toFixed(2)} s`,
      `${(median(r) / best).toFixed(2)}x`,
      rss.length > 0 ? `${Math.max(...rss).toFixed(0)} MB` : "",
      bestAndMedian(r.map((x) => x.otherCores ?? 0)).median.toFixed(2),
    ];
  };
  console.log(
    `\nsolver ${solver}: whole processes (load, ${ITERATIONS} iterations, save W and H), warm page cache; ratio = our median / numpy's faster median`,
  );
  printTable(
    ["", "best / median", "ratio", "peak RSS", "others"],
    [
      row("python3 numpy_nmf.py (1 thread)", one),
      row("python3 numpy_nmf.py (2 threads)", two),
      row("node (tsx) nmf.fit of the bundle", mine),
    ],
  );
}

async function main(): Promise<void> {
  const { instances, samples, channels } = HEADLINE;
  const p = samples * channels;
  const runs = Number(process.env.TT_BENCH_RUNS ?? 3);
  console.log(
    `NMF rank ${RANK} of |headline| ${instances} x ${samples} x ${channels} float32 (${((instances * p * 4) / 1e9).toFixed(2)} GB), random start (seed ${SEED}), ${ITERATIONS} iterations`,
  );
  const pinned = pinningInEnvironment();
  console.log(
    `numpy: ${openblasKernel()}${pinned.length > 0 ? `; run without ${pinned.join(", ")} (set here)` : ""}`,
  );
  console.log(`machine: ${machineLoadLine()} at the start`);
  const root = mkdtempSync(join(tmpdir(), "tt-bench-nmf-"));
  try {
    const data = headlineSignal().map(Math.abs);
    writeFileSync(join(root, "data.npy"), npyBytes(data, [instances, p]));
    await writeDataset(
      join(root, "bundle"),
      createTensor({
        data,
        shape: [instances, samples, channels],
        axes: ["instance", "sample", "channel"],
        axisMeta: { instance: headlineMeta() },
      }),
    );
    // The start our fit draws (the same sum of the data as its first read), for numpy too.
    let total = 0;
    for (const x of data) total += x;
    const { W, H } = randomFactors(instances, p, RANK, total, SEED);
    writeFileSync(join(root, "W0.npy"), npyBytes(Float32Array.from(W), [instances, RANK]));
    writeFileSync(join(root, "H0.npy"), npyBytes(Float32Array.from(H), [RANK, p]));
    for (const solver of SOLVERS) {
      iterationTable(root, solver);
      wholeProcesses(root, solver, runs);
    }
    console.log(`\nmachine: ${machineLoadLine()} at the end`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const [kind, ...args] = process.argv.slice(2);
if (kind === undefined) await main();
else await child(args[0]!, args[1]!, args[2]!);
