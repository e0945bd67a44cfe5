/**
 * The reference figures the packed stage compares with: the ones the in-repo tests assert
 * (scikit-learn's Iris PCA, the numpy goldens of fixtures/golden, the published amino acids fit),
 * and a comparison with a stated tolerance.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { REPO } from "./tarballs.js";

/** The repository's fixtures folder. */
export const FIXTURES = join(REPO, "fixtures");

interface GoldenCase {
  name: string;
  config: Record<string, unknown>;
  selection?: { query: string; ids: string[] };
  expected: Record<string, unknown>;
}

function golden(file: string, name: string): GoldenCase {
  const { cases } = JSON.parse(readFileSync(join(FIXTURES, "golden", file), "utf8")) as {
    cases: GoldenCase[];
  };
  const found = cases.find((c) => c.name === name);
  if (found === undefined) throw new Error(`fixtures/golden/${file} has no case '${name}'`);
  return found;
}

const iris = golden("svd.json", "iris").expected as { singular_values: number[] };
const eeg = golden("svd.json", "eeg");
const amino = golden("cp.json", "amino_acids");

/** Iris as scikit-learn prints it (packages/decompose-svd/test/reference-data.test.ts). */
export const IRIS = {
  /** `PCA(2).fit(iris).explained_variance_ratio_`, compared at 8 decimals. */
  explainedVarianceRatio: [0.92461872, 0.05306648],
  /** `components_[0]`, absolute tolerance 5e-9. */
  firstComponent: [0.36138659, -0.08452251, 0.85667061, 0.3582892],
  /** The centered singular values (numpy), relative tolerance 1e-10. */
  singularValues: iris.singular_values.slice(0, 2),
};

/** The EEG epochs selection and its PCA (numpy, fixtures/golden/svd.json case `eeg`). */
export const EEG = {
  query: eeg.selection!.query,
  ids: eeg.selection!.ids,
  expected: eeg.expected as {
    singular_values: number[];
    explained_variance_ratio: number[];
    total_variance: number;
    scores_head: number[];
  },
};

/** The amino acids CP (fixtures/golden/cp.json case `amino_acids`; Tensor Toolbox fit 0.9749461). */
export const AMINO = {
  config: amino.config,
  publishedFit: 0.9749461,
  expected: amino.expected as { fit: number; iterations: number; weights: number[] },
};

/**
 * Expects `actual` to equal `expected` entry by entry within `rtol * |expected| + atol`,
 * naming the first entry that differs.
 */
export function expectClose(
  actual: readonly number[],
  expected: readonly number[],
  rtol: number,
  atol: number,
  what: string,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expected.forEach((value, i) => {
    const bound = rtol * Math.abs(value) + atol;
    const difference = Math.abs(actual[i]! - value);
    if (!(difference <= bound))
      expect.fail(`${what}[${i}]: ${actual[i]} differs from ${value} by ${difference} > ${bound}`);
  });
}
