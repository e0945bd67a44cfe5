import { describe, expect, it } from "vitest";
import { gram, symmetricEigen } from "../src/index.js";
import {
  columnOrthonormalityError,
  goldenCases,
  maxAbs,
  maxAbsDiff,
  naiveMatmul,
  randomMatrix,
  transpose,
} from "./helpers.js";

/** The largest |S·V - V·diag(values)| entry. */
function residual(S: Float64Array, n: number, values: Float64Array, vectors: Float64Array) {
  const SV = naiveMatmul(S, n, n, vectors, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) SV[i * n + j]! -= vectors[i * n + j]! * values[j]!;
  return maxAbs(SV);
}

describe("symmetricEigen", () => {
  for (const c of goldenCases) {
    it(`of the Gram matrix of ${c.name} matches numpy eigh to 1e-10 relative`, () => {
      const n = c.cols;
      const { values, vectors } = symmetricEigen(Float64Array.from(c.gram), n);
      const scale = c.gram_eigenvalues[0]!;
      c.gram_eigenvalues.forEach((expected, i) => {
        expect(Math.abs(values[i]! - expected)).toBeLessThanOrEqual(1e-10 * scale);
      });
      expect(columnOrthonormalityError(vectors, n, n)).toBeLessThanOrEqual(1e-12);
      expect(residual(Float64Array.from(c.gram), n, values, vectors)).toBeLessThanOrEqual(
        1e-12 * scale,
      );
    });
  }

  it("decomposes a random symmetric 120x120 matrix with descending eigenvalues", () => {
    const n = 120;
    const X = randomMatrix(n, n, 9);
    const S = new Float64Array(n * n);
    const Xt = transpose(X, n, n);
    for (let i = 0; i < S.length; i++) S[i] = X[i]! + Xt[i]!;
    const { values, vectors } = symmetricEigen(S, n);
    for (let i = 1; i < n; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
    expect(columnOrthonormalityError(vectors, n, n)).toBeLessThanOrEqual(1e-12);
    expect(residual(S, n, values, vectors)).toBeLessThanOrEqual(1e-12 * maxAbs(values));
    let trace = 0;
    for (let i = 0; i < n; i++) trace += S[i * n + i]!;
    expect(Math.abs(values.reduce((a, b) => a + b, 0) - trace)).toBeLessThanOrEqual(1e-10);
  });

  it("handles the 1x1, 0x0, diagonal and repeated-eigenvalue cases", () => {
    expect(Array.from(symmetricEigen(Float64Array.from([4]), 1).values)).toEqual([4]);
    expect(symmetricEigen(new Float64Array(0), 0).values.length).toBe(0);
    const diag = symmetricEigen(Float64Array.from([1, 0, 0, 0, 3, 0, 0, 0, 2]), 3);
    expect(Array.from(diag.values)).toEqual([3, 2, 1]);
    const identity = symmetricEigen(Float64Array.from([1, 0, 0, 1]), 2);
    expect(maxAbsDiff(identity.values, [1, 1])).toBe(0);
    const G = gram(randomMatrix(3, 6, 5), 3, 6);
    const lowRank = symmetricEigen(G, 6);
    expect(residual(G, 6, lowRank.values, lowRank.vectors)).toBeLessThanOrEqual(
      1e-12 * lowRank.values[0]!,
    );
  });

  it("throws a DataError for asymmetric or non-finite input, an ArgumentError for mis-sized", () => {
    expect(() => symmetricEigen(Float64Array.from([1, 2, 3, 4]), 2)).toThrow(
      /symmetricEigen: S is not symmetric: S\[1, 0\] = 3 but S\[0, 1\] = 2/,
    );
    expect(() => symmetricEigen(Float64Array.from([1, Number.NaN, Number.NaN, 1]), 2)).toThrow(
      /S\[0, 1\] is NaN/,
    );
    expect(() => symmetricEigen(new Float64Array(6), 3)).toThrow(
      /S has 6 elements, expected 3 x 3/,
    );
  });
});
