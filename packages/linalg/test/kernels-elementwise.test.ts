import { isTensorToolsError } from "@tt/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kernelExp, kernelTanh } from "../src/elementwise-js.js";
import {
  createKernels,
  type ElementFunction,
  KERNEL_CHUNK_ROWS,
  type KernelMatrix,
  type Kernels,
} from "../src/index.js";
import { randomMatrix } from "./helpers.js";
import { expectSameBits } from "./kernel-helpers.js";

const words = new BigInt64Array(1);
const value = new Float64Array(words.buffer);

/** The spacing of doubles at |x| (the ulp of x; that of the smallest subnormal at 0). */
function ulp(x: number): number {
  value[0] = Math.abs(x);
  words[0]! += 1n;
  return value[0]! - Math.abs(x);
}

/** The largest error of `f` against `reference` over `xs`, in ulp of the reference. */
function worstUlp(
  xs: Iterable<number>,
  f: (x: number) => number,
  reference: (x: number) => number,
) {
  let worst = 0;
  let at = Number.NaN;
  for (const x of xs) {
    const expected = reference(x);
    const error = Math.abs(f(x) - expected) / ulp(expected);
    if (error > worst) {
      worst = error;
      at = x;
    }
  }
  return { worst, at };
}

function* sweep(from: number, to: number, count: number): Generator<number> {
  for (let i = 0; i <= count; i++) yield from + ((to - from) * i) / count;
}

function* uniformDraws(from: number, to: number, count: number, seed: number): Generator<number> {
  const draws = randomMatrix(1, count, seed); // uniform on (-1, 1)
  for (const u of draws) yield from + ((to - from) * (u + 1)) / 2;
}

/** ±10^e for e from -300 to 0 in small steps: the arguments near 0. */
function* nearZero(): Generator<number> {
  for (let e = -300; e <= 0; e += 0.001) {
    yield 10 ** e;
    yield -(10 ** e);
  }
}

