/**
 * Time to accuracy of the iterative solvers. For each matrix, the accuracy of every solver beside
 * its time: passes over the data, fit time (data in memory), the largest relative error of the
 * first k singular values and the largest principal angle between the span of the k components
 * and the exact one, both against the exact SVD LAPACK computes in `solver_accuracy.py`; and the
 * same for scikit-learn's `randomized_svd` with its defaults, written out in numpy and run on its
 * best OpenBLAS kernel (1 and 2 threads, the faster counts). Accuracy varies with the random test
 * matrix: every contender runs with seeds 0 .. TT_BENCH_RUNS - 1 (default 3), in turn, and the
 * table gives the best and median time and the median accuracy. Each fit runs in its own Node
 * process with relaxed SIMD on, as `tt` runs.
 *
 * Matrices: the headline tensor (42337 x 1793 x 3 float32, PCA rank 8; TT_BENCH_INSTANCES picks a
 * smaller first axis) and a slowly decaying spectrum (TT_BENCH_SLOW rows x 2000 float32, default
 * 20000: uniform noise with column j scaled by 1/sqrt(j + 1), SVD rank 10).
 *
 * Run: `npx -y pnpm@10 --filter @tt/decompose-svd bench` (both SVD benches) or
 * `npx tsx --conditions=@tt/source bench/solvers.bench.ts` in packages/decompose-svd.
 */

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { svdSmall } from "@tt/linalg";
import { createTensor } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { HEADLINE, headlineSignal, npyBytes, uniform } from "../../../tooling/bench/headline.js";
import {
  bestAndMedian,
  machineLoadLine,
  numpyEnvironment,
  openblasKernel,
  pinningInEnvironment,
  printTable,
} from "../../../tooling/bench/reference.js";

const here = fileURLToPath(import.meta.url);
const RUNS = Number(process.env.TT_BENCH_RUNS ?? 3);
const SLOW_ROWS = Number(process.env.TT_BENCH_SLOW ?? 20000);
const SLOW_COLS = 2000;

/** One contender: a solver and its power iterations ("auto" for the default). */
interface Contender {
  solver: "randomized" | "krylov";
  powerIterations: number | "auto";
}

const CONTENDERS: Contender[] = [
  { solver: "krylov", powerIterations: "auto" },
  { solver: "krylov", powerIterations: 2 },
  { solver: "krylov", powerIterations: 3 },
  { solver: "krylov", powerIterations: 4 },
  { solver: "krylov", powerIterations: 5 },
  { solver: "randomized", powerIterations: "auto" },
  { solver: "randomized", powerIterations: 9 },
  { solver: "randomized", powerIterations: 11 },
  { solver: "randomized", powerIterations: 14 },
];

/** What a child reports of one fit. */
interface Fit {
  seconds: number;
  passes: number;
  powerIterations: number;
  backend: string;
  threads: number;
  singularValues: number[];
}

/** A float32 or float64 `.npy` file, C order. */
function readNpy(path: string): { data: Float32Array | Float64Array; shape: number[] } {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString("latin1");
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]!
    .split(",")
    .filter((d) => d.trim() !== "")
    .map(Number);
  const body = bytes.subarray(10 + headerLength);
  const copy = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
  const data = header.includes("'<f4'") ? new Float32Array(copy) : new Float64Array(copy);
  return { data, shape };
}

