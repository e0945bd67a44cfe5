import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernels, type Kernels, khatriRao, mttkrpFromPartial } from "../src/index.js";
import { randomMatrix } from "./helpers.js";
import { expectSameBits, roundTo } from "./kernel-helpers.js";

/** The naive MTTKRP of mode `mode` (0 = instances) of a row-major tensor of `shape`. */
function naiveMttkrp(
  X: Float64Array,
  shape: number[],
  factors: Float64Array[],
  mode: number,
  rank: number,
): Float64Array {
  const out = new Float64Array(shape[mode]! * rank);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < X.length; flat++) {
    for (let r = 0; r < rank; r++) {
      let w = X[flat]!;
      for (let l = 0; l < shape.length; l++)
        if (l !== mode) w *= factors[l]![index[l]! * rank + r]!;
      out[index[mode]! * rank + r]! += w;
    }
    for (let l = shape.length - 1; l >= 0; l--) {
      index[l]!++;
      if (index[l]! < shape[l]!) break;
      index[l] = 0;
    }
  }
  return out;
}

function expectClose(actual: Float64Array, expected: Float64Array, rtol: number): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++)
    if (!(Math.abs(actual[i]! - expected[i]!) <= rtol * scale))
      expect.fail(`element ${i}: ${actual[i]} vs ${expected[i]}`);
}

describe("khatriRao", () => {
  it("is the column-wise Kronecker product in C order (tensorly's khatri_rao)", () => {
    const A = Float64Array.from([1, 2, 3, 4]); // 2 x 2
    const B = Float64Array.from([1, -1, 0, 2, 5, 1]); // 3 x 2
    expect(Array.from(khatriRao([A, B], 2))).toEqual([1, -2, 0, 4, 5, 2, 3, -4, 0, 8, 15, 4]);
    expect(Array.from(khatriRao([A], 2))).toEqual([1, 2, 3, 4]);
  });

  it("rejects factors that do not match the rank", () => {
    expect(() => khatriRao([new Float64Array(3)], 2)).toThrow(/not a multiple of the rank 2/);
    expect(() => khatriRao([], 2)).toThrow(/at least one factor/);
  });
});

describe("mttkrpFromPartial", () => {
  it("rejects a wrong mode or partial", () => {
    const U = [new Float64Array(4), new Float64Array(6)];
    expect(() => mttkrpFromPartial(new Float64Array(12), [2, 3], U, 2, 2)).toThrow(/mode must/);
    expect(() => mttkrpFromPartial(new Float64Array(10), [2, 3], U, 0, 2)).toThrow(/partial/);
  });
});

const cases: [shape: number[], rank: number][] = [
  [[37, 5, 3], 2],
  [[2051, 7, 4], 5],
  [[600, 4, 3, 5], 3],
  [[9, 6, 1], 1],
];

describe("Kernels.mttkrp", () => {
  const engines: Record<string, Kernels> = {};
  beforeAll(async () => {
    engines.simd1 = await createKernels({ backend: "wasm-simd", threads: 1 });
    engines.simd2 = await createKernels({ backend: "wasm-simd", threads: 2 });
    engines.js = await createKernels({ backend: "js" });
  });
  afterAll(() => Promise.all(Object.values(engines).map((kernels) => kernels.dispose())));

  for (const dtype of ["float32", "float64"] as const)
    for (const [shape, rank] of cases)
      it(`matches the naive MTTKRP of every mode, same bits on every backend (${shape.join("x")}, rank ${rank}, ${dtype})`, async () => {
        const n = shape[0]!;
        const dims = shape.slice(1);
        const p = dims.reduce((a, b) => a * b, 1);
        const X = roundTo(randomMatrix(n, p, 5), dtype);
        // Factors rounded to the dtype, so the naive f64 reference sees the kernels' inputs.
        const factors = shape.map((d, k) => roundTo(randomMatrix(d, rank, 10 + k), dtype));
        for (let mode = 0; mode < shape.length; mode++) {
          const results: Float64Array[] = [];
          for (const kernels of Object.values(engines)) {
            const A = kernels.allocMatrix(n, p, dtype);
            A.data.set(X);
            results.push(await kernels.mttkrp(A, dims, factors, mode, rank));
            kernels.freeMatrix(A);
          }
          expectClose(
            results[0]!,
            naiveMttkrp(X, shape, factors, mode, rank),
            dtype === "float32" ? 1e-4 : 1e-12,
          );
          for (const other of results.slice(1)) expectSameBits(other, results[0]!);
        }
      });

  it("rejects dims that do not match A and a wrong number of factors", async () => {
    const kernels = engines.js!;
    const A = kernels.allocMatrix(4, 6, "float64");
    const U = [new Float64Array(4), new Float64Array(2), new Float64Array(3)];
    await expect(kernels.mttkrp(A, [2, 4], U, 0, 1)).rejects.toThrow(/multiply to 8/);
    await expect(kernels.mttkrp(A, [2, 3], U.slice(0, 2), 0, 1)).rejects.toThrow(/needs 3 factors/);
    await expect(kernels.mttkrp(A, [2, 3], U, 3, 1)).rejects.toThrow(/mode must/);
    kernels.freeMatrix(A);
  });
});
