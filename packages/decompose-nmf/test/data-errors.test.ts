/** What nmf refuses in the data: negative values, too high a rank for NNDSVD, all zeros. */

import { type DataError, isTensorToolsError } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { fitNmf, tensorOf } from "./helpers.js";

const axes = ["instance", "sample", "channel"];

function data(n: number, p: number): Float64Array {
  return Float64Array.from({ length: n * p }, (_, x) => 1 + Math.sin(x) ** 2);
}

async function rejection(run: () => Promise<unknown>, tag: "data" | "config"): Promise<Error> {
  try {
    await run();
  } catch (error) {
    expect(isTensorToolsError(error, tag), String(error)).toBe(true);
    return error as Error;
  }
  return expect.fail("no error");
}

describe("refusals", () => {
  it("names the first negative entry by instance id and position on the other axes", async () => {
    const values = data(6, 6);
    values[3 * 6 + 4] = -0.5; // instance i3, sample 2, channel 0
    values[5 * 6 + 1] = -2;
    const view = viewFromTensor(tensorOf(values, [6, 3, 2], axes));
    const error = (await rejection(() => fitNmf(view, { rank: 2 }), "data")) as DataError;
    expect(error.where).toBe("instance i3, sample 2, channel 0");
    expect(error.message).toMatch(
      /is negative \(-0\.5 after weights and scaling\): NMF factors non-negative data only/,
    );
  });

  it("finds negative values made by negative weights, in a streamed fit too", async () => {
    const view = viewFromTensor(tensorOf(data(2100, 6), [2100, 3, 2], axes));
    const error = (await rejection(
      () => fitNmf(view, { rank: 2, weights: { channel: [1, -1] }, memory_budget: 1024 * 6 * 8 }),
      "data",
    )) as DataError;
    expect(error.where).toBe("instance i0, sample 0, channel 1");
  });

  it("refuses an NNDSVD start of a rank above min(instances, features), not a random one", async () => {
    const view = () => viewFromTensor(tensorOf(data(10, 4), [10, 4], ["instance", "feature"]));
    const error = (await rejection(() => fitNmf(view(), { rank: 5 }), "config")) as Error;
    expect(error.message).toMatch(
      /5 is more than init "nndsvda" allows: min\(instances, features\) = min\(10, 4\); use init "random"/,
    );
    const out = await fitNmf(view(), { rank: 5, init: "random", max_iter: 20 });
    expect(out.componentTensors.components!.shape).toEqual([5, 4]);
  });

  it("refuses data that is all zeros", async () => {
    const view = viewFromTensor(tensorOf(new Float64Array(12), [4, 3], ["instance", "feature"]));
    const error = await rejection(() => fitNmf(view, { rank: 1 }), "data");
    expect(error.message).toMatch(/is all zeros: nothing to decompose/);
  });

  it("refuses missing values unless dropped, and then leaves the dropped instances null", async () => {
    const values = data(8, 3);
    values[4] = Number.NaN; // instance i1
    const view = () => viewFromTensor(tensorOf(values, [8, 3], ["instance", "feature"]));
    const error = await rejection(() => fitNmf(view(), { rank: 1 }), "data");
    expect(error.message).toMatch(/missing values.*first: i1/);
    const out = await fitNmf(view(), { rank: 1, missing: "drop" });
    const scores = out.factorTables.instance!.column("score_1");
    expect(scores.valid?.[1]).toBe(0);
    expect(out.diagnostics.n_dropped).toBe(1);
  });
});
