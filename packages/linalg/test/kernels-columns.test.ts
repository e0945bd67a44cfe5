import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernels, type Kernels } from "../src/index.js";
import { randomMatrix } from "./helpers.js";
import { expectSameBits, fillRandom } from "./kernel-helpers.js";

/** Column sums, column square sums (after the shift) and row square sums by plain f64 loops. */
function naiveMoments(a: Float64Array, n: number, p: number, shift: Float64Array) {
  const columnSums = new Float64Array(p);
  const columnSumSquares = new Float64Array(p);
  const rowSumSquares = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) {
      const x = a[i * p + j]!;
      const d = x - shift[j]!;
      columnSums[j]! += d;
      columnSumSquares[j]! += d * d;
      rowSumSquares[i]! += x * x;
    }
  return { columnSums, columnSumSquares, rowSumSquares };
}

// Up to one chunk of rows, so the plain sequential loops are the exact definition.
const shapes: [number, number][] = [
  [1, 1],
  [2, 3],
  [5, 7],
  [33, 9],
  [1024, 6],
  [11, 130],
];

for (const backend of ["wasm-simd", "js"] as const)
  describe(`${backend} column kernels`, () => {
    let kernels: Kernels;
    beforeAll(async () => {
      kernels = await createKernels({ backend, threads: 1 });
    });
    afterAll(() => kernels.dispose());

    for (const dtype of ["float32", "float64"] as const)
      for (const [n, p] of shapes) {
        it(`affineColumns computes (x - shift) * scale in f64, stored as ${dtype}: ${n}x${p}`, async () => {
          const A = kernels.allocMatrix(n, p, dtype);
          const a = fillRandom(A, n * p);
          const shift = randomMatrix(1, p, 1);
          const scale = randomMatrix(1, p, 2);
          await kernels.affineColumns(A, shift, scale);
          const round = dtype === "float32" ? Math.fround : (x: number) => x;
          const expected = a.map((x, at) => round((x - shift[at % p]!) * scale[at % p]!));
          expectSameBits(Float64Array.from(A.data), expected);
          kernels.freeMatrix(A);
        });

        it(`moments equal sequential f64 loops exactly: ${dtype} ${n}x${p}`, async () => {
          const A = kernels.allocMatrix(n, p, dtype);
          const a = fillRandom(A, n + 3 * p);
          const shift = randomMatrix(1, p, 3);
          const expected = naiveMoments(a, n, p, shift);
          const moments = await kernels.moments(A, shift);
          expectSameBits(moments.columnSums, expected.columnSums);
          expectSameBits(moments.columnSumSquares, expected.columnSumSquares);
          expectSameBits(moments.rowSumSquares, expected.rowSumSquares);
          kernels.freeMatrix(A);
        });
      }

    for (const dtype of ["float32", "float64"] as const)
      it(`moments, products and affineColumns propagate NaN (${dtype})`, async () => {
        const n = 9;
        const p = 6;
        const A = kernels.allocMatrix(n, p, dtype);
        fillRandom(A, 5);
        A.data[4 * p + 3] = Number.NaN;
        const moments = await kernels.moments(A, new Float64Array(p));
        const nanColumns = [...moments.columnSums].map(Number.isNaN);
        expect(nanColumns).toEqual([false, false, false, true, false, false]);
        expect([...moments.columnSumSquares].map(Number.isNaN)).toEqual(nanColumns);
        expect([...moments.rowSumSquares].map(Number.isNaN)).toEqual(
          Array.from({ length: n }, (_, i) => i === 4),
        );
        const product = await kernels.multiply(A, randomMatrix(p, 2, 6), 2);
        expect([...product].map(Number.isNaN)).toEqual(
          Array.from({ length: n * 2 }, (_, at) => Math.floor(at / 2) === 4),
        );
        const gram = await kernels.gram(A);
        expect(
          gram.every(
            (value, at) => Number.isNaN(value) === (at % p === 3 || (at >= 3 * p && at < 4 * p)),
          ),
        ).toBe(true);
        await kernels.affineColumns(A, new Float64Array(p), new Float64Array(p).fill(2));
        expect([...A.data].filter(Number.isNaN)).toHaveLength(1);
        kernels.freeMatrix(A);
      });
  });

describe("kernel memory", () => {
  it("keeps a matrix's data when memory grows (views are refreshed)", async () => {
    const kernels = await createKernels({ backend: "wasm-simd", threads: 1 });
    const A = kernels.allocMatrix(4, 3, "float32");
    A.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const before = A.data;
    const big = kernels.allocMatrix(1024, 1024, "float64"); // 8 MiB: more than the first heap
    expect(big.data.every((x) => x === 0)).toBe(true);
    expect(A.data === before).toBe(false);
    expect(before.length).toBe(0); // the old view was detached by the growth
    expect([...A.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await kernels.multiply(A, Float64Array.from([1, 0, 0]), 1)).toEqual(
      Float64Array.from([1, 4, 7, 10]),
    );
    await kernels.dispose();
  });

  it("reuses freed memory and zero-fills new matrices", async () => {
    const kernels = await createKernels({ backend: "js" });
    const A = kernels.allocMatrix(8, 8, "float64");
    A.data.fill(3);
    const offset = A.data.byteOffset;
    kernels.freeMatrix(A);
    const B = kernels.allocMatrix(8, 8, "float64");
    expect(B.data.byteOffset).toBe(offset);
    expect(B.data.every((x) => x === 0)).toBe(true);
    await kernels.dispose();
  });
});
