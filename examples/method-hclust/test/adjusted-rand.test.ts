/**
 * The test's adjusted Rand index against hand-computed cases, scikit-learn's documented values,
 * and goldens computed with numpy and scipy (a contingency table and scipy.special.comb).
 */

import { describe, expect, it } from "vitest";
import { adjustedRandIndex } from "./adjusted-rand.js";

const digits = (text: string) => [...text].map(Number);

describe("adjustedRandIndex", () => {
  it("is 1 for the same partition under any label names", () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBe(1);
    expect(adjustedRandIndex(["a", "a", "b"], [2, 2, 1])).toBe(1);
    expect(adjustedRandIndex([1, 1, 1], [1, 1, 1])).toBe(1);
  });

  it("matches hand-computed cases", () => {
    // [0,0,1,1] vs [0,0,1,2]: 1 agreeing pair, expected 2 * 1 / 6, maximum 3/2: (2/3) / (7/6).
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 15);
    expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(4 / 7, 15);
    // [0,0,1,1] vs [0,1,0,1]: no agreeing pair, expected 2 * 2 / 6, maximum 2: (-2/3) / (4/3).
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 15);
  });

  it("matches numpy/scipy goldens on random labelings of 40 items", () => {
    const a = digits("3120101233123220320032310332102102331113");
    const independent = digits("2012022202002220210021212011221212002121");
    const noisy = digits("3123100231123121320042330131102104334111");
    expect(adjustedRandIndex(a, independent)).toBeCloseTo(-0.01790165065132538, 14);
    expect(adjustedRandIndex(a, noisy)).toBeCloseTo(0.36202617328519854, 14);
  });
});
