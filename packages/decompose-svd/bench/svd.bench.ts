/**
 * PCA on the headline shape (42337 x 1793 x 3 float32 = 42337 x 5379, rank 8, randomized, 7
 * power iterations, 10 oversamples) against numpy's implementation of the same algorithm, from
 * an on-disk bundle (read included), streamed under a small memory budget (peak RSS; both in plain
 * Node on the built packages, see `fit-child.mjs`), and against ml-matrix on 5000 x 1000. Each measurement runs in its own process so that its peak
 * RSS is its own. Run: `npx -y pnpm@10 --filter @tt/decompose-svd bench`. TT_BENCH_INSTANCES
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
import { pca } from "../src/index.js";

const RANK = 8;
const POWER_ITERATIONS = 7;
const OVERSAMPLES = 10;
const here = fileURLToPath(import.meta.url);

interface Measurement {
  seconds: number;
  /** Peak RSS, measured for the bundle runs only. */
  maxRssMb?: number;
  singularValues: number[];
  detail: string;
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
function measureBundle(path: string, budget?: number): Measurement {
  const args = [`${RANK}`, `${POWER_ITERATIONS}`, `${OVERSAMPLES}`];
  if (budget !== undefined) args.push(`${budget}`);
  const out = execFileSync(process.execPath, [join(here, "../fit-child.mjs"), path, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as Measurement;
}

function numpy(
  path: string,
  threads: string,
): { seconds: number; singular_values: number[] } | undefined {
  try {
    const out = execFileSync(
      "python3",
      [
        join(here, "../numpy_randomized_svd.py"),
        path,
        "--rank",
        `${RANK}`,
        "--oversamples",
        `${OVERSAMPLES}`,
        "--power-iterations",
        `${POWER_ITERATIONS}`,
        "--center",
        "instance",
        "--repeat",
        "2",
      ],
      { encoding: "utf8", env: { ...process.env, OPENBLAS_NUM_THREADS: threads } },
    );
    return JSON.parse(out.trim().split("\n").pop()!);
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const { instances, samples, channels } = HEADLINE;
  const gb = (instances * samples * channels * 4) / 1e9;
  const root = mkdtempSync(join(tmpdir(), "tt-bench-svd-"));
  try {
    console.log(
      `PCA rank ${RANK}, randomized (${POWER_ITERATIONS} power iterations, ${OVERSAMPLES} oversamples) of ${instances} x ${samples} x ${channels} float32 (${gb.toFixed(2)} GB)`,
    );
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
    const reference = [
      numpy(join(root, "data.npy"), "1"),
      numpy(join(root, "data.npy"), "2"),
    ].filter((r) => r !== undefined);
    const best = reference.length > 0 ? Math.min(...reference.map((r) => r.seconds)) : undefined;
    const rows: string[][] = [];
    const add = (what: string, m: Measurement) => {
      const error = reference[0]
        ? Math.max(
            ...m.singularValues
              .slice(0, 3)
              .map(
                (s, i) =>
                  Math.abs(s - reference[0]!.singular_values[i]!) /
                  reference[0]!.singular_values[i]!,
              ),
          )
        : Number.NaN;
      rows.push([
        what,
        `${m.seconds.toFixed(2)} s`,
        best ? `${(m.seconds / best).toFixed(2)}x` : "",
        m.maxRssMb === undefined ? "" : `${m.maxRssMb.toFixed(0)} MB`,
        error.toExponential(1),
        m.detail,
      ]);
    };
    for (const [i, r] of reference.entries())
      rows.push([
        `numpy (OpenBLAS, ${i + 1} thread${i ? "s" : ""}), array in memory`,
        `${r.seconds.toFixed(2)} s`,
        "1.00x",
        "",
        "",
        "same algorithm",
      ]);
    add("ours, from the bundle on disk (read included)", measureBundle(join(root, "bundle")));
    const budget = 128 * 2 ** 20;
    add(
      `ours, streamed (memory_budget ${budget / 2 ** 20} MiB)`,
      measureBundle(join(root, "bundle"), budget),
    );
    console.log(
      `\ntensor ${(gb * 1000).toFixed(0)} MB; ratio = our time / numpy's best; error = max relative difference of the top 3 (signal) singular values from numpy's; the others are noise, where both randomized results are approximate`,
    );
    table(["", "time", "ratio", "peak RSS", "error", "how"], rows);

    const [mlRows, mlCols] = (process.env.TT_BENCH_MLMATRIX ?? "5000x1000").split("x");
    console.log(`\nSVD of a ${mlRows} x ${mlCols} uniform random float64 matrix`);
    const ml = measure("mlmatrix", mlRows!, mlCols!);
    const full = measure("full", mlRows!, mlCols!);
    const low = measure("low", mlRows!, mlCols!);
    table(
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

function table(header: string[], rows: string[][]): void {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  for (const r of all) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
}

const [kind, ...args] = process.argv.slice(2);
if (kind === undefined) await main();
else await child(kind, args);
