/**
 * Kernels.symmetricEigen (tridiagonalization, divide and conquer, back-transformation on the
 * kernels) against numpy.linalg.eigh: fixtures/golden/eigen.json (scripts/golden/make_eigen_golden.py)
 * and fixtures/golden/linalg.json.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isTensorToolsError } from "@tt/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKernels, type Kernels, symmetricEigen } from "../src/index.js";
import { columnOrthonormalityError, goldenCases, naiveMatmul, randomMatrix } from "./helpers.js";
import { expectSameBits } from "./kernel-helpers.js";

interface EigenCase {
  name: string;
  generator: {
    kind: "gram" | "wilkinson" | "clustered";
    rows?: number;
    cols: number;
    seed?: number;
  };
  expected: { values: number[]; vectors: Record<string, number[]> };
}

const eigenCases: EigenCase[] = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../../fixtures/golden/eigen.json"), "utf8"),
).cases;

/** The uniform stream of the golden script: state / 2^32 - 0.5 of a 32-bit LCG. */
function lcg(count: number, seed: number): Float64Array {
  const out = new Float64Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

/** The matrix of a case, the same bits as the script's. */
function generate({ kind, rows = 0, cols: n, seed = 0 }: EigenCase["generator"]): Float64Array {
  const S = new Float64Array(n * n);
  if (kind === "gram") {
    const X = lcg(rows * n, seed);
    for (let i = 0; i < rows; i++)
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) S[a * n + b]! += X[i * n + a]! * X[i * n + b]!;
  } else if (kind === "wilkinson") {
    for (let i = 0; i < n; i++) {
      S[i * n + i] = Math.abs(i - (n - 1) / 2);
      if (i + 1 < n) {
        S[i * n + i + 1] = 1;
        S[(i + 1) * n + i] = 1;
      }
    }
  } else for (let i = 0; i < n; i++) S[i * n + i] = 1 + Math.floor(i / 8) + 1e-9 * (i % 3);
  return S;
}

/** max |S·V - V·diag(values)| / max |values|. */
function relativeResidual(S: Float64Array, n: number, values: Float64Array, V: Float64Array) {
  const SV = naiveMatmul(S, n, n, V, n);
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      worst = Math.max(worst, Math.abs(SV[i * n + j]! - V[i * n + j]! * values[j]!));
  return worst / Math.max(...Array.from(values, Math.abs));
}

/** Column j of V, signed so that its largest-magnitude entry is positive. */
function flippedColumn(V: Float64Array, n: number, j: number): number[] {
  const column = Array.from({ length: n }, (_, i) => V[i * n + j]!);
  const largest = column.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
  return column.map((x) => (largest < 0 ? -x : x));
}

