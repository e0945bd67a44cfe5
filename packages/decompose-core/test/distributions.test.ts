/**
 * The quantile code against scipy (fixtures/golden/distributions.json, written by
 * scripts/golden/make_distributions_golden.py), and its refusals.
 */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  chiSquareQuantile,
  fQuantile,
  inverseRegularizedBeta,
  inverseRegularizedGamma,
  logGamma,
  normalQuantile,
  regularizedBeta,
  regularizedGamma,
} from "../src/distributions.js";

const golden = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../../fixtures/golden/distributions.json"), "utf8"),
) as Record<string, number[][]>;

/** |actual − expected| ≤ rtol·|expected| + atol, with the arguments in the failure message. */
function expectClose(actual: number, expected: number, rtol: number, atol: number, what: string) {
  const error = Math.abs(actual - expected);
  expect(error <= rtol * Math.abs(expected) + atol, `${what}: ${actual} vs ${expected}`).toBe(true);
}

describe("special functions against scipy.special", () => {
  it("logGamma to 1e-14 relative (1e-15 absolute near its zeros)", () => {
    for (const [x, expected] of golden.log_gamma!)
      expectClose(logGamma(x!), expected!, 1e-14, 1e-15, `gammaln(${x})`);
  });

  it("regularizedGamma: P and Q each to 1e-12 relative, or the rounding of the prefactor's exponent", () => {
    for (const [a, x, p, q] of golden.regularized_gamma!) {
      const [P, Q] = regularizedGamma(a!, x!);
      // The prefactor exp(a·ln x − x − lnΓ(a)) keeps its exponent's absolute rounding error.
      const rtol = Math.max(1e-12, 4e-16 * (Math.abs(a! * Math.log(x!)) + x! + logGamma(a!)));
      expectClose(P, p!, rtol, 1e-300, `gammainc(${a}, ${x})`);
      expectClose(Q, q!, rtol, 1e-300, `gammaincc(${a}, ${x})`);
    }
  });

  it("regularizedBeta: I and 1 − I each to 1e-12 relative, or the rounding of ln B(a, b)", () => {
    for (const [x, a, b, lower, upper] of golden.regularized_beta!) {
      const [I, J] = regularizedBeta(x!, a!, b!);
      // As for the gamma function: ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b) keeps the rounding
      // error of its terms (about 2e-11 absolute for b = 21000).
      const terms = Math.abs(logGamma(a!)) + logGamma(b!) + logGamma(a! + b!);
      const rtol = Math.max(1e-12, 4e-16 * terms);
      expectClose(I, lower!, rtol, 1e-300, `betainc(${a}, ${b}, ${x})`);
      expectClose(J, upper!, rtol, 1e-300, `betaincc(${a}, ${b}, ${x})`);
    }
  });

  it("the inverses invert: P(a, P⁻¹(a, p)) = p and I(I⁻¹(p)) = p", () => {
    for (const a of [0.2, 1, 3.5, 400])
      for (const p of [0.01, 0.5, 0.95]) {
        // Within the accuracy of P and I themselves at a = 400 (~1e-13).
        expectClose(regularizedGamma(a, inverseRegularizedGamma(a, p))[0], p, 1e-12, 0, "P");
        expectClose(
          regularizedBeta(inverseRegularizedBeta(p, a, 2.5), a, 2.5)[0],
          p,
          1e-12,
          0,
          "I",
        );
      }
  });
});

describe("quantiles against scipy.stats", () => {
  it("normalQuantile = norm.ppf to 1e-13 relative", () => {
    for (const [p, expected] of golden.normal_quantile!)
      expectClose(normalQuantile(p!), expected!, 1e-13, 1e-15, `norm.ppf(${p})`);
  });

  it("chiSquareQuantile = chi2.ppf to 1e-12 relative, integer or not", () => {
    for (const [p, df, expected] of golden.chi_square_quantile!)
      expectClose(chiSquareQuantile(p!, df!), expected!, 1e-12, 1e-300, `chi2.ppf(${p}, ${df})`);
  });

  it("fQuantile = f.ppf to 1e-11 relative", () => {
    for (const [p, d1, d2, expected] of golden.f_quantile!)
      expectClose(fQuantile(p!, d1!, d2!), expected!, 1e-11, 1e-300, `f.ppf(${p}, ${d1}, ${d2})`);
  });

  it("refuses probabilities outside (0, 1) and non-positive degrees of freedom", () => {
    expect(() => normalQuantile(1)).toThrow("a probability in (0, 1) is needed, got 1");
    expect(() => chiSquareQuantile(0, 3)).toThrow("a probability in (0, 1) is needed, got 0");
    expect(() => chiSquareQuantile(0.5, 0)).toThrow(
      "chi-square degrees of freedom must be > 0, got 0",
    );
    expect(() => fQuantile(0.95, 2, -1)).toThrow("F degrees of freedom must be > 0, got (2, -1)");
    expect(() => logGamma(0)).toThrow("logGamma needs x > 0, got 0");
  });
});
