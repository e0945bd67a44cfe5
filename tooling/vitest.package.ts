import { defineConfig } from "vitest/config";

/** The vitest config every package uses: tests import workspace packages from source. */
export default defineConfig({
  resolve: { conditions: ["@tt/source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["@tt/source", "module", "node", "import", "default"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