/** One fit in this process (with relaxed SIMD on, as `tt`): components to `out`, JSON to stdout. */
async function child(args: string[]): Promise<void> {
  if (Number(process.versions.node.split(".")[0]) < 22)
    setFlagsFromString("--experimental-wasm-relaxed-simd");
  const [path, center, rank, solver, power, seed, out] = args as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const { data, shape } = readNpy(path);
  const p = shape.slice(1).reduce((a, b) => a * b, 1);
  const tensor = createTensor({ data, shape: [shape[0]!, p], axes: ["instance", "feature"] });
  const { pca, svd } = await import("../src/index.js");
  const method = center === "instance" ? pca : svd;
  const config = method.validate({
    rank: Number(rank),
    solver,
    power_iterations: power === "auto" ? "auto" : Number(power),
  });
  const start = performance.now();
  const output = await method.fit(viewFromTensor(tensor), config, {
    seed: Number(seed),
    signal: undefined,
    onProgress() {},
  });
  const seconds = (performance.now() - start) / 1000;
  const components = output.componentTensors.components!.data as Float64Array;
  writeFileSync(out, components);
  const d = output.diagnostics as {
    passes: number;
    power_iterations: number;
    singular_values: number[];
    kernels: { backend: string; threads: number };
  };
  const fit: Fit = {
    seconds,
    passes: d.passes,
    powerIterations: d.power_iterations,
    backend: d.kernels.backend,
    threads: d.kernels.threads,
    singularValues: d.singular_values,
  };
  console.log(JSON.stringify(fit));
}

/** The largest relative singular-value error and the largest principal angle (degrees). */
function accuracy(
  s: readonly number[],
  components: Float64Array,
  exactS: Float64Array,
  exactV: Float64Array,
  k: number,
): { error: number; angle: number } {
  const error = Math.max(...s.slice(0, k).map((v, i) => Math.abs(v - exactS[i]!) / exactS[i]!));
  const p = components.length / k;
  const cross = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += exactV[j * k + a]! * components[b * p + j]!;
      cross[a * k + b] = sum;
    }
  const cosines = svdSmall(cross, k, k).s;
  return { error, angle: (Math.acos(Math.min(1, cosines[k - 1]!)) * 180) / Math.PI };
}

interface Reference {
  exact_singular_values: number[];
  sklearn: { seconds: number; max_relative_error: number; largest_angle_degrees: number }[];
  passes: number;
  n_iter: number;
}

