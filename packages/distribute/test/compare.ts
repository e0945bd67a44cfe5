/** What the split-fit tests compare outputs with. */

import { expect } from "vitest";

/** The largest |a − b| over a numeric column, relative to the largest |a|. */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(b.length).toBe(a.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Residual columns: small differences of large numbers, their leading digits set by rounding. */
export const RESIDUALS = new Set(["recon_error", "q", "outlier_score"]);
