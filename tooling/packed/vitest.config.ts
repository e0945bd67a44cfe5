import { defineConfig } from "vitest/config";

/**
 * The packed-package stage: tests that see tensortools only as a user does, through the tarballs
 * `pnpm pack` makes, installed into scratch apps outside the workspace. No `@tt/source`
 * condition: nothing here imports a workspace package. The files share the scratch apps and run
 * one at a time.
 */
export default defineConfig({
  test: {
    name: "packed",
    include: ["test/**/*.test.ts"],
    globalSetup: ["./src/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
