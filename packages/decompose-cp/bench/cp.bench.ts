/**
 * CP-ALS at rank 5 on the headline shape (42337 x 1793 x 3 float32) against numpy's CP-ALS of the
 * same algorithm (bench/numpy_cp_als.py: float32 data, the MTTKRP as two GEMM passes) on its best
 * OpenBLAS kernel (the child runs without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE; the kernel is
 * printed), from the same random initial factors; ratios against the faster of numpy's 1- and
 * 2-thread runs. Two tables:
 * - sweeps: seconds per ALS sweep and for a full fit to convergence; ours in child processes that
 *   read the bundle from disk (each with its own memory): SIMD128 on one thread and on every core,
 *   relaxed SIMD (`--experimental-wasm-relaxed-simd`, as `tt` turns on) on every core;
 * - whole processes, as users run them: `tt decompose -m cp -k 5` with 10 sweeps (the built CLI)
 *   against `python3 numpy_cp_als.py --whole` (load, 10 sweeps, write the factors), alternating
 *   (TT_BENCH_RUNS each, default 3; best and median), with peak RSS and how many cores the rest of
 *   the machine kept busy, from a warm page cache. TT_BENCH_QUIET=1 starts each run when the
 *   machine is idle (see tooling/bench/reference.ts).
 * Run: `npx -y pnpm@10 --filter @tt/decompose-cp bench` (after a build, for the CLI);
 * TT_BENCH_INSTANCES picks a smaller first axis.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
import { cp } from "../src/index.js";
import { randomFactors } from "../src/init.js";

const RANK = 5;
const SEED = 1;
const TOL = 1e-6;
const N_ITER_MAX = 200;
/** Sweeps of the whole-process runs. */
const WHOLE_SWEEPS = 10;
const here = fileURLToPath(import.meta.url);

interface Ours {
  sweepSeconds: number;
  /** Reading the bundle into kernel memory and scanning it. */
  readSeconds: number;
  /** The rest of the fit: initialization, sweeps, the last pass and the output. */
  fitSeconds: number;
  iterations: number;
  converged: boolean;
  fit: number;
  detail: string;
}

interface Numpy {
  sweep_seconds: number;
  fit_seconds: number;
  iterations: number;
  converged: boolean;
  fit: number;
}

/** One fit of the bundle at `path` in this process; prints its JSON. */
async function child(path: string, threads: string): Promise<void> {
  const view = createDataset(await openStoredDataset(path));
  const config = cp.validate({
    rank: RANK,
    init: "random",
    tol: TOL,
    n_iter_max: N_ITER_MAX,
    threads: threads === "auto" ? "auto" : Number(threads),
  });
  const sweeps: number[] = [];
  const started = performance.now();
  let read = started;
  const output = await cp.fit(view, config, {
    seed: SEED,
    signal: undefined,
    onProgress(progress) {
      if (progress.phase === "fit") sweeps.push(performance.now());
      if (progress.phase === "read") read = performance.now();
    },
  });
  const fitSeconds = (performance.now() - read) / 1000;
  const durations = sweeps.slice(1).map((t, i) => t - sweeps[i]!);
  durations.sort((a, b) => a - b);
  const d = output.diagnostics as {
    iterations: number;
    converged: boolean;
    fit: number;
    kernels: { backend: string; threads: number };
  };
  const result: Ours = {
    sweepSeconds: durations[Math.floor(durations.length / 2)]! / 1000,
    readSeconds: (read - started) / 1000,
    fitSeconds,
    iterations: d.iterations,
    converged: d.converged,
    fit: d.fit,
    detail: `${d.kernels.backend} x${d.kernels.threads}`,
  };
  console.log(JSON.stringify(result));
}

