import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernels, type Kernels } from "../src/index.js";
import { naiveMatmul, randomMatrix, transpose } from "./helpers.js";
import {
  abs,
  expectWithinBound,
  fillRandom,
  productWithBound,
  roundTo,
  toleranceOf,
  transProductWithBound,
} from "./kernel-helpers.js";

// Awkward shapes: rows not multiples of 4 or of the 1024-row chunk, p odd and above the 256-term
// f32 depth block, l = 1, 3, 18, 20 (not multiples of the 4- or 8-column register tiles).
const shapes: [n: number, p: number, l: number][] = [
  [1, 1, 1],
  [3, 5, 3],
  [7, 1, 18],
  [130, 301, 20],
  [2051, 13, 3],
  [4103, 9, 18],
];

for (const backend of ["wasm-simd", "js"] as const)
  describe(`${backend} kernels`, () => {
    let kernels: Kernels;
    beforeAll(async () => {
      kernels = await createKernels({ backend, threads: 1 });
    });
    afterAll(() => kernels.dispose());

    it(`report backend ${backend} on one thread`, () => {
      expect(kernels.backend).toBe(backend);
      expect(kernels.threads).toBe(1);
    });

    for (const dtype of ["float32", "float64"] as const)
      for (const [n, p, l] of shapes) {
        const tolerance = toleranceOf(dtype);

        it(`multiply, multiplyTransA and normalProduct match f64 loops: ${dtype} ${n}x${p}, l=${l}`, async () => {
          const A = kernels.allocMatrix(n, p, dtype);
          try {
            const a = fillRandom(A, n + p + l);
            const B = randomMatrix(p, l, 3 * l + 1);
            const T = randomMatrix(n, l, 5 * l + 2);
            const product = productWithBound(a, n, p, roundTo(B, dtype), l);
            expectWithinBound(
              await kernels.multiply(A, B, l),
              product.value,
              product.bound,
              tolerance,
            );

            const trans = transProductWithBound(a, n, p, roundTo(T, dtype), l);
            expectWithinBound(
              await kernels.multiplyTransA(A, T, l),
              trans.value,
              trans.bound,
              tolerance,
            );

            const AtAB = naiveMatmul(transpose(a, n, p), p, n, product.value, l);
            const bound = naiveMatmul(abs(transpose(a, n, p)), p, n, product.bound, l);
            expectWithinBound(await kernels.normalProduct(A, B, l), AtAB, bound, 2 * tolerance);
          } finally {
            kernels.freeMatrix(A);
          }
        });

        it(`gram matches AᵀA and is exactly symmetric: ${dtype} ${n}x${p}`, async () => {
          const A = kernels.allocMatrix(n, p, dtype);
          try {
            const a = fillRandom(A, 7 * n + p);
            const expected = transProductWithBound(a, n, p, a, p);
            const G = await kernels.gram(A);
            expectWithinBound(G, expected.value, expected.bound, tolerance);
            for (let k = 0; k < p; k++)
              for (let j = 0; j < k; j++) expect(G[k * p + j]).toBe(G[j * p + k]);
          } finally {
            kernels.freeMatrix(A);
          }
        });
      }

    it("gives zeros or empty results for empty shapes", async () => {
      const A = kernels.allocMatrix(0, 3, "float32");
      expect(await kernels.multiply(A, new Float64Array(6), 2)).toEqual(new Float64Array(0));
      expect(await kernels.multiplyTransA(A, new Float64Array(0), 2)).toEqual(new Float64Array(6));
      expect(await kernels.gram(A)).toEqual(new Float64Array(9));
      const B = kernels.allocMatrix(2, 0, "float64");
      expect(await kernels.multiply(B, new Float64Array(0), 3)).toEqual(new Float64Array(6));
      const C = kernels.allocMatrix(5, 4, "float64");
      expect(await kernels.normalProduct(C, new Float64Array(0), 0)).toEqual(new Float64Array(0));
      for (const matrix of [A, B, C]) kernels.freeMatrix(matrix);
    });

    it("multiplies a row view of the first rows only", async () => {
      const A = kernels.allocMatrix(9, 6, "float64");
      const a = fillRandom(A, 99);
      const view = A.withRows(5);
      expect(view.data).toEqual(A.data.subarray(0, 30));
      const B = randomMatrix(6, 3, 4);
      expect(await kernels.multiply(view, B, 3)).toEqual(
        (await kernels.multiply(A, B, 3)).subarray(0, 15),
      );
      const T = randomMatrix(5, 3, 5);
      const expected = transProductWithBound(a.subarray(0, 30), 5, 6, T, 3);
      expectWithinBound(
        await kernels.multiplyTransA(view, T, 3),
        expected.value,
        expected.bound,
        1e-12,
      );
      kernels.freeMatrix(A);
    });
  });

describe("the module example", () => {
  it("runs: Gram matrix of a 3×2 float32 matrix", async () => {
    const kernels = await createKernels();
    const X = kernels.allocMatrix(3, 2, "float32");
    X.data.set([1, 2, 3, 4, 5, 6]);
    expect(await kernels.gram(X)).toEqual(Float64Array.from([35, 44, 44, 56]));
    await kernels.dispose();
  });
});
