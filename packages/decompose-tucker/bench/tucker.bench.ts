/**
 * Tucker (HOOI) on the headline shape (42337 x 1793 x 3 float32), ranks (5, 5, 3), against numpy's
 * HOOI of the same algorithm (bench/numpy_tucker.py: float32 GEMMs A @ K and A.T @ Z per
 * iteration) on its best OpenBLAS kernel (the child runs without OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE; the kernel is printed), on 1 and 2 BLAS threads. Whole processes, as users run
 * them, alternating (TT_BENCH_RUNS each, default 3; best and median) from a warm page cache: ours a
 * Node process that opens the bundle, fits `tucker` (init "random", 10 iterations, tol 0) and
 * prints the fit; numpy's loads the .npy, runs 10 iterations from its own random orthonormal start
 * and writes the factors and core. Random starts on both sides: the HOSVD start's Gram matrix of
 * the 1793-long mode (4e11 multiply-adds) would dominate both.
 * Run: `npx -y pnpm@10 --filter @tt/decompose-tucker bench`; TT_BENCH_INSTANCES picks a smaller
 * first axis.
 *
 * Measured (2 cores, numpy 2.4 on OpenBLAS's SkylakeX kernel, a shared machine at load 5.4, 3 runs
 * each, best / median seconds): tt 5.73 / 7.21 (relaxed SIMD x2, peak RSS 1054 MB), numpy 1 thread
 * 6.63 / 8.10 (920 MB), numpy 2 threads 9.17 / 10.28; the same fit, 0.158768, on every side.
 */

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
} from "../../../tooling/bench/reference.js";
import { tucker } from "../src/index.js";

const RANKS = [5, 5, 3];
const ITERATIONS = 10;
const here = fileURLToPath(import.meta.url);

/** One fit of the bundle at `path` in this process; prints its JSON. */
async function child(path: string): Promise<void> {
  const view = createDataset(await openStoredDataset(path));
  const config = tucker.validate({ ranks: RANKS, init: "random", tol: 0, n_iter_max: ITERATIONS });
  const output = await tucker.fit(view, config, { seed: 1, signal: undefined, onProgress() {} });
  const d = output.diagnostics as {
    fit: number;
    iterations: number;
    kernels: { backend: string; threads: number };
  };
  console.log(
    JSON.stringify({
      fit: d.fit,
      iterations: d.iterations,
      kernels: `${d.kernels.backend} x${d.kernels.threads}`,
    }),
  );
}

function row(name: string, runs: ProcessRun[], detail: string): string[] {
  const { best, median } = bestAndMedian(runs.map((run) => run.seconds));
  const rss = Math.max(...runs.map((run) => run.maxRssMb ?? 0));
  return [name, best.toFixed(2), median.toFixed(2), rss.toFixed(0), detail];
}

async function main(): Promise<void> {
  const { instances, samples, channels } = HEADLINE;
  const root = mkdtempSync(join(tmpdir(), "tt-bench-tucker-"));
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
    const runs = Number(process.env.TT_BENCH_RUNS ?? 3);
    const ours = () =>
      timeProcess(process.execPath, [
        "--experimental-wasm-relaxed-simd",
        ...process.execArgv,
        here,
        "child",
        join(root, "bundle"),
      ]);
    const numpy = (threads: number) => () =>
      timeProcess(
        "python3",
        [
          join(here, "../numpy_tucker.py"),
          join(root, "data.npy"),
          "--dims",
          `${samples},${channels}`,
          "--ranks",
          RANKS.join(","),
          "--iterations",
          `${ITERATIONS}`,
        ],
        { env: numpyEnvironment(threads) },
      );
    const [a, b, c] = alternate(runs, [ours, numpy(1), numpy(2)] as const);
    const last = (r: ProcessRun[]) => JSON.parse(r[r.length - 1]!.stdout.trim().split("\n").pop()!);
    console.log(
      `Tucker ${instances} x ${samples} x ${channels} float32, ranks (${RANKS}), ${ITERATIONS} iterations, whole processes`,
    );
    console.log(
      `numpy: ${openblasKernel()}; removed for numpy: ${pinningInEnvironment().join(" ") || "none"}`,
    );
    console.log(machineLoadLine());
    printTable(
      ["process", "best s", "median s", "peak RSS MB", "detail"],
      [
        row(
          "tt (tucker.fit from the bundle)",
          a,
          `fit ${last(a).fit.toFixed(6)}, ${last(a).kernels}`,
        ),
        row("numpy, 1 thread", b, `fit ${last(b).fit.toFixed(6)}`),
        row("numpy, 2 threads", c, `fit ${last(c).fit.toFixed(6)}`),
      ],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === "child") await child(process.argv[3]!);
else await main();