function ours(path: string, threads: string, relaxed: boolean): Ours {
  waitForQuiet();
  const flags = relaxed ? ["--experimental-wasm-relaxed-simd"] : [];
  const out = execFileSync(
    process.execPath,
    [...flags, ...process.execArgv, here, "child", path, threads],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as Ours;
}

/** numpy_cp_als.py's arguments for our problem. */
function numpyArgs(dataPath: string, initPath: string): string[] {
  return [
    join(here, "../numpy_cp_als.py"),
    dataPath,
    "--dims",
    `${HEADLINE.samples},${HEADLINE.channels}`,
    "--rank",
    `${RANK}`,
    "--init",
    initPath,
    "--tol",
    `${TOL}`,
    "--n-iter-max",
    `${N_ITER_MAX}`,
  ];
}

function numpy(dataPath: string, initPath: string, threads: number): Numpy {
  waitForQuiet();
  const out = execFileSync("python3", numpyArgs(dataPath, initPath), {
    encoding: "utf8",
    maxBuffer: 1 << 24,
    env: numpyEnvironment(threads),
  });
  return JSON.parse(out.trim().split("\n").pop()!) as Numpy;
}

/** Reads the files under `paths` once, so that every run starts from a warm page cache. */
function warm(...paths: string[]): void {
  execFileSync("bash", ["-c", 'find "$@" -type f -exec cat {} + > /dev/null', "warm", ...paths]);
}

/** "best / median s" of some runs. */
function timeCell(seconds: readonly number[]): string {
  const { best, median } = bestAndMedian(seconds);
  return `${best.toFixed(2)} / ${median.toFixed(2)} s`;
}

/** The sweeps: per sweep and to convergence, numpy against our backends. */
function sweepTable(root: string): void {
  const dataPath = join(root, "data.npy");
  const initPath = join(root, "init.json");
  const bundle = join(root, "bundle");
  const reference = [1, 2].map((threads) => ({
    label: `numpy (${threads} thread${threads > 1 ? "s" : ""})`,
    result: numpy(dataPath, initPath, threads),
  }));
  const bestSweep = Math.min(...reference.map((r) => r.result.sweep_seconds));
  const bestFit = Math.min(...reference.map((r) => r.result.fit_seconds));
  const rows: string[][] = reference.map(({ label, result }) => [
    label,
    `${(result.sweep_seconds * 1000).toFixed(0)} ms`,
    `${(result.sweep_seconds / bestSweep).toFixed(2)}x`,
    `${result.fit_seconds.toFixed(2)} s`,
    `${(result.fit_seconds / bestFit).toFixed(2)}x`,
    `${result.iterations}${result.converged ? "" : " (max)"}`,
    result.fit.toFixed(6),
    "two GEMM passes per sweep, array in memory",
  ]);
  for (const [label, threads, relaxed] of [
    ["ours, SIMD128, 1 thread", "1", false],
    ["ours, SIMD128", "auto", false],
    ["ours, relaxed SIMD (as tt runs)", "auto", true],
  ] as const) {
    warm(bundle);
    const r = ours(bundle, threads, relaxed);
    rows.push([
      label,
      `${(r.sweepSeconds * 1000).toFixed(0)} ms`,
      `${(r.sweepSeconds / bestSweep).toFixed(2)}x`,
      `${r.fitSeconds.toFixed(2)} s`,
      `${(r.fitSeconds / bestFit).toFixed(2)}x`,
      `${r.iterations}${r.converged ? "" : " (max)"}`,
      r.fit.toFixed(6),
      `${r.detail}; one fused pass per sweep; + ${r.readSeconds.toFixed(2)} s reading the bundle into kernel memory`,
    ]);
  }
  console.log(
    "\nSweeps. sweep = median of our sweeps / mean of 10 numpy sweeps; ratio = ours / numpy's best; full fit = from the same initial factors to convergence (ours: initialization, sweeps, last pass and output, after the bundle is in kernel memory)",
  );
  printTable(["", "sweep", "ratio", "full fit", "ratio", "sweeps", "fit", "how"], rows);
}

/** Whole processes: `tt decompose -m cp` of the bundle against numpy's script from the .npy. */
function wholeProcesses(root: string, runs: number): void {
  const dataPath = join(root, "data.npy");
  const initPath = join(root, "init.json");
  const bundle = join(root, "bundle");
  const config = join(root, "cp.json");
  writeFileSync(config, JSON.stringify({ init: "random", n_iter_max: WHOLE_SWEEPS, tol: 0 }));
  const cli = fileURLToPath(new URL("../../../apps/cli/dist/tt.js", import.meta.url));
  const tt = () => {
    warm(bundle);
    return timeProcess(process.execPath, [
      cli,
      "decompose",
      bundle,
      "-m",
      "cp",
      "-k",
      `${RANK}`,
      "--config",
      config,
      "--seed",
      `${SEED}`,
      "-o",
      join(root, "tt-out"),
      "--overwrite",
      "--json",
    ]);
  };
  const python = (threads: number) => () => {
    warm(dataPath);
    return timeProcess(
      "python3",
      [
        ...numpyArgs(dataPath, initPath),
        "--sweeps",
        `${WHOLE_SWEEPS}`,
        "--whole",
        join(root, `numpy-out-${threads}`),
      ],
      { env: numpyEnvironment(threads) },
    );
  };
  const [one, two, mine] = alternate(runs, [python(1), python(2), tt]);
  const median = (r: readonly ProcessRun[]) => bestAndMedian(r.map((x) => x.seconds)).median;
  const best = Math.min(median(one), median(two));
  const kernels = (
    JSON.parse(mine[0]!.stdout) as {
      diagnostics: { kernels: { backend: string; threads: number } };
    }
  ).diagnostics.kernels;
  const row = (what: string, r: readonly ProcessRun[], how: string) => {
    const rss = r.map((x) => x.maxRssMb).filter((m) => m !== undefined);
    return [
      what,
      timeCell(r.map((x) => x.seconds)),
      `${(median(r) / best).toFixed(2)}x`,
      rss.length > 0 ? `${Math.max(...rss).toFixed(0)} MB` : "",
      bestAndMedian(r.map((x) => x.otherCores ?? 0)).median.toFixed(2),
      how,
    ];
  };
  const numpyHow = (r: readonly ProcessRun[]) => {
    const parts = r.map(
      (x) => JSON.parse(x.stdout.trim().split("\n").pop()!) as { load_seconds: number },
    );
    return `start, imports, np.load (${bestAndMedian(parts.map((p) => p.load_seconds)).median.toFixed(2)} s), ${WHOLE_SWEEPS} sweeps, np.save of the factors`;
  };
  console.log(
    `\nWhole processes, ${WHOLE_SWEEPS} sweeps from a warm page cache. ratio = our median / the faster of numpy's medians; others = cores the rest of the machine kept busy (median)`,
  );
  printTable(
    ["", "time", "ratio", "peak RSS", "others", "how"],
    [
      row("python3 numpy_cp_als.py --whole (1 thread)", one, numpyHow(one)),
      row("python3 numpy_cp_als.py --whole (2 threads)", two, numpyHow(two)),
      row(
        `tt decompose -m cp -k ${RANK}`,
        mine,
        `start, open, read, ${WHOLE_SWEEPS} sweeps (${kernels.backend} x${kernels.threads}), last pass, write the result bundle`,
      ),
    ],
  );
}

async function main(): Promise<void> {
  const { instances, samples, channels } = HEADLINE;
  const gb = (instances * samples * channels * 4) / 1e9;
  const runs = Number(process.env.TT_BENCH_RUNS ?? 3);
  console.log(
    `CP-ALS rank ${RANK} of ${instances} x ${samples} x ${channels} float32 (${gb.toFixed(2)} GB), random init (seed ${SEED}), tol ${TOL}, n_iter_max ${N_ITER_MAX}`,
  );
  const pinned = pinningInEnvironment();
  console.log(
    `numpy: ${openblasKernel()}${pinned.length > 0 ? `; run without ${pinned.join(", ")} (set here)` : ""}`,
  );
  console.log(`machine: ${machineLoadLine()} at the start`);
  const root = mkdtempSync(join(tmpdir(), "tt-bench-cp-"));
  try {
    const data = headlineSignal();
    writeFileSync(join(root, "data.npy"), npyBytes(data, [instances, samples * channels]));
    await writeDataset(
      join(root, "bundle"),
      createTensor({
        data,
        shape: [instances, samples, channels],
        axes: ["instance", "sample", "channel"],
        axisMeta: { instance: headlineMeta() },
      }),
    );
    const { factors } = randomFactors([samples, channels], RANK, SEED);
    const rowsOf = (f: Float64Array) =>
      Array.from({ length: f.length / RANK }, (_, i) =>
        Array.from(f.subarray(i * RANK, (i + 1) * RANK)),
      );
    writeFileSync(join(root, "init.json"), JSON.stringify(factors.map(rowsOf)));
    sweepTable(root);
    wholeProcesses(root, runs);
    console.log(`\nmachine: ${machineLoadLine()} at the end`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const [kind, ...args] = process.argv.slice(2);
if (kind === undefined) await main();
else await child(args[0]!, args[1] ?? "auto");
