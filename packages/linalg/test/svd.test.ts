import { describe, expect, it } from "vitest";
import { svdFlip, svdSmall } from "../src/index.js";
import {
  columnOrthonormalityError,
  goldenCases,
  maxAbs,
  maxAbsDiff,
  naiveMatmul,
  randomMatrix,
  transpose,
} from "./helpers.js";

/** U·diag(s)·Vt for U m×r and Vt r×n. */
function reconstruct(U: Float64Array, s: Float64Array, Vt: Float64Array, m: number, n: number) {
  const r = s.length;
  const Us = Float64Array.from(U);
  for (let i = 0; i < m; i++) for (let j = 0; j < r; j++) Us[i * r + j]! *= s[j]!;
  return naiveMatmul(Us, m, r, Vt, n);
}

/** Whether singular value i is simple and above the null space, so its vectors are determined. */
function wellSeparated(s: number[], i: number): boolean {
  const s0 = s[0]!;
  if (s[i]! <= 1e-6 * s0) return false;
  return s.every((other, j) => j === i || Math.abs(other - s[i]!) > 1e-4 * s0);
}

describe("svdSmall", () => {
  for (const c of goldenCases) {
    const { rows: m, cols: n } = c;
    const r = Math.min(m, n);
    it(`of ${c.name} (${m}x${n}) matches numpy's singular values and flipped Vt`, () => {
      const A = Float64Array.from(c.A);
      const raw = svdSmall(A, m, n);
      const { U, s, Vt } = svdFlip(raw.U, raw.s, raw.Vt);
      const s0 = c.singular_values[0]!;
      expect(s.length).toBe(r);
      c.singular_values.forEach((expected, i) => {
        expect(Math.abs(s[i]! - expected)).toBeLessThanOrEqual(1e-10 * s0);
      });
      let compared = 0;
      for (let i = 0; i < r; i++) {
        if (!wellSeparated(c.singular_values, i)) continue;
        compared++;
        const row = Vt.subarray(i * n, i * n + n);
        expect(maxAbsDiff(row, c.vt_flipped.slice(i * n, i * n + n))).toBeLessThanOrEqual(1e-8);
      }
      // Every case has at least its top singular vectors compared; rank-deficient ones only those.
      expect(compared).toBeGreaterThanOrEqual(Math.min(c.rank, 4));
      if (c.rank === r && c.name !== "ill_conditioned") expect(compared).toBe(r);
      expect(columnOrthonormalityError(U, m, r)).toBeLessThanOrEqual(1e-12);
      expect(columnOrthonormalityError(transpose(Vt, r, n), n, r)).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDiff(reconstruct(U, s, Vt, m, n), A)).toBeLessThanOrEqual(1e-10 * maxAbs(A));
    });
  }

  it("factors random tall, wide and square matrices with descending singular values", () => {
    for (const [m, n] of [
      [150, 40],
      [40, 150],
      [33, 33],
      [1, 5],
      [5, 1],
    ] as [number, number][]) {
      const A = randomMatrix(m, n, m * 1000 + n);
      const { U, s, Vt } = svdSmall(A, m, n);
      const r = Math.min(m, n);
      for (let i = 1; i < r; i++) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
      expect(columnOrthonormalityError(U, m, r)).toBeLessThanOrEqual(1e-12);
      expect(columnOrthonormalityError(transpose(Vt, r, n), n, r)).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDiff(reconstruct(U, s, Vt, m, n), A)).toBeLessThanOrEqual(1e-12 * maxAbs(A) * r);
    }
  });

  it("completes the null space of a zero matrix with orthonormal rows", () => {
    const { U, s, Vt } = svdSmall(new Float64Array(12), 4, 3);
    expect(Array.from(s)).toEqual([0, 0, 0]);
    expect(columnOrthonormalityError(transpose(Vt, 3, 3), 3, 3)).toBeLessThanOrEqual(1e-15);
    expect(columnOrthonormalityError(U, 4, 3)).toBeLessThanOrEqual(1e-15);
  });

  it("throws an ArgumentError for a wrong length, a DataError for a non-finite entry", () => {
    expect(() => svdSmall(new Float64Array(5), 2, 3)).toThrow(
      /svdSmall: A has 5 elements, expected 2 x 3/,
    );
    expect(() => svdSmall(Float64Array.from([1, Number.POSITIVE_INFINITY]), 1, 2)).toThrow(
      /A\[0, 1\] is Infinity/,
    );
  });
});

describe("svdFlip", () => {
  it("makes the largest-|.| entry of each Vt row positive and flips U's columns to match", () => {
    const U = Float64Array.from([1, 2, 3, 4]); // 2×2
    const s = Float64Array.from([2, 1]);
    const Vt = Float64Array.from([0.6, -0.8, 0.8, 0.6]);
    svdFlip(U, s, Vt);
    expect(Array.from(Vt)).toEqual([-0.6, 0.8, 0.8, 0.6]);
    expect(Array.from(U)).toEqual([-1, 2, -3, 4]);
  });

  it("takes the first of tied largest entries, as numpy argmax does", () => {
    const Vt = Float64Array.from([-0.5, 0.5]);
    svdFlip(Float64Array.from([1]), Float64Array.from([1]), Vt);
    expect(Array.from(Vt)).toEqual([0.5, -0.5]);
  });

  it("throws an ArgumentError when U or Vt does not fit s", () => {
    expect(() => svdFlip(new Float64Array(5), new Float64Array(2), new Float64Array(4))).toThrow(
      /svdFlip: U \(5 elements\)/,
    );
  });
});