describe.each(["wasm-simd", "js"] as const)("Kernels.symmetricEigen on %s", (backend) => {
  let kernels: Kernels;
  beforeAll(async () => {
    kernels = await createKernels({ backend, threads: 1 });
  });
  afterAll(() => kernels.dispose());

  it.each(eigenCases.map((c) => [c.name, c] as const))(
    "matches numpy eigh on %s (values to 1e-13 of the largest, vectors to 1e-10)",
    async (_, c) => {
      const n = c.generator.cols;
      const S = generate(c.generator);
      const { values, vectors } = await kernels.symmetricEigen(S, n);
      const scale = Math.max(...c.expected.values.map(Math.abs));
      for (let i = 0; i < n; i++)
        expect(Math.abs(values[i]! - c.expected.values[i]!), `value ${i}`).toBeLessThanOrEqual(
          1e-13 * scale,
        );
      for (const [j, expected] of Object.entries(c.expected.vectors)) {
        const column = flippedColumn(vectors, n, Number(j));
        for (let i = 0; i < n; i++)
          expect(Math.abs(column[i]! - expected[i]!), `vector ${j}[${i}]`).toBeLessThan(1e-10);
      }
      expect(columnOrthonormalityError(vectors, n, n)).toBeLessThanOrEqual(1e-13);
      expect(relativeResidual(S, n, values, vectors)).toBeLessThanOrEqual(1e-14);
    },
  );

  it.each(goldenCases.map((c) => [c.name, c] as const))(
    "matches numpy eigh on the Gram matrix of %s",
    async (_, c) => {
      const n = c.cols;
      const { values, vectors } = await kernels.symmetricEigen(Float64Array.from(c.gram), n);
      const scale = c.gram_eigenvalues[0]!;
      c.gram_eigenvalues.forEach((expected, i) => {
        expect(Math.abs(values[i]! - expected)).toBeLessThanOrEqual(1e-12 * scale);
      });
      expect(columnOrthonormalityError(vectors, n, n)).toBeLessThanOrEqual(1e-13);
    },
  );

  it("agrees with the JavaScript symmetricEigen on a random 150 x 150 matrix", async () => {
    const n = 150;
    const X = randomMatrix(n, n, 17);
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) S[i * n + j] = X[i * n + j]! + X[j * n + i]!;
    const ours = await kernels.symmetricEigen(S, n);
    const reference = symmetricEigen(S, n);
    const scale = Math.max(...Array.from(reference.values, Math.abs));
    for (let i = 0; i < n; i++)
      expect(Math.abs(ours.values[i]! - reference.values[i]!)).toBeLessThanOrEqual(1e-13 * scale);
    for (let i = 1; i < n; i++) expect(ours.values[i]!).toBeLessThanOrEqual(ours.values[i - 1]!);
  });

  it("handles 0 x 0, 1 x 1, 2 x 2, zero and identity matrices", async () => {
    expect((await kernels.symmetricEigen(new Float64Array(0), 0)).values.length).toBe(0);
    const one = await kernels.symmetricEigen(Float64Array.of(-3), 1);
    expect(Array.from(one.values)).toEqual([-3]);
    expect(Math.abs(one.vectors[0]!)).toBe(1);
    const two = await kernels.symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(Array.from(two.values)).toEqual([3, 1]);
    for (const n of [5, 70]) {
      const zero = await kernels.symmetricEigen(new Float64Array(n * n), n);
      expect(Array.from(zero.values)).toEqual(new Array(n).fill(0));
      expect(columnOrthonormalityError(zero.vectors, n, n)).toBe(0);
      const I = new Float64Array(n * n);
      for (let i = 0; i < n; i++) I[i * n + i] = 1;
      const identity = await kernels.symmetricEigen(I, n);
      expect(Array.from(identity.values)).toEqual(new Array(n).fill(1));
      expect(columnOrthonormalityError(identity.vectors, n, n)).toBe(0);
    }
  });

  it("refuses what symmetricEigen refuses, with the same errors", async () => {
    const asymmetric = await kernels
      .symmetricEigen(Float64Array.of(1, 2, 3, 4), 2)
      .catch((e: unknown) => e);
    expect(isTensorToolsError(asymmetric, "data")).toBe(true);
    expect((asymmetric as Error).message).toContain(
      "S is not symmetric: S[1, 0] = 3 but S[0, 1] = 2",
    );
    const infinite = await kernels
      .symmetricEigen(Float64Array.of(1, Number.NaN, Number.NaN, 1), 2)
      .catch((e: unknown) => e);
    expect((infinite as Error).message).toContain("S[0, 1] is NaN");
    const sized = await kernels.symmetricEigen(new Float64Array(6), 3).catch((e: unknown) => e);
    expect(isTensorToolsError(sized, "argument")).toBe(true);
    expect((sized as Error).message).toContain("S has 6 elements, expected 3 x 3");
  });
});

it("gives the same bits on the js and wasm-simd backends", async () => {
  const n = 170;
  const S = generate({ kind: "gram", rows: 90, cols: n, seed: 9 });
  const results = [];
  for (const backend of ["js", "wasm-simd"] as const) {
    const kernels = await createKernels({ backend, threads: 1 });
    results.push(await kernels.symmetricEigen(S, n));
    await kernels.dispose();
  }
  expectSameBits(results[0]!.values, results[1]!.values);
  expectSameBits(results[0]!.vectors, results[1]!.vectors);
});
