/**
 * PCA on the headline shape (42337 x 1793 x 3 float32 = 42337 x 5379, rank 8, randomized, 7
 * power iterations, 10 oversamples) against numpy's implementation of the same algorithm
 * (scikit-learn's randomized_svd, numpy_randomized_svd.py) on its best OpenBLAS kernel (the child
 * runs without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE; the kernel is printed), ratios against the
 * faster of numpy's 1- and 2-thread runs. Three tables:
 * - phases: the fit from an on-disk bundle (read included), streamed under a small memory budget
 *   and under twice that (where blocks are read ahead) (peak RSS; all in plain Node on the built
 *   packages, see `fit-child.mjs`), and the first read (bundle to kernel memory, scanned) against
 *   `numpy.load` of the same bytes, with numpy's transparent huge pages and without (WebAssembly
 *   memory gets 4 KiB pages), all from a warm page cache (the files are read once before each run);
 * - whole processes, as users run them: `tt decompose` of the bundle (the built CLI) against
 *   `python3 numpy_randomized_svd.py` loading the same data from a `.npy`, fitting and writing;
 * - ml-matrix on 5000 x 1000.
 * Runs alternate between the contenders (TT_BENCH_RUNS each, default 3) and report the best and
 * the median, with how many cores the rest of the machine kept busy; TT_BENCH_QUIET=1 starts each
 * run when the machine is idle (see tooling/bench/reference.ts). Each measurement runs in its
 * own process so that its peak RSS is its own. Run: `npx -y pnpm@10 --filter @tt/decompose-svd
 * bench` (after a build: the CLI and fit-child.mjs run the built packages). TT_BENCH_INSTANCES
 * picks a smaller first axis; TT_BENCH_MLMATRIX=2000x500 a smaller ml-matrix case.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeDataset } from "@tt/bundle/fs";
import { createTensor } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import {
  HEADLINE,
  headlineMeta,
  headlineSignal,
  npyBytes,
  uniform,
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
import { pca } from "../src/index.js";

const RANK = 8;
const POWER_ITERATIONS = 7;
const OVERSAMPLES = 10;
const here = fileURLToPath(import.meta.url);

interface Measurement {
  seconds: number;
  /** The first read (bundle to kernel memory, scanned), for the bundle runs only. */
  readSeconds?: number;
  /** Peak RSS, measured for the bundle runs only. */
  maxRssMb?: number;
  singularValues: number[];
  detail: string;
}

/** Runs of one contender: wall times, best and median, peak RSS, the others' load. */
interface Runs {
  seconds: number[];
  maxRssMb: number | undefined;
  otherCores: number;
}

/** One measurement in this process; prints its JSON. */
async function child(kind: string, args: string[]): Promise<void> {
  let result: { s: number[]; detail: string };
  let seconds: number;
  {
    const [rows, cols] = args.map(Number) as [number, number];
    const random = uniform(3);
    const data = Float64Array.from({ length: rows * cols }, () => random() - 0.5);
    if (kind === "mlmatrix") {
      const { Matrix, SVD } = await import("ml-matrix");
      const matrix = new Matrix(rows, cols);
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) matrix.set(i, j, data[i * cols + j]!);
      const t = performance.now();
      const svd = new SVD(matrix, { autoTranspose: true });
      seconds = (performance.now() - t) / 1000;
      result = { s: svd.diagonal.slice(0, 10), detail: "ml-matrix SVD (all components)" };
    } else {
      const tensor = createTensor({
        data,
        shape: [rows, cols],
        axes: ["instance", "feature"],
        axisIndex: { instance: Array.from({ length: rows }, (_, i) => i) },
      });
      const t = performance.now();
      const config =
        kind === "full"
          ? { rank: Math.min(rows, cols), solver: "gram" }
          : { rank: 10, solver: "auto", power_iterations: "auto" };
      const output = await pca.fit(viewFromTensor(tensor), pca.validate(config), {
        seed: 0,
        signal: undefined,
        onProgress() {},
      });
      seconds = (performance.now() - t) / 1000;
      const d = output.diagnostics as { singular_values: number[]; solver: string };
      result = { s: d.singular_values.slice(0, 10), detail: `${d.solver}, rank ${config.rank}` };
    }
  }
  const measurement: Measurement = {
    seconds,
    singularValues: result.s,
    detail: result.detail,
  };
  console.log(JSON.stringify(measurement));
}

