/**
 * Every component: PCA of all min(n, p) components of a uniform random float64 matrix (default
 * 5000 x 1000; TT_BENCH_MLMATRIX=2000x500 picks another size), against ml-matrix 6.15's SVD (run
 * once: it takes minutes) and LAPACK through numpy (np.linalg.svd; the best OpenBLAS kernel, 1 and
 * 2 threads, the faster counts), with the accuracy of each against LAPACK's: the largest relative
 * error of the singular values and the largest angle between a component and LAPACK's. A second
 * table times the eigen decomposition of the p×p Gram matrix, the part the Gram solver adds:
 * Kernels.symmetricEigen against the JavaScript symmetricEigen and numpy.linalg.eigh. Our fits run
 * TT_BENCH_RUNS times (default 3), each in its own Node process with relaxed SIMD on, as `tt` runs.
 *
 * Run: `npx tsx --conditions=@tt/source bench/full.bench.ts` in packages/decompose-svd (or the
 * package's `bench` script, which runs every SVD bench).
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { createKernels, symmetricEigen } from "@tt/linalg";
import { createTensor } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { uniform } from "../../../tooling/bench/headline.js";
import {
  bestAndMedian,
  machineLoadLine,
  numpyEnvironment,
  openblasKernel,
  printTable,
} from "../../../tooling/bench/reference.js";

const here = fileURLToPath(import.meta.url);
const RUNS = Number(process.env.TT_BENCH_RUNS ?? 3);
const [ROWS, COLS] = (process.env.TT_BENCH_MLMATRIX ?? "5000x1000").split("x").map(Number) as [
  number,
  number,
];

/** The centered matrix (PCA's), the same in every process. */
function centered(): Float64Array {
  const random = uniform(3);
  const data = Float64Array.from({ length: ROWS * COLS }, () => random() - 0.5);
  for (let j = 0; j < COLS; j++) {
    let mean = 0;
    for (let i = 0; i < ROWS; i++) mean += data[i * COLS + j]!;
    mean /= ROWS;
    for (let i = 0; i < ROWS; i++) data[i * COLS + j]! -= mean;
  }
  return data;
}

/** A float64 `.npy` file's values. */
function readNpy(path: string): Float64Array {
  const bytes = readFileSync(path);
  const body = bytes.subarray(10 + bytes.readUInt16LE(8));
  return new Float64Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
}

