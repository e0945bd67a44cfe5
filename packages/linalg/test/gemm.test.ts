import { isTensorToolsError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { gram, matmul, matmulTransA } from "../src/index.js";
import { maxAbs, maxAbsDiff, naiveMatmul, randomMatrix, transpose } from "./helpers.js";

// Blocked and naive sums differ only in summation order: 1e-12 relative to the result.
const shapes: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 2],
  [17, 300, 9],
  [130, 7, 270],
  [260, 140, 33],
];

describe("matmul", () => {
  for (const [m, k, n] of shapes)
    it(`equals a naive triple loop for ${m}x${k} times ${k}x${n}`, () => {
      const A = randomMatrix(m, k, m * 7 + 1);
      const B = randomMatrix(k, n, n * 13 + 2);
      const expected = naiveMatmul(A, m, k, B, n);
      expect(maxAbsDiff(matmul(A, m, k, B, n), expected)).toBeLessThanOrEqual(
        1e-12 * Math.max(1, maxAbs(expected)),
      );
    });

  it("throws an ArgumentError naming the operand when a shape does not match", () => {
    const A = new Float64Array(6);
    expect(() => matmul(A, 2, 3, new Float64Array(5), 2)).toThrow(
      /B has 5 elements, expected 3 x 2/,
    );
    expect(() => matmul(A, 4, 3, new Float64Array(6), 2)).toThrow(
      /A has 6 elements, expected 4 x 3/,
    );
    const error = (() => {
      try {
        matmul(A, 2, -3, A, 1);
      } catch (caught) {
        return caught;
      }
    })();
    expect(isTensorToolsError(error, "argument")).toBe(true);
    expect(error).toMatchObject({ where: "matmul", parameter: "A" });
    expect(String(error)).toMatch(/columns of A must be a non-negative integer, got -3/);
    expect(() => matmul(A, 2, 1.5, A, 1)).toThrow(/non-negative integer/);
  });
});

describe("matmulTransA", () => {
  for (const [m, k, n] of shapes)
    it(`equals Aᵀ·B by a naive loop for A ${m}x${k}, B ${m}x${n}`, () => {
      const A = randomMatrix(m, k, m + 3);
      const B = randomMatrix(m, n, n + 5);
      const expected = naiveMatmul(transpose(A, m, k), k, m, B, n);
      expect(maxAbsDiff(matmulTransA(A, m, k, B, n), expected)).toBeLessThanOrEqual(
        1e-12 * Math.max(1, maxAbs(expected)),
      );
    });

  it("throws an ArgumentError when B has a different number of rows", () => {
    expect(() => matmulTransA(new Float64Array(6), 3, 2, new Float64Array(8), 4)).toThrow(
      /matmulTransA: B has 8 elements, expected 3 x 4/,
    );
  });
});

describe("gram", () => {
  for (const [m, k] of shapes)
    it(`equals Aᵀ·A by a naive loop and is exactly symmetric for ${m}x${k}`, () => {
      const A = randomMatrix(m, k, m * k + 11);
      const G = gram(A, m, k);
      const expected = naiveMatmul(transpose(A, m, k), k, m, A, k);
      expect(maxAbsDiff(G, expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, maxAbs(expected)));
      expect(maxAbsDiff(G, transpose(G, k, k))).toBe(0);
    });

  it("throws an ArgumentError for a wrong length", () => {
    expect(() => gram(new Float64Array(5), 2, 3)).toThrow(/gram: A has 5 elements, expected 2 x 3/);
  });
});

describe("non-finite values", () => {
  it("propagate as in BLAS: a zero times NaN is NaN", () => {
    const A = new Float64Array([0, 1]);
    const B = new Float64Array([Number.NaN, 2]);
    expect(matmul(A, 1, 2, B, 1)[0]).toBeNaN();
    expect(
      matmulTransA(new Float64Array([0]), 1, 1, new Float64Array([Number.POSITIVE_INFINITY]), 1)[0],
    ).toBeNaN();
    const g = gram(new Float64Array([0, Number.NaN]), 1, 2);
    expect([g[0], g[1], g[2], g[3]]).toEqual([0, Number.NaN, Number.NaN, Number.NaN]);
  });
});
