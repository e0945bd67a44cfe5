import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernels, KERNEL_CHUNK_ROWS, type Kernels } from "../src/index.js";
import { randomMatrix } from "./helpers.js";
import { expectSameBits } from "./kernel-helpers.js";

// Large enough to span several chunks and to be shared between threads (over 2^20 multiply-adds
// per job); the last chunk is partial and odd.
const n = 4 * KERNEL_CHUNK_ROWS + 1001;
const p = 131;
const l = 18;

/** Every kernel's output for one kernels instance on the same data. */
async function allOutputs(kernels: Kernels, dtype: "float32" | "float64") {
  const A = kernels.allocMatrix(n, p, dtype);
  try {
    A.data.set(randomMatrix(n, p, 42));
    const B = randomMatrix(p, l, 43);
    const T = randomMatrix(n, l, 44);
    const shift = randomMatrix(1, p, 45);
    const scale = randomMatrix(1, p, 46);
    const outputs: Record<string, Float64Array> = {
      multiply: await kernels.multiply(A, B, l),
      multiplyTransA: await kernels.multiplyTransA(A, T, l),
      normalProduct: await kernels.normalProduct(A, B, l),
      gram: await kernels.gram(A),
    };
    const moments = await kernels.moments(A, shift);
    outputs.columnSums = moments.columnSums;
    outputs.columnSumSquares = moments.columnSumSquares;
    outputs.rowSumSquares = moments.rowSumSquares;
    await kernels.affineColumns(A, shift, scale);
    outputs.affineColumns = Float64Array.from(A.data);
    A.data.set(randomMatrix(n, p, 42));
    outputs.normalAffine = await kernels.normalProduct(A, B, l, undefined, { shift, scale });
    outputs.normalAffineA = Float64Array.from(A.data);
    return outputs;
  } finally {
    kernels.freeMatrix(A);
  }
}

describe("kernel results", () => {
  const engines: Record<string, Kernels> = {};
  beforeAll(async () => {
    engines.simd1 = await createKernels({ backend: "wasm-simd", threads: 1 });
    engines.simd2 = await createKernels({ backend: "wasm-simd", threads: 2 });
    engines.js = await createKernels({ backend: "js" });
  });
  afterAll(() => Promise.all(Object.values(engines).map((kernels) => kernels.dispose())));

  it("use two threads when asked", () => {
    expect(engines.simd2!.threads).toBe(2);
    expect(engines.js!.threads).toBe(1);
  });

  for (const dtype of ["float32", "float64"] as const)
    it(`are bit-identical for JS, wasm-simd on 1 thread and on 2 threads (${dtype})`, async () => {
      const reference = await allOutputs(engines.simd1!, dtype);
      for (const other of [engines.simd2!, engines.js!]) {
        const outputs = await allOutputs(other, dtype);
        for (const [name, values] of Object.entries(reference)) {
          expect(outputs[name], name).toBeDefined();
          expectSameBits(outputs[name]!, values);
        }
      }
    });

  for (const dtype of ["float32", "float64"] as const)
    it(`are the same bits when the rows come in blocks of whole chunks (${dtype})`, async () => {
      for (const kernels of [engines.simd2!, engines.js!]) {
        const whole = kernels.allocMatrix(n, p, dtype);
        const data = randomMatrix(n, p, 7);
        whole.data.set(data);
        const Y = randomMatrix(p, l, 8);
        const T = randomMatrix(n, l, 9);
        const shift = randomMatrix(1, p, 10);
        const expected = {
          multiply: await kernels.multiply(whole, Y, l),
          multiplyTransA: await kernels.multiplyTransA(whole, T, l),
          normalProduct: await kernels.normalProduct(whole, Y, l),
          gram: await kernels.gram(whole),
          moments: await kernels.moments(whole, shift),
        };
        kernels.freeMatrix(whole);

        // Blocks of 2 chunks, then the rest, streamed through one buffer with withRows.
        const blockRows = 2 * KERNEL_CHUNK_ROWS;
        const buffer = kernels.allocMatrix(blockRows, p, dtype);
        const product = new Float64Array(n * l);
        const trans = new Float64Array(p * l);
        const normal = new Float64Array(p * l);
        const gram = new Float64Array(p * p);
        const sums = { columnSums: new Float64Array(p), columnSumSquares: new Float64Array(p) };
        const rowSquares = new Float64Array(n);
        for (let row0 = 0; row0 < n; row0 += blockRows) {
          const rows = Math.min(blockRows, n - row0);
          const block = buffer.withRows(rows);
          block.data.set(data.subarray(row0 * p, (row0 + rows) * p));
          product.set(await kernels.multiply(block, Y, l), row0 * l);
          await kernels.multiplyTransA(block, T.subarray(row0 * l, (row0 + rows) * l), l, trans);
          await kernels.normalProduct(block, Y, l, normal);
          await kernels.gram(block, gram);
          rowSquares.set((await kernels.moments(block, shift, sums)).rowSumSquares, row0);
        }
        kernels.freeMatrix(buffer);
        expectSameBits(product, expected.multiply);
        expectSameBits(trans, expected.multiplyTransA);
        expectSameBits(normal, expected.normalProduct);
        expectSameBits(gram, expected.gram);
        expectSameBits(sums.columnSums, expected.moments.columnSums);
        expectSameBits(sums.columnSumSquares, expected.moments.columnSumSquares);
        expectSameBits(rowSquares, expected.moments.rowSumSquares);
      }
    });

  it("give normalProduct(A, Y, l, into, affine) = affineColumns, then normalProduct, bit for bit", async () => {
    for (const dtype of ["float32", "float64"] as const)
      for (const kernels of [engines.simd1!, engines.simd2!, engines.js!]) {
        const data = randomMatrix(n, p, 13);
        const Y = randomMatrix(p, l, 14);
        const affine = { shift: randomMatrix(1, p, 15), scale: randomMatrix(1, p, 16) };
        const running = randomMatrix(p, l, 17);
        const A = kernels.allocMatrix(n, p, dtype);
        A.data.set(data);
        await kernels.affineColumns(A, affine.shift, affine.scale);
        const expected = await kernels.normalProduct(A, Y, l, Float64Array.from(running));
        const affined = Float64Array.from(A.data);
        A.data.set(data);
        const fused = await kernels.normalProduct(A, Y, l, Float64Array.from(running), affine);
        expectSameBits(fused, expected);
        // A is left as affineColumns leaves it: the caller may go on with the preprocessed rows.
        expectSameBits(Float64Array.from(A.data), affined);
        kernels.freeMatrix(A);
      }
  });

  it("refuses an affine map of the wrong length in normalProduct", async () => {
    const kernels = engines.js!;
    const A = kernels.allocMatrix(3, 4, "float32");
    const affine = { shift: new Float64Array(3), scale: new Float64Array(4) };
    await expect(
      kernels.normalProduct(A, new Float64Array(8), 2, undefined, affine),
    ).rejects.toThrow(/affine\.shift/);
    kernels.freeMatrix(A);
  });

  it("give normalProduct(A, Y) = multiplyTransA(A, multiply(A, Y)) bit for bit", async () => {
    for (const dtype of ["float32", "float64"] as const) {
      const kernels = engines.simd2!;
      const A = kernels.allocMatrix(n, p, dtype);
      A.data.set(randomMatrix(n, p, 11));
      const Y = randomMatrix(p, l, 12);
      const twoPass = await kernels.multiplyTransA(A, await kernels.multiply(A, Y, l), l);
      expectSameBits(await kernels.normalProduct(A, Y, l), twoPass);
      kernels.freeMatrix(A);
    }
  });
});
