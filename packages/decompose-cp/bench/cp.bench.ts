/**
 * CP-ALS at rank 5 on the headline shape (42337 x 1793 x 3 float32) against numpy's CP-ALS of
 * the same algorithm (bench/numpy_cp_als.py: float32 data, the MTTKRP as two GEMM passes) in the
 * same run, from the same random initial factors: seconds per ALS sweep and for a full fit.
 * Ours runs in child processes (each measurement with its own memory): the default SIMD128
 * kernels on one thread and on every core, and relaxed SIMD (`--experimental-wasm-relaxed-simd`)
 * on every core. Run:
 * `npx -y pnpm@10 --filter @tt/decompose-cp bench`; TT_BENCH_INSTANCES picks a smaller first axis.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTensor } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import {
  HEADLINE,
  headlineMeta,
  headlineSignal,
  npyBytes,
} from "../../../tooling/bench/headline.js";
import { cp } from "../src/index.js";
import { randomFactors } from "../src/init.js";

const RANK = 5;
const SEED = 1;
const TOL = 1e-6;
const N_ITER_MAX = 200;
const here = fileURLToPath(import.meta.url);

interface Ours {
  sweepSeconds: number;
  /** Copying the view into kernel memory (the scan of missing values and statistics). */
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

/** One fit in this process; prints its JSON. */
async function child(threads: string): Promise<void> {
  const { instances, samples, channels } = HEADLINE;
  const tensor = createTensor({
    data: headlineSignal(),
    shape: [instances, samples, channels],
    axes: ["instance", "sample", "channel"],
    axisMeta: { instance: headlineMeta() },
  });
  const view = viewFromTensor(tensor, { instance: "instance_id" });
  const config = cp.validate({
    rank: RANK,
    init: "random",
    seed: SEED,
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

function ours(threads: string, relaxed: boolean): Ours {
  const flags = relaxed ? ["--experimental-wasm-relaxed-simd"] : [];
  const out = execFileSync(
    process.execPath,
    [...flags, ...process.execArgv, here, "child", threads],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as Ours;
}

function numpy(dataPath: string, initPath: string, threads: string): Numpy | undefined {
  try {
    const out = execFileSync(
      "python3",
      [
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
      ],
      {
        encoding: "utf8",
        maxBuffer: 1 << 24,
        env: { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads },
      },
    );
    return JSON.parse(out.trim().split("\n").pop()!) as Numpy;
  } catch (error) {
    console.log(`numpy reference failed: ${String(error).split("\n")[0]}`);
    return undefined;
  }
}

function table(header: string[], rows: string[][]): void {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  for (const r of all) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
}

async function main(): Promise<void> {
  const { instances, samples, channels } = HEADLINE;
  const gb = (instances * samples * channels * 4) / 1e9;
  console.log(
    `CP-ALS rank ${RANK} of ${instances} x ${samples} x ${channels} float32 (${gb.toFixed(2)} GB), random init (seed ${SEED}), tol ${TOL}, n_iter_max ${N_ITER_MAX}`,
  );
  const root = mkdtempSync(join(tmpdir(), "tt-bench-cp-"));
  try {
    const dataPath = join(root, "data.npy");
    writeFileSync(dataPath, npyBytes(headlineSignal(), [instances, samples * channels]));
    const initPath = join(root, "init.json");
    const { factors } = randomFactors([samples, channels], RANK, SEED);
    const rowsOf = (f: Float64Array) =>
      Array.from({ length: f.length / RANK }, (_, i) =>
        Array.from(f.subarray(i * RANK, (i + 1) * RANK)),
      );
    writeFileSync(initPath, JSON.stringify(factors.map(rowsOf)));
    const reference = [
      { label: "numpy (OpenBLAS, 1 thread)", result: numpy(dataPath, initPath, "1") },
      { label: "numpy (OpenBLAS, 2 threads)", result: numpy(dataPath, initPath, "2") },
    ].filter((r) => r.result !== undefined) as { label: string; result: Numpy }[];
    const bestSweep = Math.min(...reference.map((r) => r.result.sweep_seconds));
    const bestFit = Math.min(...reference.map((r) => r.result.fit_seconds));
    const rows: string[][] = reference.map(({ label, result }) => [
      label,
      `${(result.sweep_seconds * 1000).toFixed(0)} ms`,
      `${(result.sweep_seconds / bestSweep).toFixed(2)}x`,
      `${result.fit_seconds.toFixed(2)} s`,
      "",
      `${result.iterations}${result.converged ? "" : " (max)"}`,
      result.fit.toFixed(6),
      "two GEMM passes per sweep, array in memory",
    ]);
    for (const [label, threads, relaxed] of [
      ["ours, SIMD128 (default), 1 thread", "1", false],
      ["ours, SIMD128 (default)", "auto", false],
      ["ours, relaxed SIMD", "auto", true],
    ] as const) {
      const r = ours(threads, relaxed);
      rows.push([
        label,
        `${(r.sweepSeconds * 1000).toFixed(0)} ms`,
        `${(r.sweepSeconds / bestSweep).toFixed(2)}x`,
        `${r.fitSeconds.toFixed(2)} s`,
        `${(r.fitSeconds / bestFit).toFixed(2)}x`,
        `${r.iterations}${r.converged ? "" : " (max)"}`,
        r.fit.toFixed(6),
        `${r.detail}; one fused pass per sweep; + ${r.readSeconds.toFixed(2)} s reading the view into kernel memory`,
      ]);
    }
    console.log(
      "\nsweep = median of our sweeps / mean of 10 numpy sweeps; ratio = ours / numpy's best; full fit = from the same initial factors to convergence (ours: initialization, sweeps, last pass and output, after the view is in kernel memory)",
    );
    table(["", "sweep", "ratio", "full fit", "ratio", "sweeps", "fit", "how"], rows);
    console.log(
      "(the view is the in-memory test view of @tt/schema/testing, which gathers element by element; a bundle on disk reads faster)",
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const [kind, ...args] = process.argv.slice(2);
if (kind === undefined) await main();
else await child(args[0] ?? "auto");
