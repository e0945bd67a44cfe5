import { defineConfig } from "vitest/config";

/** Every test of the monorepo in one run: each package, app and the repo checks is a project. */
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "tooling"],
    reporters: ["default", "./tooling/vitest/summary-reporter.ts"],
  },
});
