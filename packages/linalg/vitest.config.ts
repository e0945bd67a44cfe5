import { mergeConfig } from "vitest/config";
import base from "../../tooling/vitest.package.ts";

/** The shared package config, plus a setup that compiles the wasm kernels when they are stale. */
export default mergeConfig(base, {
  test: { globalSetup: ["./test/build-wasm.setup.ts"] },
});
