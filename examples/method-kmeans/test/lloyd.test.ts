/** Lloyd's iterations from given centroids, including the relocation of an empty cluster. */

import { describe, expect, it } from "vitest";
import { kmeansPlusPlus } from "../src/kmeans-plus-plus.js";
import { lloyd } from "../src/lloyd.js";
import { uniformGenerator } from "../src/random.js";

const options = { maxIterations: 100, tolerance: 0, checkpoint: async () => {} };

describe("lloyd", () => {
  it("moves the farthest row into a cluster that comes up empty", async () => {
    // The centroid at 100 gets no rows; the row farthest from its centroid (11) moves there.
    const data = Float64Array.from([0, 1, 10, 11]);
    const run = await lloyd(data, 4, 1, Float64Array.from([0, 1, 100]), options);
    expect(Array.from(run.labels)).toEqual([0, 1, 2, 2]);
    expect(Array.from(run.centers)).toEqual([0, 1, 10.5]);
    expect(run.inertia).toBe(0.5);
    expect(run.converged).toBe(true);
  });

  it("stops at max_iter without claiming convergence", async () => {
    const data = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const run = await lloyd(data, 10, 1, Float64Array.from([0, 1]), {
      ...options,
      maxIterations: 1,
    });
    expect(run.iterations).toBe(1);
    expect(run.converged).toBe(false);
  });
});

describe("k-means++ and the generator", () => {
  it("picks k distinct rows of the data, the same ones for the same seed and stream", () => {
    const data = Float64Array.from({ length: 40 }, (_, i) => (i * 7) % 13);
    const a = kmeansPlusPlus(data, 20, 2, 4, uniformGenerator(3, 0));
    const b = kmeansPlusPlus(data, 20, 2, 4, uniformGenerator(3, 0));
    expect(Array.from(a)).toEqual(Array.from(b));
    const rows = new Set(Array.from({ length: 20 }, (_, i) => `${data[2 * i]},${data[2 * i + 1]}`));
    for (let c = 0; c < 4; c++) expect(rows).toContain(`${a[2 * c]},${a[2 * c + 1]}`);
  });

  it("draws uniform numbers in [0, 1), different per stream", () => {
    const first = uniformGenerator(42, 0);
    const second = uniformGenerator(42, 1);
    const xs = Array.from({ length: 1000 }, first);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((a, b) => a + b, 0) / 1000 - 0.5)).toBeLessThan(0.05);
    expect(second()).not.toBe(uniformGenerator(42, 0)());
  });
});
