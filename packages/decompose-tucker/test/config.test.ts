/** Validation of the config and of the ranks against the view: each failure mode, its message. */

import { type ConfigError, createTensor, isTensorToolsError } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { TUCKER_DEFAULTS, tucker, validateTuckerConfig } from "../src/index.js";
import { context } from "./helpers.js";
import { syntheticTucker } from "./synthetic.js";

function configError(config: unknown): { field: string; message: string } {
  try {
    validateTuckerConfig(config);
  } catch (error) {
    expect(isTensorToolsError(error, "config")).toBe(true);
    return error as { field: string; message: string };
  }
  throw new Error("no ConfigError");
}

describe("validateTuckerConfig", () => {
  it("fills the defaults", () => {
    expect(validateTuckerConfig({})).toEqual(TUCKER_DEFAULTS);
    expect(validateTuckerConfig({ ranks: [3, 2, 2] }).ranks).toEqual([3, 2, 2]);
    expect(validateTuckerConfig({ missing: "mask" }).missing).toBe("mask");
  });

  it.each([
    [{ ranks: 0 }, "ranks", /positive integer|>= 1|at least 1/],
    [{ ranks: [] }, "ranks", /at least one rank/],
    [{ ranks: [2, 1.5, 2] }, "ranks[1]", /integer/],
    [{ init: "svd" }, "init", /hosvd/],
    [{ tol: -1 }, "tol", /finite number >= 0/],
    [{ n_iter_max: 0 }, "n_iter_max", /./],
    [{ rank: 3 }, "rank", /is not an option of tucker; options: ranks, init/],
    [{ seed: 1 }, "seed", /seed/],
    ["ranks", "(config)", /must be an object/],
  ])("refuses %j naming %s", (config, field, message) => {
    const error = configError(config);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe("ranks against the view", () => {
  const { tensor } = syntheticTucker([10, 4, 3], 2, 3);
  const view = viewFromTensor(tensor);
  const fitWith = (config: Record<string, unknown>) =>
    tucker.fit(view, tucker.validate(config), context());

  it.each([
    [{ ranks: [2, 2] }, /one rank per axis \(instance, sample, channel\): 3 numbers, got 2/],
    [{ ranks: [2, 5, 2] }, /rank 5 of axis 'sample' exceeds its length 4/],
    [{ ranks: [11, 2, 2] }, /rank 11 of axis 'instance' exceeds its length 10/],
    [{ ranks: [2, 4, 1] }, /rank 4 of axis 'sample' exceeds the product of the other ranks \(2\)/],
  ])("refuses %j", async (config, message) => {
    const error = await fitWith(config).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses missing: "mask" when the data exceeds memory_budget (EM imputes in memory)', async () => {
    const error = await fitWith({ ranks: [2, 2, 2], missing: "mask", memory_budget: 100 }).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as ConfigError).field).toBe("missing");
    expect((error as Error).message).toMatch(
      /"mask" imputes in memory, but the data \(960 bytes\) exceeds memory_budget \(100\); raise memory_budget or use "drop"/,
    );
  });

  it("refuses a view of 2 axes", async () => {
    const matrix = viewFromTensor(
      createTensor({
        data: Float64Array.from({ length: 40 }, (_, x) => x % 7),
        shape: [10, 4],
        axes: ["instance", "feature"],
      }),
    );
    const error = await tucker
      .fit(matrix, tucker.validate({ ranks: [1, 1] }), context())
      .catch((e: unknown) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as Error).message).toMatch(
      /Tucker needs a view of 3 or more axes .*, got 2 \(instance, feature\)/,
    );
  });

  it("refuses an instance rank above the instances left by missing: drop", async () => {
    const data = Float64Array.from(tensor.data as Float64Array);
    for (let i = 0; i < 9; i++) data[i * 12] = Number.NaN;
    const withNaN = viewFromTensor({ ...tensor, data });
    const error = await tucker
      .fit(withNaN, tucker.validate({ ranks: [2, 2, 2], missing: "drop" }), context())
      .catch((e: unknown) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toMatch(/rank 2 of the instance axis exceeds the 1 instance/);
  });
});
