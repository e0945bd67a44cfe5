import { mergeConfig } from "vitest/config";
import base from "../../tooling/vitest.package.ts";

/** The shared package config, plus a setup that regenerates the inlined wasm kernels when stale. */
export default mergeConfig(base, {
  test: { globalSetup: ["./test/build-wasm.setup.ts"] },
});
