/**
 * Reads of the data: one scan, the first read (norms, HOSVD Grams), ONE pass per HOOI iteration
 * and the last read, in memory or streamed; data that is all zeros after preprocessing is refused.
 */

import { KERNEL_CHUNK_ROWS } from "@tt/linalg";
import { createTensor, isTensorToolsError } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { fitTucker } from "./helpers.js";
import { syntheticTucker } from "./synthetic.js";

interface Diagnostics {
  passes: number;
  iterations: number;
  in_memory: boolean;
}

describe("passes over the data", () => {
  const { tensor } = syntheticTucker([2 * KERNEL_CHUNK_ROWS + 10, 4, 3], 2, 21, 0.1, "float32");
  const view = viewFromTensor(tensor);

  it.each([
    ["in memory", "auto"],
    ["streamed", KERNEL_CHUNK_ROWS * 12 * 4],
  ])("%s: scan + first read + one per iteration + last read", async (_, budget) => {
    const config = { ranks: [2, 2, 2], tol: 0, n_iter_max: 7, memory_budget: budget };
    const d = (await fitTucker(view, config)).diagnostics as unknown as Diagnostics;
    expect(d.in_memory).toBe(budget === "auto");
    expect(d.iterations).toBe(7);
    expect(d.passes).toBe(1 + 1 + 7 + 1);
  });

  it("init random on data read as is takes the norms from the scan: one read fewer", async () => {
    const config = { ranks: [2, 2, 2], tol: 0, n_iter_max: 4, init: "random" };
    const d = (await fitTucker(view, config)).diagnostics as unknown as Diagnostics;
    expect(d.passes).toBe(1 + 4 + 1);
  });
});

describe("data errors", () => {
  it("refuses data that centering leaves all zeros", async () => {
    const constant = createTensor({
      data: new Float64Array(10 * 4 * 3).fill(2.5),
      shape: [10, 4, 3],
      axes: ["instance", "sample", "channel"],
    });
    const error = await fitTucker(viewFromTensor(constant), {
      ranks: [2, 2, 2],
      center: { over: ["instance"] },
    }).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toMatch(/zero/);
  });
});
