/**
 * Kernel memory: allocMatrix hands out zeros without writing over bytes that were never handed
 * out (fresh pages stay untouched), row views from any row give the bits of the same rows copied
 * out, and growth leaves room for the scratch blocks a product takes after a large matrix.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernels, KERNEL_CHUNK_ROWS, type Kernels } from "../src/index.js";
import { arrayBufferStorage, KernelHeap } from "../src/kernel-heap.js";
import { randomMatrix } from "./helpers.js";
import { expectSameBits } from "./kernel-helpers.js";

/** A heap over an ArrayBuffer that counts how often it grows. */
function countingHeap(): { heap: KernelHeap; grown: () => number } {
  const storage = arrayBufferStorage(16);
  let grown = 0;
  const heap = new KernelHeap({
    get buffer() {
      return storage.buffer;
    },
    grow(pages) {
      grown++;
      storage.grow(pages);
    },
  });
  return { heap, grown: () => grown };
}

describe("kernel heap", () => {
  it("zeroes the used part of a reused block, and only that part", () => {
    const { heap } = countingHeap();
    const first = heap.allocZeroed(4096);
    new Uint8Array(heap.buffer, first, 4096).fill(7);
    heap.free(first);
    // Spans the dirty bytes of the freed block and bytes never handed out.
    const second = heap.allocZeroed(8192);
    expect(second).toBe(first);
    expect(new Uint8Array(heap.buffer, second, 8192).every((x) => x === 0)).toBe(true);
  });

  it("leaves never-used bytes as they are (they are zero already)", () => {
    const { heap } = countingHeap();
    const at = heap.alloc(64);
    const fresh = at + 1024;
    // Bytes no block ever covered: a write there is invisible to allocZeroed, which must not
    // touch them; storage guarantees they are zero, so this only checks that it trusts that.
    new Uint8Array(heap.buffer, fresh, 8).fill(9);
    const next = heap.allocZeroed(2048);
    expect(new Uint8Array(heap.buffer, fresh, 8).every((x) => x === 9)).toBe(true);
    expect(next).toBeLessThanOrEqual(fresh);
  });

  it("grows once for a large matrix and the scratch blocks after it", () => {
    const { heap, grown } = countingHeap();
    heap.allocZeroed(64 * 2 ** 20);
    const before = grown();
    for (let i = 0; i < 8; i++) heap.alloc(2 ** 20);
    expect(before).toBe(1);
    expect(grown()).toBe(1);
  });
});

describe("kernel matrices", () => {
  let kernels: Kernels;
  beforeAll(async () => {
    kernels = await createKernels({ backend: "wasm-simd", threads: 2 });
  });
  afterAll(() => kernels.dispose());

  it("are zero-filled when memory is reused, and give the same products", async () => {
    const n = 3000;
    const p = 40;
    const data = randomMatrix(n, p, 5);
    const Y = randomMatrix(p, 3, 6);
    const fresh = kernels.allocMatrix(n, p, "float32");
    fresh.data.set(data);
    const expected = await kernels.normalProduct(fresh, Y, 3);
    kernels.freeMatrix(fresh);
    const reused = kernels.allocMatrix(n, p, "float32");
    expect(reused.data.every((x) => x === 0)).toBe(true);
    reused.data.set(data);
    expectSameBits(await kernels.normalProduct(reused, Y, 3), expected);
    kernels.freeMatrix(reused);
  });

  it("seen from any row by withRows(rows, first), give the bits of those rows on their own", async () => {
    const n = 3 * KERNEL_CHUNK_ROWS + 77;
    const p = 23;
    const l = 4;
    const data = randomMatrix(n, p, 11);
    const Y = randomMatrix(p, l, 12);
    const whole = kernels.allocMatrix(n, p, "float32");
    whole.data.set(data);
    const expected = await kernels.normalProduct(whole, Y, l);
    const running = new Float64Array(p * l);
    for (let first = 0; first < n; first += KERNEL_CHUNK_ROWS) {
      const rows = Math.min(KERNEL_CHUNK_ROWS, n - first);
      const block = whole.withRows(rows, first);
      expect(block.data).toEqual(Float32Array.from(data.subarray(first * p, (first + rows) * p)));
      await kernels.normalProduct(block, Y, l, running);
      const alone = kernels.allocMatrix(rows, p, "float32");
      alone.data.set(data.subarray(first * p, (first + rows) * p));
      expectSameBits(await kernels.multiply(block, Y, l), await kernels.multiply(alone, Y, l));
      kernels.freeMatrix(alone);
    }
    expectSameBits(running, expected);
    kernels.freeMatrix(whole);
  });

  it("refuse row views outside the rows allocated", () => {
    const A = kernels.allocMatrix(4, 2, "float64");
    expect(() => A.withRows(2, 3)).toThrow(
      /rows must be an integer from 0 to 1 \(the rows allocated after row 3\), got 2/,
    );
    expect(() => A.withRows(0, 5)).toThrow(/first must be an integer from 0 to 4/);
    expect(() => A.withRows(1, -1)).toThrow(/first must be an integer/);
    expect(() => kernels.freeMatrix(A.withRows(1, 2))).toThrow(/a view made by withRows/);
    kernels.freeMatrix(A);
  });
});
