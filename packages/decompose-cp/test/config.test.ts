/** Config validation and input errors: each names the field, what was wrong and what is allowed. */

import { type ConfigError, createTensor, isTensorToolsError } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { CP_DEFAULTS, cp } from "../src/index.js";
import { fitCp } from "./helpers.js";
import { syntheticCp } from "./synthetic.js";

/** The ConfigError `run` throws (synchronously or by rejecting). */
async function configError(run: () => unknown): Promise<ConfigError> {
  try {
    await run();
  } catch (error) {
    expect(isTensorToolsError(error, "config"), String(error)).toBe(true);
    return error as ConfigError;
  }
  return expect.fail("no error");
}

describe("cp.validate", () => {
  it("fills in the defaults", () => {
    expect(cp.validate({})).toEqual(CP_DEFAULTS);
    expect(CP_DEFAULTS).toMatchObject({
      rank: 3,
      init: "svd",
      n_iter_max: 500,
      tol: 1e-8,
      nonnegative: false,
      line_search: false,
      missing: "error",
    });
  });

  const bad: [config: Record<string, unknown>, field: string, message: RegExp][] = [
    [{ rank: 0 }, "rank", /integer >= 1, got 0/],
    [{ rank: 2.5 }, "rank", /integer >= 1/],
    [{ init: "nvecs" }, "init", /one of "svd", "random", got "nvecs"/],
    [{ n_iter_max: 0 }, "n_iter_max", /integer >= 1/],
    [{ tol: -1 }, "tol", /finite number >= 0/],
    [{ tol: "small" }, "tol", /finite number >= 0/],
    [{ nonnegative: "yes" }, "nonnegative", /true or false/],
    [{ line_search: 1 }, "line_search", /true or false/],
    [{ missing: "ignore" }, "missing", /one of "error", "drop", "mask"/],
    [{ center: "mean" }, "center", /"none", "global" or \{ "over": \[axes\] \}/],
    [{ scale: { minmax: {} } }, "scale", /zscore/],
    [{ weights: { channel: [1, "x"] } }, "weights.channel[1]", /finite number/],
    [{ sample_mask: { axis: "sample" } }, "sample_mask", /needs "indices"/],
    [
      { seed: 1 },
      "seed",
      /not part of a method's config; pass it to decompose\(\.\.\., \{ seed \}\)/,
    ],
    [{ seed: null }, "seed", /pass it to decompose/],
    [{ memory_budget: 0 }, "memory_budget", /integer >= 1/],
    [{ threads: 0 }, "threads", /integer >= 1/],
    [{ solver: "exact" }, "solver", /not an option of cp; options: rank, init/],
    [{ nonnegative: true, line_search: true }, "line_search", /unconstrained/],
    [{ missing: "mask", line_search: true }, "line_search", /unconstrained/],
  ];
  it.each(bad)("rejects %j naming '%s'", async (config, field, message) => {
    const error = await configError(() => cp.validate(config));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe("fit input errors", () => {
  const { tensor } = syntheticCp([10, 4, 3], 2, 1);
  const view = viewFromTensor(tensor);

  it("needs 3 or more axes", async () => {
    const matrix = createTensor({
      data: new Float64Array(12),
      shape: [4, 3],
      axes: ["instance", "feature"],
    });
    const error = await configError(() => fitCp(viewFromTensor(matrix), {}));
    expect(error.field).toBe("(view)");
    expect(error.message).toMatch(/3 or more axes .* use svd or pca/);
  });

  it.each([
    [
      { sample_mask: { axis: "instance", indices: [0] } },
      "sample_mask.axis",
      /cannot subset the instance axis/,
    ],
    [
      { sample_mask: { axis: "sample", indices: [9] } },
      "sample_mask.indices[0]",
      /outside axis 'sample' of length 4/,
    ],
    [
      { weights: { channel: [1, 2] } },
      "weights.channel",
      /2 entries for axis 'channel' of length 3/,
    ],
    [{ weights: { time: [1] } }, "weights.time", /no axis 'time'/],
    [{ center: { over: ["trial"] } }, "center.over[0]", /no axis 'trial'/],
    [{ missing: "mask", memory_budget: 100 }, "missing", /"mask" imputes in memory/],
  ])("rejects %j naming '%s'", async (config, field, message) => {
    const error = await configError(() => fitCp(view, config));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it("rejects an all-zero tensor", async () => {
    const zeros = createTensor({ data: new Float64Array(24), shape: [2, 4, 3], axes: tensor.axes });
    const error = await fitCp(viewFromTensor(zeros), { rank: 1 }).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toBe(
      "the data (2 instances x 12 features): is all zeros: nothing to decompose",
    );
  });
});
