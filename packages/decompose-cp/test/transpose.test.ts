/** The one transpose of the package, against the matrix written out by hand. */

import { describe, expect, it } from "vitest";
import { transpose } from "../src/transpose.js";

describe("transpose", () => {
  it("turns a row-major 2 × 3 matrix into its 3 × 2 transpose, and back", () => {
    const A = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const At = transpose(A, 2, 3);
    expect(Array.from(At)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(transpose(At, 3, 2))).toEqual(Array.from(A));
    expect(At).not.toBe(A);
  });

  it("keeps a row or a column vector's values in order", () => {
    expect(Array.from(transpose(Float64Array.from([7, 8, 9]), 1, 3))).toEqual([7, 8, 9]);
    expect(Array.from(transpose(Float64Array.from([7, 8, 9]), 3, 1))).toEqual([7, 8, 9]);
  });
});
