/**
 * Runs before `pnpm pack` / `pnpm publish` of a package (its `prepack` script): builds the package
 * and what it depends on through turbo (a cache hit after a full build), then copies the
 * repository's LICENSE beside the package's package.json so that the tarball carries it.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const { name } = JSON.parse(readFileSync("package.json", "utf8"));
execFileSync("turbo", ["run", "build", `--filter=${name}`, "--output-logs=errors-only"], {
  stdio: "inherit",
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
});
copyFileSync(fileURLToPath(new URL("../../LICENSE", import.meta.url)), "LICENSE");
