/** Validation of the shared options: each failure mode names the field and what is allowed. */

import { describe, expect, it } from "vitest";
import {
  rejectSeedKey,
  validateMemoryBudget,
  validatePreprocessConfig,
  validateThreads,
} from "../src/index.js";
import { configError, NO_PREPROCESSING } from "./helpers.js";

describe("validatePreprocessConfig", () => {
  it("returns complete, copied values", () => {
    const weights = { channel: [1, 2] };
    const out = validatePreprocessConfig({
      ...NO_PREPROCESSING,
      center: { over: ["instance"] },
      scale: { robust: { over: ["instance", "sample"] } },
      weights,
      sample_mask: { axis: "sample", start: 1, stop: 3 },
    });
    expect(out).toEqual({
      center: { over: ["instance"] },
      scale: { robust: { over: ["instance", "sample"] } },
      missing: "error",
      weights: { channel: [1, 2] },
      sample_mask: { axis: "sample", start: 1, stop: 3 },
    });
    expect(out.weights.channel).not.toBe(weights.channel);
  });

  const bad: [config: Record<string, unknown>, field: string, message: RegExp][] = [
    [{ center: "mean" }, "center", /"none", "global" or \{ "over": \[axes\] \}, got "mean"/],
    [{ center: { over: [] } }, "center.over", /non-empty array of axis names/],
    [{ center: { over: ["a", "a"] } }, "center.over[1]", /axis 'a' is listed twice/],
    [{ center: { over: ["a"], by: 1 } }, "center.by", /not an option; allowed: over/],
    [{ scale: { minmax: {} } }, "scale", /zscore/],
    [{ scale: { zscore: { over: [""] } } }, "scale.zscore.over[0]", /must be an axis name/],
    [{ missing: "ignore" }, "missing", /one of "error", "drop", "mask", got "ignore"/],
    [{ weights: [1] }, "weights", /object of axis -> numbers/],
    [{ weights: { channel: [] } }, "weights.channel", /non-empty array of numbers/],
    [{ weights: { channel: [1, Number.NaN] } }, "weights.channel[1]", /finite number/],
    [{ sample_mask: { axis: "" } }, "sample_mask", /null or \{ "axis": name/],
    [{ sample_mask: { axis: "s" } }, "sample_mask", /needs "indices", "mask" or "start"\/"stop"/],
    [{ sample_mask: { axis: "s", indices: [] } }, "sample_mask.indices", /non-empty array/],
    [{ sample_mask: { axis: "s", indices: [0, -1] } }, "sample_mask.indices[1]", /integer >= 0/],
    [{ sample_mask: { axis: "s", mask: [1] } }, "sample_mask.mask", /array of booleans/],
    [{ sample_mask: { axis: "s", start: 2, stop: 2 } }, "sample_mask.stop", /integer >= 3/],
    [{ sample_mask: { axis: "s", start: 0, stop: 1, step: 2 } }, "sample_mask.step", /allowed/],
  ];
  it.each(bad)("rejects %j naming '%s'", (config, field, message) => {
    const error = configError(() => validatePreprocessConfig({ ...NO_PREPROCESSING, ...config }));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it("reports the first bad field in the order center, scale, missing, weights, sample_mask", () => {
    const error = configError(() =>
      validatePreprocessConfig({ ...NO_PREPROCESSING, missing: "x", weights: 1, scale: "x" }),
    );
    expect(error.field).toBe("scale");
  });
});

describe("the resource options", () => {
  it("accept safe integers and auto", () => {
    expect(validateMemoryBudget("auto")).toBe("auto");
    expect(validateMemoryBudget(1024)).toBe(1024);
    expect(validateThreads("auto")).toBe("auto");
    expect(validateThreads(2)).toBe(2);
  });

  it.each([
    [() => validateMemoryBudget(0), "memory_budget", /integer >= 1, got 0/],
    [() => validateThreads("all"), "threads", /integer >= 1, got "all"/],
  ] as const)("rejects bad values (%#)", (run, field, message) => {
    const error = configError(run);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe("the seed", () => {
  it("is not a config key: any seed key, null included, is refused and sent to decompose", () => {
    expect(() => rejectSeedKey({ rank: 2 })).not.toThrow();
    for (const seed of [0, 7, null]) {
      const error = configError(() => rejectSeedKey({ rank: 2, seed }));
      expect(error.field).toBe("seed");
      expect(error.message).toBe(
        "config 'seed': the seed is not part of a method's config; pass it to decompose(..., { seed })",
      );
    }
  });
});
