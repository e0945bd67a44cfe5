import type { AxisAnnotatedTensor } from "../src/index.js";

/** See versioned-tensor.mjs. */
export function versionedTensor(
  lib: typeof import("../src/index.js"),
  version: number,
  instances: number,
  prefix?: string,
): AxisAnnotatedTensor;