/** The bytes of a float64 `.npy` file of `shape`. */
function npy64(data: Float64Array, shape: readonly number[]): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(", ")}), }`;
  header += " ".repeat(64 - ((10 + header.length + 1) % 64)) + "\n";
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 78, 85, 77, 80, 89, 1, 0, header.length & 255, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** One measurement in this process: its seconds and detail on stdout, its s and Vt in `out`. */
async function child(kind: string, out: string): Promise<void> {
  if (Number(process.versions.node.split(".")[0]) < 22)
    setFlagsFromString("--experimental-wasm-relaxed-simd");
  const data = centered();
  const k = Math.min(ROWS, COLS);
  let s: Float64Array;
  let vt: Float64Array;
  let detail: string;
  const start = performance.now();
  if (kind === "mlmatrix") {
    const { Matrix, SVD } = await import("ml-matrix");
    const matrix = new Matrix(ROWS, COLS);
    for (let i = 0; i < ROWS; i++)
      for (let j = 0; j < COLS; j++) matrix.set(i, j, data[i * COLS + j]!);
    const t = performance.now();
    const svd = new SVD(matrix, { autoTranspose: true });
    const seconds = (performance.now() - t) / 1000;
    s = Float64Array.from(svd.diagonal.slice(0, k));
    const V = svd.rightSingularVectors;
    vt = new Float64Array(k * COLS);
    for (let c = 0; c < k; c++) for (let j = 0; j < COLS; j++) vt[c * COLS + j] = V.get(j, c);
    detail = "ml-matrix SVD (autoTranspose), the matrix already in a Matrix";
    writeFileSync(out, JSON.stringify({ s: Array.from(s), vt: Array.from(vt) }));
    console.log(JSON.stringify({ seconds, detail }));
    return;
  }
  if (kind === "eigen") {
    const kernels = await createKernels();
    const G = new Float64Array(COLS * COLS);
    const A = kernels.allocMatrix(ROWS, COLS, "float64");
    A.data.set(data);
    G.set(await kernels.gram(A));
    const t0 = performance.now();
    await kernels.symmetricEigen(G, COLS);
    const ours = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    symmetricEigen(G, COLS);
    const js = (performance.now() - t1) / 1000;
    console.log(JSON.stringify({ ours, js, backend: kernels.backend }));
    await kernels.dispose();
    return;
  }
  const { pca } = await import("../src/index.js");
  const tensor = createTensor({ data, shape: [ROWS, COLS], axes: ["instance", "feature"] });
  const t = performance.now();
  const output = await pca.fit(viewFromTensor(tensor), pca.validate({ rank: k }), {
    seed: 0,
    signal: undefined,
    onProgress() {},
  });
  const seconds = (performance.now() - t) / 1000;
  const d = output.diagnostics as {
    solver: string;
    singular_values: number[];
    kernels: { backend: string; threads: number };
  };
  s = Float64Array.from(d.singular_values);
  vt = output.componentTensors.components!.data as Float64Array;
  detail = `PCA rank ${k}, solver auto (${d.solver}), ${d.kernels.backend} x${d.kernels.threads}, data in memory`;
  writeFileSync(out, JSON.stringify({ s: Array.from(s), vt: Array.from(vt) }));
  console.log(JSON.stringify({ seconds, detail, total: (performance.now() - start) / 1000 }));
}

function runChild(kind: string, out: string): Record<string, unknown> {
  const stdout = execFileSync(process.execPath, [...process.execArgv, here, kind, out], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

/** The largest relative singular-value error and the largest component angle (degrees). */
function accuracy(out: string, exactS: Float64Array, exactVt: Float64Array) {
  const { s, vt } = JSON.parse(readFileSync(out, "utf8")) as { s: number[]; vt: number[] };
  let error = 0;
  let cosine = 1;
  for (let c = 0; c < exactS.length; c++) {
    error = Math.max(error, Math.abs(s[c]! - exactS[c]!) / exactS[c]!);
    let dot = 0;
    for (let j = 0; j < COLS; j++) dot += vt[c * COLS + j]! * exactVt[c * COLS + j]!;
    cosine = Math.min(cosine, Math.min(1, Math.abs(dot)));
  }
  return { error, angle: (Math.acos(cosine) * 180) / Math.PI };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "tt-bench-full-"));
  try {
    console.log(
      `every component of a ${ROWS} x ${COLS} uniform random float64 matrix, centered; numpy: ${openblasKernel()}; ${machineLoadLine()}`,
    );
    const path = join(root, "data.npy");
    writeFileSync(path, npy64(centered(), [ROWS, COLS]));
    const lapack = [1, 2].map(
      (threads) =>
        JSON.parse(
          execFileSync(
            "python3",
            [join(here, "../full_svd_reference.py"), path, "--out", root, "--repeat", `${RUNS}`],
            { encoding: "utf8", env: numpyEnvironment(threads), maxBuffer: 1 << 24 },
          )
            .trim()
            .split("\n")
            .pop()!,
        ) as { svd_seconds: number[]; eigh_seconds: number[] },
    );
    const exactS = readNpy(join(root, "s.npy"));
    const exactVt = readNpy(join(root, "vt.npy"));
    const out = join(root, "result.json");
    const ml = runChild("mlmatrix", out) as { seconds: number; detail: string };
    const mlAccuracy = accuracy(out, exactS, exactVt);
    const ours: { seconds: number; detail: string }[] = [];
    const eigen: { ours: number; js: number; backend: string }[] = [];
    let oursAccuracy = { error: 0, angle: 0 };
    for (let r = 0; r < RUNS; r++) {
      ours.push(runChild("ours", out) as { seconds: number; detail: string });
      oursAccuracy = accuracy(out, exactS, exactVt);
      eigen.push(runChild("eigen", out) as { ours: number; js: number; backend: string });
    }
    const time = bestAndMedian(ours.map((o) => o.seconds));
    const numpySvd = lapack
      .map((l, t) => ({ t: t + 1, ...bestAndMedian(l.svd_seconds) }))
      .sort((a, b) => a.best - b.best)[0]!;
    printTable(
      [
        "",
        "time best",
        "time median",
        "speed-up vs ml-matrix (median)",
        "max rel. error of s",
        "largest angle (deg)",
        "how",
      ],
      [
        [
          "ml-matrix 6.15",
          `${ml.seconds.toFixed(1)} s`,
          "(one run)",
          "1x",
          mlAccuracy.error.toExponential(1),
          mlAccuracy.angle.toExponential(1),
          ml.detail,
        ],
        [
          "ours, every component",
          `${time.best.toFixed(2)} s`,
          `${time.median.toFixed(2)} s`,
          `${(ml.seconds / time.median).toFixed(0)}x`,
          oursAccuracy.error.toExponential(1),
          oursAccuracy.angle.toExponential(1),
          ours[0]!.detail,
        ],
        [
          `numpy np.linalg.svd (LAPACK gesdd), ${numpySvd.t} thread${numpySvd.t > 1 ? "s" : ""}`,
          `${numpySvd.best.toFixed(2)} s`,
          `${numpySvd.median.toFixed(2)} s`,
          `${(ml.seconds / numpySvd.median).toFixed(0)}x`,
          "(reference)",
          "(reference)",
          "centered in numpy, not timed",
        ],
      ],
    );
    const numpyEigh = lapack
      .map((l, t) => ({ t: t + 1, ...bestAndMedian(l.eigh_seconds) }))
      .sort((a, b) => a.best - b.best)[0]!;
    const kernelEigen = bestAndMedian(eigen.map((e) => e.ours));
    const jsEigen = bestAndMedian(eigen.map((e) => e.js));
    console.log(`\neigen decomposition of the ${COLS} x ${COLS} Gram matrix`);
    printTable(
      ["", "time best", "time median"],
      [
        [
          `Kernels.symmetricEigen (${eigen[0]!.backend}, one thread)`,
          `${kernelEigen.best.toFixed(2)} s`,
          `${kernelEigen.median.toFixed(2)} s`,
        ],
        [
          "symmetricEigen (JavaScript)",
          `${jsEigen.best.toFixed(2)} s`,
          `${jsEigen.median.toFixed(2)} s`,
        ],
        [
          `numpy np.linalg.eigh (LAPACK syevd), ${numpyEigh.t} thread${numpyEigh.t > 1 ? "s" : ""}`,
          `${numpyEigh.best.toFixed(2)} s`,
          `${numpyEigh.median.toFixed(2)} s`,
        ],
      ],
    );
    console.log(`machine at the end: ${machineLoadLine()}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const [kind, out] = process.argv.slice(2);
if (kind === undefined) await main();
else await child(kind, out!);
