import { describe, expect, it } from "vitest";
import { qr } from "../src/index.js";
import {
  columnOrthonormalityError,
  goldenCases,
  maxAbs,
  maxAbsDiff,
  naiveMatmul,
  randomMatrix,
} from "./helpers.js";

function checkQr(A: Float64Array, m: number, n: number) {
  const { Q, R } = qr(A, m, n);
  expect(columnOrthonormalityError(Q, m, n)).toBeLessThanOrEqual(1e-12);
  for (let i = 0; i < n; i++) {
    expect(R[i * n + i]!).toBeGreaterThanOrEqual(0);
    for (let j = 0; j < i; j++) expect(R[i * n + j]).toBe(0);
  }
  expect(maxAbsDiff(naiveMatmul(Q, m, n, R, n), A)).toBeLessThanOrEqual(1e-12 * maxAbs(A));
  return R;
}

describe("qr", () => {
  for (const c of goldenCases.filter((g) => g.qr_r_diag_abs)) {
    it(`of ${c.name} (${c.rows}x${c.cols}) has orthonormal Q, reconstructs A and matches numpy |diag R|`, () => {
      const A = Float64Array.from(c.A);
      const R = checkQr(A, c.rows, c.cols);
      const scale = maxAbs(c.qr_r_diag_abs!);
      c.qr_r_diag_abs!.forEach((expected, i) => {
        // Numpy's diagonal is a reference only where R is well determined: the full-rank cases.
        if (c.rank === c.cols)
          expect(Math.abs(R[i * c.cols + i]! - expected)).toBeLessThanOrEqual(1e-10 * scale);
      });
    });
  }

  it("handles random tall, square and single-column matrices", () => {
    checkQr(randomMatrix(200, 37, 1), 200, 37);
    checkQr(randomMatrix(31, 31, 2), 31, 31);
    checkQr(randomMatrix(9, 1, 3), 9, 1);
  });

  it("keeps Q orthonormal when a column is zero", () => {
    const A = randomMatrix(12, 4, 4);
    for (let i = 0; i < 12; i++) A[i * 4 + 1] = 0;
    checkQr(A, 12, 4);
  });

  it("throws an ArgumentError for wide input and for a wrong length", () => {
    expect(() => qr(new Float64Array(6), 2, 3)).toThrow(/qr: needs rows >= columns, got 2 x 3/);
    expect(() => qr(new Float64Array(6), 4, 2)).toThrow(/qr: A has 6 elements, expected 4 x 2/);
  });
});