describe("the kernels' exp and tanh", () => {
  // Measured: exp within 1 ulp of Math.exp, tanh within 3 ulp of Math.tanh (relative error under
  // 5e-16, also near 0); the bounds below are those figures (documented on ElementFunction).
  it("exp is within 1 ulp of Math.exp on [-708, 709] (dense sweep and random arguments)", () => {
    const dense = worstUlp(sweep(-708, 709, 2_000_000), kernelExp, Math.exp);
    const random = worstUlp(uniformDraws(-708, 709, 1_000_000, 1), kernelExp, Math.exp);
    const small = worstUlp(uniformDraws(-1, 1, 1_000_000, 2), kernelExp, Math.exp);
    expect(Math.max(dense.worst, random.worst, small.worst)).toBeLessThanOrEqual(1);
  });

  it("exp underflows to subnormals and 0 and overflows to Infinity cleanly", () => {
    const subnormal = worstUlp(sweep(-745, -708.5, 100_000), kernelExp, Math.exp);
    expect(subnormal.worst).toBeLessThanOrEqual(1);
    expect(kernelExp(-745.2)).toBe(0);
    expect(kernelExp(-1e300)).toBe(0);
    expect(kernelExp(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(kernelExp(709.78)).toBe(Math.exp(709.78));
    expect(kernelExp(710)).toBe(Number.POSITIVE_INFINITY);
    expect(kernelExp(0)).toBe(1);
    expect(kernelExp(Number.NaN)).toBeNaN();
  });

  it("tanh is within 3 ulp (5e-16 relative) of Math.tanh, also near 0, and saturates to ±1", () => {
    const dense = worstUlp(sweep(-25, 25, 2_000_000), kernelTanh, Math.tanh);
    const random = worstUlp(uniformDraws(-30, 30, 1_000_000, 3), kernelTanh, Math.tanh);
    const small = worstUlp(nearZero(), kernelTanh, Math.tanh);
    expect(Math.max(dense.worst, random.worst, small.worst)).toBeLessThanOrEqual(3);
    let relative = 0;
    for (const x of [...uniformDraws(-30, 30, 200_000, 4), ...nearZero()])
      relative = Math.max(relative, Math.abs(kernelTanh(x) / Math.tanh(x) - 1));
    expect(relative).toBeLessThan(5e-16);
    expect(Object.is(kernelTanh(-0), -0)).toBe(true);
    expect(kernelTanh(5e-324)).toBe(5e-324);
    for (const x of [19.1, 20, 21, 1e10, Number.POSITIVE_INFINITY]) {
      expect(kernelTanh(x)).toBe(1);
      expect(kernelTanh(-x)).toBe(-1);
    }
    expect(kernelTanh(Number.NaN)).toBeNaN();
  });
});

/** The function of a kernel at x and its derivative, by the JavaScript definitions. */
function definition(fn: ElementFunction, x: number): [number, number] {
  if (fn === "tanh") {
    const f = kernelTanh(x);
    return [f, 1 - f * f];
  }
  if (fn === "gauss") {
    const e = kernelExp(x * x * -0.5);
    return [x * e, (1 - x * x) * e];
  }
  const f = -kernelTanh(x * 0.5);
  return [f, (f * f - 1) * 0.5];
}

/** f of every element and the column sums as the kernels define them (chunk partials in order). */
function expected(
  fn: ElementFunction,
  a: ArrayLike<number>,
  n: number,
  cols: number,
  f32: boolean,
) {
  const values = new Float64Array(n * cols);
  const valueSums = new Float64Array(cols);
  const derivativeSums = new Float64Array(cols);
  for (let c0 = 0; c0 < n; c0 += KERNEL_CHUNK_ROWS) {
    const partial = new Float64Array(2 * cols);
    for (let i = c0; i < Math.min(n, c0 + KERNEL_CHUNK_ROWS); i++)
      for (let j = 0; j < cols; j++) {
        const [f, d] = definition(fn, a[i * cols + j]!);
        values[i * cols + j] = f32 ? Math.fround(f) : f;
        partial[j]! += f;
        partial[cols + j]! += d;
      }
    for (let j = 0; j < cols; j++) {
      valueSums[j]! += partial[j]!;
      derivativeSums[j]! += partial[cols + j]!;
    }
  }
  return { values, valueSums, derivativeSums };
}

/** Values spread over the interesting ranges: small, ±4, a few large, ±0 and subnormal. */
function testValues(count: number, seed: number): Float64Array {
  const u = randomMatrix(1, count, seed);
  return u.map((x, i) => {
    if (i % 97 === 5) return 40 * x;
    if (i % 101 === 7) return x * 1e-12;
    if (i % 211 === 9) return i % 2 === 0 ? -0 : 5e-320;
    return 4 * x;
  });
}

const functions: ElementFunction[] = ["tanh", "gauss", "logistic"];

describe("mapElements and contrastProduct", () => {
  const engines: Record<string, Kernels> = {};
  beforeAll(async () => {
    engines.simd1 = await createKernels({ backend: "wasm-simd", threads: 1 });
    engines.simd2 = await createKernels({ backend: "wasm-simd", threads: 2 });
    engines.js = await createKernels({ backend: "js" });
  });
  afterAll(() => Promise.all(Object.values(engines).map((kernels) => kernels.dispose())));

  const filled = (kernels: Kernels, n: number, cols: number, dtype: "float32" | "float64") => {
    const A = kernels.allocMatrix(n, cols, dtype);
    A.data.set(testValues(n * cols, n + cols));
    return A;
  };

  // One chunk and odd widths; then several chunks shared by two threads (over 2^20 of work).
  const shapes: [number, number][] = [
    [1, 1],
    [3, 5],
    [77, 8],
    [3 * KERNEL_CHUNK_ROWS + 517, 9],
  ];
  for (const dtype of ["float32", "float64"] as const)
    for (const fn of functions)
      for (const [n, cols] of shapes)
        it(`mapElements ${fn} (${dtype} ${n}x${cols}): the definition's bits on every backend and thread count`, async () => {
          for (const [name, kernels] of Object.entries(engines)) {
            const A = filled(kernels, n, cols, dtype);
            const want = expected(fn, Float64Array.from(A.data), n, cols, dtype === "float32");
            const out = kernels.allocMatrix(n, cols, dtype);
            const sums = await kernels.mapElements(A, fn, out);
            expect(name).toBeTruthy();
            expectSameBits(Float64Array.from(out.data), want.values);
            expectSameBits(sums.valueSums, want.valueSums);
            expectSameBits(sums.derivativeSums, want.derivativeSums);
            const inPlace = await kernels.mapElements(A, fn);
            expectSameBits(Float64Array.from(A.data), want.values);
            expectSameBits(inPlace.derivativeSums, want.derivativeSums);
            kernels.freeMatrix(A);
            kernels.freeMatrix(out);
          }
        });

  it("mapElements with into continues the running sums chunk by chunk", async () => {
    const kernels = engines.simd2!;
    const n = 2 * KERNEL_CHUNK_ROWS;
    const A = filled(kernels, n, 6, "float64");
    const whole = await kernels.mapElements(A, "gauss", kernels.allocMatrix(n, 6, "float64"));
    const into = { valueSums: new Float64Array(6), derivativeSums: new Float64Array(6) };
    await kernels.mapElements(A.withRows(KERNEL_CHUNK_ROWS), "gauss", undefined, into);
    const second = A.withRows(KERNEL_CHUNK_ROWS, KERNEL_CHUNK_ROWS);
    const result = await kernels.mapElements(second, "gauss", undefined, into);
    expect(result.valueSums).toBe(into.valueSums);
    expectSameBits(into.valueSums, whole.valueSums);
    expectSameBits(into.derivativeSums, whole.derivativeSums);
  });

  /** multiply, then f of the product in JavaScript (rounded to A's dtype), then multiplyTransA. */
  async function composed(
    kernels: Kernels,
    A: KernelMatrix,
    B: Float64Array,
    l: number,
    fn: ElementFunction,
  ) {
    const projected = await kernels.multiply(A, B, l);
    const want = expected(fn, projected, A.rows, l, A.dtype === "float32");
    const product = await kernels.multiplyTransA(A, want.values, l);
    return { product, valueSums: want.valueSums, derivativeSums: want.derivativeSums };
  }

  for (const dtype of ["float32", "float64"] as const)
    for (const l of [1, 3, 8])
      it(`contrastProduct (${dtype}, l = ${l}) has the bits of multiply, f, multiplyTransA`, async () => {
        const n = 2 * KERNEL_CHUNK_ROWS + 333;
        const p = 12;
        const B = randomMatrix(p, l, 7 + l);
        const results = [];
        for (const kernels of Object.values(engines)) {
          const A = kernels.allocMatrix(n, p, dtype);
          A.data.set(randomMatrix(n, p, 5));
          for (const fn of functions) {
            const got = await kernels.contrastProduct(A, B, l, fn);
            const want = await composed(kernels, A, B, l, fn);
            expectSameBits(got.product, want.product);
            expectSameBits(got.valueSums, want.valueSums);
            expectSameBits(got.derivativeSums, want.derivativeSums);
            results.push(got);
          }
          kernels.freeMatrix(A);
        }
        // The same bits on every backend and thread count (no fused multiply-add in wasm-simd).
        for (let k = 3; k < results.length; k++) {
          expectSameBits(results[k]!.product, results[k % 3]!.product);
          expectSameBits(results[k]!.derivativeSums, results[k % 3]!.derivativeSums);
        }
      });

  it("contrastProduct with into continues the running sums", async () => {
    const kernels = engines.simd1!;
    const n = 2 * KERNEL_CHUNK_ROWS;
    const A = kernels.allocMatrix(n, 5, "float64");
    A.data.set(randomMatrix(n, 5, 9));
    const B = randomMatrix(5, 2, 10);
    const whole = await kernels.contrastProduct(A, B, 2, "tanh");
    const into = {
      product: new Float64Array(10),
      valueSums: new Float64Array(2),
      derivativeSums: new Float64Array(2),
    };
    await kernels.contrastProduct(A.withRows(KERNEL_CHUNK_ROWS), B, 2, "tanh", into);
    await kernels.contrastProduct(
      A.withRows(KERNEL_CHUNK_ROWS, KERNEL_CHUNK_ROWS),
      B,
      2,
      "tanh",
      into,
    );
    expectSameBits(into.product, whole.product);
    expectSameBits(into.valueSums, whole.valueSums);
    expectSameBits(into.derivativeSums, whole.derivativeSums);
  });

  it("reject an unknown function, a mismatched out and wrong sizes", async () => {
    const kernels = engines.js!;
    const A = kernels.allocMatrix(4, 3, "float64");
    const reason = async (call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (error) {
        expect(isTensorToolsError(error, "argument")).toBe(true);
        return (error as Error).message;
      }
      return "no error";
    };
    const sinh = "sinh" as ElementFunction;
    expect(await reason(() => kernels.mapElements(A, sinh))).toMatch(
      /fn must be one of tanh, gauss, logistic, got sinh/,
    );
    expect(
      await reason(() => kernels.mapElements(A, "tanh", kernels.allocMatrix(4, 3, "float32"))),
    ).toMatch(/out is 4 x 3 float32, expected A's 4 x 3 float64/);
    expect(await reason(() => kernels.contrastProduct(A, new Float64Array(5), 2, "tanh"))).toMatch(
      /B has 5 elements, expected 3 x 2 = 6/,
    );
    const sums = { valueSums: new Float64Array(2), derivativeSums: new Float64Array(3) };
    expect(await reason(() => kernels.mapElements(A, "tanh", undefined, sums))).toMatch(
      /into.valueSums has 2 elements/,
    );
  });
});
