/**
 * Times the kernels on a 42337 × 5379 float32 matrix (the size of the EEG tensor of the
 * SVD work) times 20 columns, for each wasm backend with 1 and 2 threads, and compares with numpy
 * (OpenBLAS, 1 and 2 threads) when python3 has it, on OpenBLAS's best kernel: the numpy child runs
 * without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, and the kernel it ran is printed. The ratio is
 * our faster time (1 or 2 threads) over numpy's faster one: below 1 means faster than numpy. Run
 * with `pnpm bench`, which starts Node with --experimental-wasm-relaxed-simd so that the relaxed
 * build can be measured on Node 20. KERNEL_BENCH_ROWS, KERNEL_BENCH_COLS and KERNEL_BENCH_REPEATS
 * make it smaller or longer.
 */
import { spawnSync } from "node:child_process";
import {
  machineLoadLine,
  numpyEnvironment,
  openblasKernel,
  pinningInEnvironment,
} from "../../../tooling/bench/reference.js";
import {
  createKernels,
  type KernelBackend,
  type KernelMatrix,
  type Kernels,
} from "../src/index.js";

const n = Number(process.env.KERNEL_BENCH_ROWS ?? 42337);
const p = Number(process.env.KERNEL_BENCH_COLS ?? 5379);
const repeats = Number(process.env.KERNEL_BENCH_REPEATS ?? 3);
const l = 20;
const gramCols = 500;

/** Fills a matrix with uniform(-0.5, 0.5) values from a fixed LCG. */
function fill(data: Float32Array | Float64Array, seed: number): void {
  let state = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 32 - 0.5;
  }
}

function uniform(length: number, seed: number): Float64Array {
  const out = new Float64Array(length);
  fill(out, seed);
  return out;
}

/** The best wall time of `repeats` runs, in seconds. */
async function best(run: () => Promise<unknown>): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    await run();
    fastest = Math.min(fastest, (performance.now() - start) / 1000);
  }
  return fastest;
}

/**
 * numpy's best times for the same products with `threads` OpenBLAS threads, or undefined without
 * python3 and numpy.
 */
function numpyTimes(threads: number): Record<string, number> | undefined {
  const script = `
import json, time, numpy as np
n, p, l, q, repeats = ${n}, ${p}, ${l}, ${gramCols}, ${repeats}
rng = np.random.default_rng(0)
A = rng.random((n, p), dtype=np.float32) - 0.5
B = rng.random((p, l), dtype=np.float32) - 0.5
T = rng.random((n, l), dtype=np.float32) - 0.5
G = np.ascontiguousarray(A[:, :q])
def best(f):
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return min(times)
print(json.dumps({
    "multiply": best(lambda: A @ B),
    "multiplyTransA": best(lambda: A.T @ T),
    "normalProduct": best(lambda: A.T @ (A @ B)),
    "gram": best(lambda: G.T @ G),
}))
`;
  const result = spawnSync("python3", ["-c", script], {
    encoding: "utf8",
    env: numpyEnvironment(threads),
  });
  if (result.status !== 0) return undefined;
  return JSON.parse(result.stdout.trim().split("\n").pop()!);
}

interface Row {
  kernel: string;
  flops: number;
  seconds: number;
}

async function measure(backend: KernelBackend, threads: number): Promise<Row[]> {
  const kernels: Kernels = await createKernels({ backend, threads });
  const rows: Row[] = [];
  let A: KernelMatrix | undefined;
  let narrow: KernelMatrix | undefined;
  try {
    A = kernels.allocMatrix(n, p, "float32");
    fill(A.data, 1);
    const B = uniform(p * l, 2);
    const T = uniform(n * l, 3);
    const flops = 2 * n * p * l;
    rows.push({ kernel: "multiply", flops, seconds: await best(() => kernels.multiply(A!, B, l)) });
    rows.push({
      kernel: "multiplyTransA",
      flops,
      seconds: await best(() => kernels.multiplyTransA(A!, T, l)),
    });
    rows.push({
      kernel: "normalProduct",
      flops: 2 * flops,
      seconds: await best(() => kernels.normalProduct(A!, B, l)),
    });
    const shift = new Float64Array(p);
    rows.push({
      kernel: "moments",
      flops: 0,
      seconds: await best(() => kernels.moments(A!, shift)),
    });
    const ones = new Float64Array(p).fill(1);
    rows.push({
      kernel: "affineColumns",
      flops: 0,
      seconds: await best(() => kernels.affineColumns(A!, shift, ones)),
    });
    kernels.freeMatrix(A);
    A = undefined;
    narrow = kernels.allocMatrix(n, gramCols, "float32");
    fill(narrow.data, 4);
    rows.push({
      kernel: "gram",
      flops: n * gramCols * gramCols,
      seconds: await best(() => kernels.gram(narrow!)),
    });
  } finally {
    await kernels.dispose();
  }
  return rows;
}

const backends: KernelBackend[] = ["wasm-relaxed-simd", "wasm-simd"];
const relaxed = await createKernels({ backend: "wasm-relaxed-simd", threads: 1 }).then(
  (kernels) => kernels.dispose().then(() => true),
  () => false,
);
if (!relaxed) {
  console.log("relaxed SIMD is not available (Node 20: --experimental-wasm-relaxed-simd)");
  backends.shift();
}

console.log(
  `kernels on ${n} x ${p} float32, l = ${l} (gram: ${n} x ${gramCols}), best of ${repeats}`,
);
const numpy = [numpyTimes(1), numpyTimes(2)];
const pinned = pinningInEnvironment();
console.log(
  numpy[0] === undefined
    ? "numpy: not available"
    : `numpy measured with 1 and 2 threads: ${openblasKernel()}${pinned.length > 0 ? `; run without ${pinned.join(", ")} (set here)` : ""}`,
);
console.log(`machine: ${machineLoadLine()}`);
for (const backend of backends) {
  const byThreads = new Map<number, Row[]>();
  for (const threads of [1, 2]) byThreads.set(threads, await measure(backend, threads));
  console.log(`\n${backend}`);
  const one = byThreads.get(1)!;
  const two = byThreads.get(2)!;
  one.forEach((row, r) => {
    const twoRow = two[r]!;
    const rate = (x: Row) =>
      x.flops > 0
        ? `${(x.flops / x.seconds / 1e9).toFixed(1).padStart(5)} GF/s`
        : `${((n * (x.kernel === "gram" ? gramCols : p) * 4) / x.seconds / 1e9).toFixed(1).padStart(5)} GB/s`;
    const [numpyOne, numpyTwo] = numpy.map((times) => times?.[row.kernel]);
    const versus =
      numpyOne === undefined || numpyTwo === undefined
        ? ""
        : ` | numpy ${(numpyOne * 1000).toFixed(0)} / ${(numpyTwo * 1000).toFixed(0)} ms,` +
          ` ours / numpy's best ${(Math.min(row.seconds, twoRow.seconds) / Math.min(numpyOne, numpyTwo)).toFixed(2)}x`;
    console.log(
      `  ${row.kernel.padEnd(15)} 1 thread ${(row.seconds * 1000).toFixed(0).padStart(5)} ms ${rate(row)}` +
        ` | 2 threads ${(twoRow.seconds * 1000).toFixed(0).padStart(5)} ms ${rate(twoRow)}` +
        ` (x${(row.seconds / twoRow.seconds).toFixed(2)})${versus}`,
    );
  });
}
