/**
 * ICA against its numpy reference (bench/numpy_ica.py: the algorithms of
 * scripts/golden/make_ica_golden.py, float64, on numpy's best OpenBLAS kernel: the child runs
 * without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE; the faster of 1 and 2 threads), from the same
 * start and the same shuffles (the ported generator draws in pure Python, which Infomax's
 * per-pass shuffles pay for):
 * seconds of the fit (whitening and iterations, data already in memory, in this process for
 * ours), iterations, and the agreement of the unmixing matrices (the smallest |correlation| of
 * matched rows). Cases: the EEGLAB epochs (80 x 384 x 32) with parallel and deflation FastICA
 * and extended Infomax, and a larger synthetic recording (TT_BENCH_INSTANCES x 384 x 32, default
 * 600: 7.4 million values) with parallel FastICA.
 * Run: `npx -y pnpm@10 --filter @tt/decompose-ica bench`.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readNpyFile } from "@tt/bundle/fs";
import { type AxisAnnotatedTensor, createTensor } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { npyBytes, uniform } from "../../../tooling/bench/headline.js";
import {
  machineLoadLine,
  numpyEnvironment,
  openblasKernel,
  pinningInEnvironment,
  printTable,
} from "../../../tooling/bench/reference.js";
import { ica } from "../src/index.js";

const here = fileURLToPath(import.meta.url);
const numpyScript = join(here, "..", "numpy_ica.py");
const eegPath = join(here, "..", "..", "..", "..", "fixtures", "eeglab_epochs", "tensor.npy");

interface Case {
  name: string;
  tensor: AxisAnnotatedTensor;
  config: { algorithm: "fastica" | "infomax"; fastica_mode?: "parallel" | "deflation" };
}

/** A synthetic recording: 6 non-Gaussian sources and Gaussian noise mixed into 32 channels. */
function synthetic(n: number): AxisAnnotatedTensor {
  const t = 384;
  const C = 32;
  const random = uniform(7);
  const mixing = Float64Array.from({ length: C * 38 }, () => random() * 2 - 1);
  const data = new Float32Array(n * t * C);
  const s = new Float64Array(38);
  for (let i = 0; i < n * t; i++) {
    s[0] = Math.log(random()) * (random() < 0.5 ? -1 : 1);
    s[1] = random() * 2 - 1;
    s[2] = Math.sin(i * 0.05);
    s[3] = ((i * 0.013) % 1) - 0.5;
    s[4] = random() < 0.01 ? 5 : 0;
    s[5] = Math.sign(Math.sin(i * 0.021));
    for (let j = 6; j < 38; j++) s[j] = 0.05 * (random() + random() + random() - 1.5);
    for (let c = 0; c < C; c++) {
      let v = 0;
      for (let j = 0; j < 38; j++) v += mixing[c * 38 + j]! * s[j]!;
      data[i * C + c] = v;
    }
  }
  return createTensor({ data, shape: [n, t, C], axes: ["instance", "sample", "channel"] });
}

function minCorrelation(a: Float64Array, b: number[], rows: number, cols: number): number {
  const corr = (x: number[], y: number[]) => {
    const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
    const mx = mean(x);
    const my = mean(y);
    let xy = 0;
    let xx = 0;
    let yy = 0;
    x.forEach((v, i) => {
      xy += (v - mx) * (y[i]! - my);
      xx += (v - mx) ** 2;
      yy += (y[i]! - my) ** 2;
    });
    return Math.abs(xy / Math.sqrt(xx * yy));
  };
  const row = (m: ArrayLike<number>, k: number) =>
    Array.from({ length: cols }, (_, j) => m[k * cols + j]!);
  let worst = 1;
  for (let e = 0; e < rows; e++) {
    let best = 0;
    for (let k = 0; k < rows; k++) best = Math.max(best, corr(row(a, k), row(b, e)));
    worst = Math.min(worst, best);
  }
  return worst;
}

async function run(c: Case, dir: string): Promise<string[]> {
  const data = c.tensor.data as Float32Array;
  const npy = join(dir, `${c.name}.npy`);
  writeFileSync(npy, npyBytes(Float32Array.from(data), c.tensor.shape));
  const started = performance.now();
  const out = await ica.fit(viewFromTensor(c.tensor), ica.validate(c.config), {
    seed: 0,
    signal: undefined,
    onProgress() {},
  });
  const ours = (performance.now() - started) / 1000;
  const result = join(dir, `${c.name}.json`);
  const args = [
    numpyScript,
    npy,
    "--algorithm",
    c.config.algorithm,
    "--mode",
    c.config.fastica_mode ?? "parallel",
    "--out",
    result,
  ];
  execFileSync("python3", args, { env: numpyEnvironment(2) });
  const numpy = JSON.parse(readFileSync(result, "utf8")) as {
    seconds: number;
    n_iter: number[];
    unmixing: number[];
  };
  const C = c.tensor.shape[2]!;
  const unmixing = out.componentTensors.unmixing!.data as Float64Array;
  return [
    c.name,
    `${ours.toFixed(2)} s`,
    `${numpy.seconds.toFixed(2)} s`,
    (ours / numpy.seconds).toFixed(2),
    JSON.stringify(out.diagnostics.n_iter),
    JSON.stringify(numpy.n_iter.length === 1 ? numpy.n_iter[0] : numpy.n_iter),
    minCorrelation(unmixing, numpy.unmixing, C, C).toFixed(6),
  ];
}

const eeg = await readNpyFile(eegPath);
const eegTensor = createTensor({
  data: eeg.data,
  shape: eeg.shape,
  axes: ["instance", "sample", "channel"],
});
const n = Number(process.env.TT_BENCH_INSTANCES ?? 600);
const cases: Case[] = [
  { name: "eeg-fastica-parallel", tensor: eegTensor, config: { algorithm: "fastica" } },
  {
    name: "eeg-fastica-deflation",
    tensor: eegTensor,
    config: { algorithm: "fastica", fastica_mode: "deflation" },
  },
  { name: "eeg-infomax", tensor: eegTensor, config: { algorithm: "infomax" } },
  { name: `synthetic-${n}x384x32-fastica`, tensor: synthetic(n), config: { algorithm: "fastica" } },
];
console.log(
  `numpy on OpenBLAS ${openblasKernel()} (the faster of 1 and 2 threads); ${machineLoadLine()}`,
);
const pinned = pinningInEnvironment();
if (pinned.length > 0) console.log(`removed for the numpy child: ${pinned.join(" ")}`);
const dir = mkdtempSync(join(tmpdir(), "tt-ica-bench-"));
try {
  const rows: string[][] = [];
  for (const c of cases) rows.push(await run(c, dir));
  printTable(["case", "ours", "numpy", "ratio", "n_iter", "numpy n_iter", "min |corr|"], rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