/** scikit-learn's defaults in numpy with `threads` BLAS threads (the exact SVD the first time). */
function reference(path: string, dir: string, center: string, rank: number, threads: number) {
  const out = execFileSync(
    "python3",
    [
      join(here, "../solver_accuracy.py"),
      path,
      "--rank",
      `${rank}`,
      "--center",
      center,
      "--seeds",
      `${RUNS}`,
      "--exact",
      dir,
    ],
    { encoding: "utf8", env: numpyEnvironment(threads), maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as Reference;
}

const median = (values: readonly number[]) => bestAndMedian(values).median;
const label = (c: Contender) => `${c.solver}, power_iterations ${c.powerIterations}`;

/** The table of one matrix. */
function benchMatrix(name: string, dir: string, center: string, rank: number): void {
  const path = join(dir, "data.npy");
  const references = [1, 2].map((threads) => reference(path, dir, center, rank, threads));
  const exactS = readNpy(join(dir, "exact_s.npy")).data as Float64Array;
  const exactV = readNpy(join(dir, "exact_v.npy")).data as Float64Array;
  const runs = CONTENDERS.map(() => [] as (Fit & { error: number; angle: number })[]);
  for (let seed = 0; seed < RUNS; seed++)
    for (const [i, c] of CONTENDERS.entries()) {
      const out = join(dir, "components.bin");
      const stdout = execFileSync(
        process.execPath,
        [
          ...process.execArgv,
          here,
          "child",
          path,
          center,
          `${rank}`,
          c.solver,
          `${c.powerIterations}`,
          `${seed}`,
          out,
        ],
        { encoding: "utf8", maxBuffer: 1 << 24 },
      );
      const fit = JSON.parse(stdout.trim().split("\n").pop()!) as Fit;
      const bytes = readFileSync(out);
      const components = new Float64Array(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      );
      runs[i]!.push({ ...fit, ...accuracy(fit.singularValues, components, exactS, exactV, rank) });
    }
  const sklearnError = median(references[0]!.sklearn.map((r) => r.max_relative_error));
  const sklearnAngle = median(references[0]!.sklearn.map((r) => r.largest_angle_degrees));
  const rows: string[][] = [];
  const fastest = references
    .map((r, t) => ({ t, time: bestAndMedian(r.sklearn.map((x) => x.seconds)) }))
    .sort((a, b) => a.time.best - b.time.best)[0]!;
  rows.push([
    `numpy, scikit-learn randomized_svd defaults (n_iter ${references[0]!.n_iter}, LU), ${fastest.t + 1} thread${fastest.t ? "s" : ""}`,
    `${references[0]!.passes} + centering`,
    `${fastest.time.best.toFixed(2)} s`,
    `${fastest.time.median.toFixed(2)} s`,
    sklearnError.toExponential(1),
    sklearnAngle.toFixed(3),
    "(the bar)",
  ]);
  let reachedBy: { label: string; median: number } | undefined;
  for (const [i, c] of CONTENDERS.entries()) {
    const r = runs[i]!;
    const time = bestAndMedian(r.map((x) => x.seconds));
    const error = median(r.map((x) => x.error));
    const angle = median(r.map((x) => x.angle));
    const reaches = error <= sklearnError && angle <= sklearnAngle;
    if (reaches && c.solver === "randomized" && reachedBy === undefined)
      reachedBy = { label: label(c), median: time.median };
    rows.push([
      `ours, ${c.solver}, power_iterations ${c.powerIterations === "auto" ? `auto (${r[0]!.powerIterations})` : c.powerIterations}`,
      `${r[0]!.passes}`,
      `${time.best.toFixed(2)} s`,
      `${time.median.toFixed(2)} s`,
      error.toExponential(1),
      angle.toFixed(3),
      reaches ? "yes" : "no",
    ]);
  }
  const first = runs[0]![0]!;
  console.log(
    `\n${name}: rank ${rank}; ours on ${first.backend} x${first.threads}; exact: LAPACK (syrk + syevr) in float64; accuracy: median of ${RUNS} seeds; ${machineLoadLine()}`,
  );
  printTable(
    [
      "",
      "passes",
      "time best",
      "time median",
      "max rel. error of s",
      "largest angle (deg)",
      "reaches scikit-learn",
    ],
    rows,
  );
  const krylov = runs[0]!;
  console.log(
    reachedBy === undefined
      ? "no randomized contender reached scikit-learn's accuracy"
      : `time to scikit-learn's accuracy (median): krylov auto ${median(krylov.map((x) => x.seconds)).toFixed(2)} s; randomized first at ${reachedBy.label}, ${reachedBy.median.toFixed(2)} s`,
  );
}

async function main(): Promise<void> {
  console.log(
    `solvers against the exact SVD; numpy: ${openblasKernel()} (unset for it: ${pinningInEnvironment().join(" ") || "nothing"})`,
  );
  const root = mkdtempSync(join(tmpdir(), "tt-bench-solvers-"));
  try {
    const { instances, samples, channels } = HEADLINE;
    const headline = join(root, "headline");
    mkdirSync(headline);
    writeFileSync(
      join(headline, "data.npy"),
      npyBytes(headlineSignal(), [instances, samples * channels]),
    );
    benchMatrix(
      `headline ${instances} x ${samples * channels} float32, PCA`,
      headline,
      "instance",
      8,
    );
    rmSync(headline, { recursive: true, force: true });

    const slow = join(root, "slow");
    mkdirSync(slow);
    const random = uniform(7);
    const data = new Float32Array(SLOW_ROWS * SLOW_COLS);
    for (let i = 0; i < SLOW_ROWS; i++)
      for (let j = 0; j < SLOW_COLS; j++)
        data[i * SLOW_COLS + j] = (random() - 0.5) / Math.sqrt(j + 1);
    writeFileSync(join(slow, "data.npy"), npyBytes(data, [SLOW_ROWS, SLOW_COLS]));
    benchMatrix(
      `slowly decaying spectrum ${SLOW_ROWS} x ${SLOW_COLS} float32 (column j / sqrt(j + 1)), SVD`,
      slow,
      "none",
      10,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const [kind, ...args] = process.argv.slice(2);
if (kind === "child") await child(args);
else await main();
