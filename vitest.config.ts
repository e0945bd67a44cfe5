import { defineConfig } from "vitest/config";

/** Every test of the monorepo in one run: each package, app and the repo checks is a project. */
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "examples/*", "tooling", "tooling/packed"],
    reporters: ["default", "./tooling/vitest/summary-reporter.ts"],
  },
});
