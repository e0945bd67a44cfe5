/**
 * Run by kernels-relaxed.test.ts in a child Node started with --experimental-wasm-relaxed-simd:
 * prints, as JSON, which backend "auto" picks and how far the relaxed (fused) results are from
 * SIMD128's, relative to the largest magnitude of each output.
 */
import { createKernels, type Kernels } from "../src/index.js";
import { randomMatrix } from "./helpers.js";

const n = 4200;
const p = 37;
const l = 5;

async function outputs(kernels: Kernels, dtype: "float32" | "float64") {
  const A = kernels.allocMatrix(n, p, dtype);
  A.data.set(randomMatrix(n, p, 1));
  const Y = randomMatrix(p, l, 2);
  const shift = randomMatrix(1, p, 3);
  const moments = await kernels.moments(A, shift);
  const result = {
    multiply: await kernels.multiply(A, Y, l),
    multiplyTransA: await kernels.multiplyTransA(A, randomMatrix(n, l, 4), l),
    normalProduct: await kernels.normalProduct(A, Y, l),
    gram: await kernels.gram(A),
    columnSums: moments.columnSums,
    rowSumSquares: moments.rowSumSquares,
  };
  kernels.freeMatrix(A);
  return result;
}

const relaxed = await createKernels({ threads: 2 });
const simd = await createKernels({ backend: "wasm-simd", threads: 1 });
const report: Record<string, unknown> = { backend: relaxed.backend, threads: relaxed.threads };
for (const dtype of ["float32", "float64"] as const) {
  const fused = await outputs(relaxed, dtype);
  const plain = await outputs(simd, dtype);
  for (const [name, values] of Object.entries(fused)) {
    const reference = plain[name as keyof typeof plain];
    let scale = 0;
    let worst = 0;
    for (let i = 0; i < values.length; i++) {
      scale = Math.max(scale, Math.abs(reference[i]!));
      worst = Math.max(worst, Math.abs(values[i]! - reference[i]!));
    }
    report[`${dtype} ${name}`] = worst / scale;
  }
}
{
  // The eigensolver's loops fuse too: eigenvalues of a 120 x 120 Gram matrix, relative to the largest.
  const m = 120;
  const X = randomMatrix(2 * m, m, 5);
  const S = new Float64Array(m * m);
  for (let i = 0; i < 2 * m; i++)
    for (let a = 0; a < m; a++)
      for (let b = 0; b < m; b++) S[a * m + b]! += X[i * m + a]! * X[i * m + b]!;
  const fused = (await relaxed.symmetricEigen(S, m)).values;
  const plain = (await simd.symmetricEigen(S, m)).values;
  let worst = 0;
  for (let i = 0; i < m; i++) worst = Math.max(worst, Math.abs(fused[i]! - plain[i]!));
  report["float64 symmetricEigen"] = worst / plain[0]!;
}
await relaxed.dispose();
await simd.dispose();
console.log(JSON.stringify(report));
