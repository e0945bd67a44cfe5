/** Shared test helpers: a config without preprocessing and a ConfigError catcher. */

import { type ConfigError, isTensorToolsError } from "@tt/schema";
import { expect } from "vitest";
import type { PreprocessConfig } from "../src/index.js";

/** The preprocessing defaults of the methods: nothing applied, missing values an error. */
export const NO_PREPROCESSING: Readonly<PreprocessConfig> = {
  center: "none",
  scale: "none",
  missing: "error",
  weights: {},
  sample_mask: null,
};

/** The ConfigError `run` throws synchronously; fails the test when it throws nothing or else. */
export function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(isTensorToolsError(error, "config"), String(error)).toBe(true);
    return error as ConfigError;
  }
  return expect.fail("no error");
}