function measure(kind: string, ...args: string[]): Measurement {
  const out = execFileSync(process.execPath, [...process.execArgv, here, kind, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as Measurement;
}

/** PCA of the bundle at `path` in a plain Node process on the built packages. */
function measureBundle(path: string, budget?: number): Measurement & { run: ProcessRun } {
  const args = [`${RANK}`, `${POWER_ITERATIONS}`, `${OVERSAMPLES}`];
  if (budget !== undefined) args.push(`${budget}`);
  const run = timeProcess(process.execPath, [join(here, "../fit-child.mjs"), path, ...args]);
  return { ...(JSON.parse(run.stdout.trim().split("\n").pop()!) as Measurement), run };
}

/** numpy_randomized_svd.py's arguments for our problem. */
function numpyArgs(npy: string): string[] {
  return [
    join(here, "../numpy_randomized_svd.py"),
    npy,
    "--rank",
    `${RANK}`,
    "--oversamples",
    `${OVERSAMPLES}`,
    "--power-iterations",
    `${POWER_ITERATIONS}`,
    "--center",
    "instance",
  ];
}

/** numpy's fit of the array in memory (load excluded), best of 2, with `threads` threads. */
function numpy(npy: string, threads: number): { seconds: number; singular_values: number[] } {
  waitForQuiet();
  const out = execFileSync("python3", [...numpyArgs(npy), "--repeat", "2"], {
    encoding: "utf8",
    env: numpyEnvironment(threads),
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

/**
 * `numpy.load` of `npy` in a fresh interpreter (import excluded), seconds. numpy asks the kernel
 * for transparent huge pages (madvise) for large arrays, which WebAssembly memory cannot: with
 * `hugePages` false it is told not to, so that both sides fault in the same 4 KiB pages.
 */
function numpyLoad(npy: string, hugePages = true): number {
  const script = [
    "import json, sys, time, numpy as np",
    `np.core.multiarray._set_madvise_hugepage(${hugePages ? "True" : "False"})`,
    "t = time.perf_counter(); np.load(sys.argv[1])",
    "print(json.dumps(time.perf_counter() - t))",
  ].join("\n");
  const out = execFileSync("python3", ["-W", "ignore", "-c", script, npy], {
    encoding: "utf8",
    env: numpyEnvironment(1),
  });
  return Number(out.trim().split("\n").pop());
}

/** Reads the files under `paths` once, so that every run starts from a warm page cache. */
function warm(...paths: string[]): void {
  execFileSync("bash", ["-c", 'find "$@" -type f -exec cat {} + > /dev/null', "warm", ...paths]);
}

/** Summarizes runs: times, peak RSS (the largest seen) and the median of the others' load. */
function runsOf(runs: readonly ProcessRun[]): Runs {
  const rss = runs.map((r) => r.maxRssMb).filter((m) => m !== undefined);
  return {
    seconds: runs.map((r) => r.seconds),
    maxRssMb: rss.length > 0 ? Math.max(...rss) : undefined,
    otherCores: bestAndMedian(runs.map((r) => r.otherCores ?? 0)).median,
  };
}

/** "best s / median s". */
function timeCell(seconds: readonly number[]): string {
  const { best, median } = bestAndMedian(seconds);
  return `${best.toFixed(2)} / ${median.toFixed(2)} s`;
}

/** Max relative difference of the top 3 (signal) singular values from the reference's. */
function errorOf(values: readonly number[], reference: readonly number[] | undefined): string {
  if (reference === undefined) return "";
  const error = Math.max(
    ...values.slice(0, 3).map((s, i) => Math.abs(s - reference[i]!) / reference[i]!),
  );
  return error.toExponential(1);
}

/** The phases: the fit from the bundle, streamed, and the first read against numpy.load. */
function phases(root: string, runs: number): void {
  const npy = join(root, "data.npy");
  const bundle = join(root, "bundle");
  const budget = 128 * 2 ** 20;
  const [one, two] = [numpy(npy, 1), numpy(npy, 2)];
  const best = Math.min(one.seconds, two.seconds);
  const reference = (one.seconds <= two.seconds ? one : two).singular_values;
  const [loads, smallPageLoads, inMemory, streamed, ahead] = alternate(runs, [
    () => {
      warm(npy);
      return numpyLoad(npy);
    },
    () => {
      warm(npy);
      return numpyLoad(npy, false);
    },
    () => {
      warm(bundle);
      return measureBundle(bundle);
    },
    () => {
      warm(bundle);
      return measureBundle(bundle, budget);
    },
    () => {
      warm(bundle);
      return measureBundle(bundle, 2 * budget);
    },
  ]);
  const ours = (what: string, m: ReturnType<typeof measureBundle>[]) => {
    const r = runsOf(m.map((x) => x.run));
    const median = bestAndMedian(m.map((x) => x.seconds)).median;
    return [
      what,
      timeCell(m.map((x) => x.seconds)),
      `${(median / best).toFixed(2)}x`,
      r.maxRssMb === undefined ? "" : `${r.maxRssMb.toFixed(0)} MB`,
      errorOf(m[0]!.singularValues, reference),
      r.otherCores.toFixed(2),
      m[0]!.detail,
    ];
  };
  const rows = [
    ...[one, two].map((r, i) => [
      `numpy (${i + 1} thread${i ? "s" : ""}), array in memory`,
      `${r.seconds.toFixed(2)} s`,
      `${(r.seconds / best).toFixed(2)}x`,
      "",
      "",
      "",
      "same algorithm, load excluded, best of 2",
    ]),
    ours("ours, from the bundle on disk (read included)", inMemory),
    ours(`ours, streamed (memory_budget ${budget / 2 ** 20} MiB)`, streamed),
    ours(`ours, streamed, read ahead (memory_budget ${(2 * budget) / 2 ** 20} MiB)`, ahead),
  ];
  console.log(
    "\nPhases. time = best / median of the runs; ratio = our median / numpy's best fit; error = max relative difference of the top 3 (signal) singular values from numpy's (the others are noise, where both randomized results are approximate); others = cores the rest of the machine kept busy (median)",
  );
  printTable(["", "time", "ratio", "peak RSS", "error", "others", "how"], rows);
  firstRead(loads, smallPageLoads, inMemory);
  const streamedMedian = bestAndMedian(streamed.map((m) => m.seconds)).median;
  const inMemoryMedian = bestAndMedian(inMemory.map((m) => m.seconds)).median;
  console.log(
    `\nStreamed / in memory (medians): ${(streamedMedian / inMemoryMedian).toFixed(2)}x; read ahead / in memory: ${(bestAndMedian(ahead.map((m) => m.seconds)).median / inMemoryMedian).toFixed(2)}x`,
  );
}

/** The first read against numpy.load, with its huge pages and without. */
function firstRead(
  loads: number[],
  smallPageLoads: number[],
  inMemory: ReturnType<typeof measureBundle>[],
): void {
  const reads = inMemory.map((m) => m.readSeconds!);
  const ratio = (a: number[], b: number[]) => {
    const [x, y] = [bestAndMedian(a), bestAndMedian(b)];
    return `${(x.best / y.best).toFixed(2)}x / ${(x.median / y.median).toFixed(2)}x`;
  };
  console.log(
    "\nThe first read, from a warm page cache: bundle to kernel memory against numpy.load. ratio = ours / numpy's, of the bests / of the medians",
  );
  printTable(
    ["", "time", "ratio"],
    [
      ["numpy.load of the .npy (fresh interpreter, huge pages)", timeCell(loads), ""],
      ["numpy.load, huge pages off (4 KiB pages, as ours)", timeCell(smallPageLoads), ""],
      [
        "ours: kernels started, bundle read into kernel memory and scanned",
        timeCell(reads),
        `${ratio(reads, loads)} (huge pages), ${ratio(reads, smallPageLoads)} (4 KiB)`,
      ],
    ],
  );
}

/** Whole processes: `tt decompose` of the bundle against numpy's script from the .npy. */
function wholeProcesses(root: string, runs: number): void {
  const npy = join(root, "data.npy");
  const bundle = join(root, "bundle");
  const cli = fileURLToPath(new URL("../../../apps/cli/dist/tt.js", import.meta.url));
  const tt = () => {
    warm(bundle);
    return timeProcess(process.execPath, [
      cli,
      "decompose",
      bundle,
      "-m",
      "pca",
      "-k",
      `${RANK}`,
      "-o",
      join(root, "tt-out"),
      "--overwrite",
      "--json",
    ]);
  };
  const python = (threads: number) => () => {
    warm(npy);
    return timeProcess(
      "python3",
      [...numpyArgs(npy), "--repeat", "1", "--out", join(root, `numpy-out-${threads}`)],
      { env: numpyEnvironment(threads) },
    );
  };
  const [one, two, ours] = alternate(runs, [python(1), python(2), tt]);
  const numpyRuns = [runsOf(one!), runsOf(two!)];
  const best = Math.min(...numpyRuns.map((r) => bestAndMedian(r.seconds).median));
  const diagnostics = (
    JSON.parse(ours![0]!.stdout) as {
      diagnostics: { solver: string; kernels: { backend: string; threads: number } };
    }
  ).diagnostics;
  const row = (what: string, r: Runs, how: string) => [
    what,
    timeCell(r.seconds),
    `${(bestAndMedian(r.seconds).median / best).toFixed(2)}x`,
    r.maxRssMb === undefined ? "" : `${r.maxRssMb.toFixed(0)} MB`,
    r.otherCores.toFixed(2),
    how,
  ];
  console.log(
    "\nWhole processes, from a warm page cache. ratio = our median / the faster of numpy's medians",
  );
  printTable(
    ["", "time", "ratio", "peak RSS", "others", "how"],
    [
      ...numpyRuns.map((r, i) =>
        row(
          `python3 numpy_randomized_svd.py (${i + 1} thread${i ? "s" : ""})`,
          r,
          "start, imports, np.load, fit, np.save of scores and components",
        ),
      ),
      row(
        `tt decompose -m pca -k ${RANK}`,
        runsOf(ours!),
        `start, open, fit (${diagnostics.solver}, ${diagnostics.kernels.backend} x${diagnostics.kernels.threads}), write the result bundle`,
      ),
    ],
  );
}

async function main(): Promise<void> {
  const { instances, samples, channels } = HEADLINE;
  const gb = (instances * samples * channels * 4) / 1e9;
  const runs = Number(process.env.TT_BENCH_RUNS ?? 3);
  const root = mkdtempSync(join(tmpdir(), "tt-bench-svd-"));
  try {
    console.log(
      `PCA rank ${RANK}, randomized (${POWER_ITERATIONS} power iterations, ${OVERSAMPLES} oversamples) of ${instances} x ${samples} x ${channels} float32 (${gb.toFixed(2)} GB)`,
    );
    const pinned = pinningInEnvironment();
    console.log(
      `numpy: ${openblasKernel()}${pinned.length > 0 ? `; run without ${pinned.join(", ")} (set here)` : ""}`,
    );
    console.log(`machine: ${machineLoadLine()} at the start; ${runs} runs of each, alternating`);
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
    phases(root, runs);
    wholeProcesses(root, runs);
    console.log(`\nmachine: ${machineLoadLine()} at the end`);

    const [mlRows, mlCols] = (process.env.TT_BENCH_MLMATRIX ?? "5000x1000").split("x");
    console.log(`\nSVD of a ${mlRows} x ${mlCols} uniform random float64 matrix`);
    const ml = measure("mlmatrix", mlRows!, mlCols!);
    const full = measure("full", mlRows!, mlCols!);
    const low = measure("low", mlRows!, mlCols!);
    printTable(
      ["", "time", "speed-up vs ml-matrix", "how"],
      [
        ["ml-matrix 6.15", `${ml.seconds.toFixed(2)} s`, "1x", ml.detail],
        [
          "ours, every component",
          `${full.seconds.toFixed(2)} s`,
          `${(ml.seconds / full.seconds).toFixed(0)}x`,
          full.detail,
        ],
        [
          "ours, PCA rank 10 (solver auto)",
          `${low.seconds.toFixed(3)} s`,
          `${(ml.seconds / low.seconds).toFixed(0)}x`,
          low.detail,
        ],
      ],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const [kind, ...args] = process.argv.slice(2);
if (kind === undefined) await main();
else await child(kind, args);
