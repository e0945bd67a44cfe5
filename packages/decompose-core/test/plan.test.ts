/** The unfolding plan: column order and offsets, subsets, weights, and each config mismatch. */

import { createTensor, type ReadableView } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { type PreprocessConfig, planUnfolding } from "../src/index.js";
import { configError, NO_PREPROCESSING } from "./helpers.js";

/** A 2 × 3 × 4 view whose value at (i, s, c) is 100i + 10s + c. */
function view(): ReadableView {
  const data = new Float64Array(24);
  for (let i = 0; i < 2; i++)
    for (let s = 0; s < 3; s++)
      for (let c = 0; c < 4; c++) data[i * 12 + s * 4 + c] = 100 * i + 10 * s + c;
  return viewFromTensor(
    createTensor({ data, shape: [2, 3, 4], axes: ["trial", "sample", "channel"] }),
  );
}

describe("planUnfolding", () => {
  it("unfolds the other axes in the view's order, last fastest, without copying offsets", () => {
    const plan = planUnfolding(view(), NO_PREPROCESSING);
    expect(plan).toMatchObject({
      rowAxis: "trial",
      n: 2,
      columnAxes: ["sample", "channel"],
      columnShape: [3, 4],
      p: 12,
      slab: 12,
      columnSource: null,
      columnWeights: null,
    });
  });

  it("takes the column order from orderColumns and maps each column to its view offset", () => {
    const plan = planUnfolding(view(), NO_PREPROCESSING, () => ["channel", "sample"]);
    expect(plan.columnShape).toEqual([4, 3]);
    // Column j = 3c + s reads offset 4s + c of the instance's slab.
    expect(Array.from(plan.columnSource!)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  });

  it("keeps the sample_mask positions and multiplies the weights of each column's axes", () => {
    const plan = planUnfolding(view(), {
      ...NO_PREPROCESSING,
      sample_mask: { axis: "channel", mask: [true, false, false, true] },
      weights: { sample: [1, 2, 3], channel: [10, 20, 30, 40] },
    });
    expect(Array.from(plan.kept.channel!)).toEqual([0, 3]);
    expect(Array.from(plan.kept.sample!)).toEqual([0, 1, 2]);
    expect(plan.p).toBe(6);
    expect(Array.from(plan.columnSource!)).toEqual([0, 3, 4, 7, 8, 11]);
    expect(Array.from(plan.columnWeights!)).toEqual([10, 40, 20, 80, 30, 120]);
  });

  it('lets "instance" name the first axis', () => {
    const error = configError(() =>
      planUnfolding(view(), {
        ...NO_PREPROCESSING,
        sample_mask: { axis: "instance", indices: [0] },
      }),
    );
    expect(error.field).toBe("sample_mask.axis");
    expect(error.message).toMatch(/cannot subset the instance axis 'trial'/);
  });

  const bad: [config: Partial<PreprocessConfig>, field: string, message: RegExp][] = [
    [
      { sample_mask: { axis: "time", indices: [0] } },
      "sample_mask.axis",
      /no axis 'time'; its axes are trial, sample, channel/,
    ],
    [
      { sample_mask: { axis: "sample", indices: [0, 3] } },
      "sample_mask.indices[1]",
      /position 3 is outside axis 'sample' of length 3/,
    ],
    [
      { sample_mask: { axis: "sample", mask: [true] } },
      "sample_mask.mask",
      /has 1 entries for axis 'sample' of length 3/,
    ],
    [
      { sample_mask: { axis: "sample", mask: [false, false, false] } },
      "sample_mask.mask",
      /keeps no element/,
    ],
    [
      { sample_mask: { axis: "sample", start: 1, stop: 4 } },
      "sample_mask.stop",
      /4 is beyond the end of axis 'sample' \(length 3\)/,
    ],
    [
      { weights: { trial: [1, 1] } },
      "weights.trial",
      /apply to the feature axes, not to the instances/,
    ],
    [
      { weights: { channel: [1, 2] } },
      "weights.channel",
      /has 2 entries for axis 'channel' of length 4/,
    ],
    [{ weights: { time: [1] } }, "weights.time", /no axis 'time'/],
  ];
  it.each(bad)("rejects %j naming '%s'", (config, field, message) => {
    const error = configError(() => planUnfolding(view(), { ...NO_PREPROCESSING, ...config }));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it("needs an instance axis and at least one more", () => {
    const vector = viewFromTensor(
      createTensor({ data: new Float64Array(3), shape: [3], axes: ["instance"] }),
    );
    const error = configError(() => planUnfolding(vector, NO_PREPROCESSING));
    expect(error.field).toBe("(view)");
    expect(error.message).toMatch(/at least 2 axes/);
  });

  it("checks the instance axis before the column order", () => {
    const error = configError(() =>
      planUnfolding(
        view(),
        { ...NO_PREPROCESSING, sample_mask: { axis: "trial", indices: [0] } },
        () => {
          throw new Error("not reached");
        },
      ),
    );
    expect(error.field).toBe("sample_mask.axis");
  });
});
