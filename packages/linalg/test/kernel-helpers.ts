import { expect } from "vitest";
import type { KernelMatrix } from "../src/index.js";
import { naiveMatmul, randomMatrix, transpose } from "./helpers.js";

/** Fills a kernel matrix with seeded uniform(-1, 1) values and returns them as f64 (after rounding). */
export function fillRandom(matrix: KernelMatrix, seed: number): Float64Array {
  matrix.data.set(randomMatrix(matrix.rows, matrix.cols, seed));
  return Float64Array.from(matrix.data);
}

/** `values` rounded to a kernel dtype, as f64. */
export function roundTo(values: Float64Array, dtype: "float32" | "float64"): Float64Array {
  return dtype === "float32" ? Float64Array.from(Float32Array.from(values)) : values;
}

/** Element-wise absolute values. */
export function abs(values: Float64Array): Float64Array {
  return values.map(Math.abs);
}

/** Naive f64 A·B for row-major A (m×k), B (k×n), with the bound |A|·|B| for tolerances. */
export function productWithBound(
  A: Float64Array,
  m: number,
  k: number,
  B: Float64Array,
  n: number,
) {
  return { value: naiveMatmul(A, m, k, B, n), bound: naiveMatmul(abs(A), m, k, abs(B), n) };
}

/** Naive f64 Aᵀ·B with its bound |A|ᵀ·|B|. */
export function transProductWithBound(
  A: Float64Array,
  m: number,
  k: number,
  B: Float64Array,
  n: number,
) {
  return productWithBound(transpose(A, m, k), k, m, B, n);
}

/**
 * Asserts |actual - expected| <= tolerance * bound element-wise, where `bound` is the sum of the
 * absolute terms: the standard error bound of a floating-point sum, scaled by `tolerance`.
 */
export function expectWithinBound(
  actual: Float64Array,
  expected: Float64Array,
  bound: Float64Array,
  tolerance: number,
): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < actual.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - tolerance * bound[i]!;
    if (!(excess <= 0) && (worstAt < 0 || excess > worst)) {
      worst = excess;
      worstAt = i;
    }
  }
  expect(
    worstAt,
    worstAt < 0
      ? ""
      : `element ${worstAt}: ${actual[worstAt]} vs ${expected[worstAt]} (bound ${bound[worstAt]})`,
  ).toBe(-1);
}

/** Asserts two arrays hold the same bits (NaN-free data). */
export function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length * 2);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length * 2);
  let first = -1;
  for (let i = 0; i < a.length && first < 0; i++) if (a[i] !== b[i]) first = i >> 1;
  expect(first, first < 0 ? "" : `element ${first}: ${actual[first]} vs ${expected[first]}`).toBe(
    -1,
  );
}

/** Relative tolerance for sums in a dtype: f32 sums run over at most 1024 terms in f32. */
export function toleranceOf(dtype: "float32" | "float64"): number {
  return dtype === "float32" ? 1e-4 : 1e-12;
}
