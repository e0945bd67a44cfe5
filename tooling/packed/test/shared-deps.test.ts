/**
 * Check 5: the umbrella's installs (npm and pnpm) hold exactly one copy of hyparquet and one of
 * each @tt package, so no two copies of a class or a codec registry meet at run time.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { type InstalledApp, installApp } from "../src/apps.js";
import { type InstalledPackage, installedPackages, installSize } from "../src/installed.js";
import { formatBytes } from "../src/run.js";

/** Names installed more than once, with their copies. */
function duplicates(installed: InstalledPackage[], names: (name: string) => boolean): string[] {
  const byName = new Map<string, InstalledPackage[]>();
  for (const pkg of installed)
    if (names(pkg.name)) byName.set(pkg.name, [...(byName.get(pkg.name) ?? []), pkg]);
  return [...byName.entries()]
    .filter(([, copies]) => copies.length > 1)
    .map(
      ([name, copies]) =>
        `${name}: ${copies.map((copy) => `${copy.version} at ${copy.path}`).join("; ")}`,
    );
}

describe.each(["npm", "pnpm"] as const)(
  "shared dependencies of the umbrella installed with %s",
  (manager) => {
    let app: InstalledApp;
    let installed: InstalledPackage[];

    beforeAll(async () => {
      app = await installApp(`${manager}-umbrella`);
      installed = installedPackages(app);
      const ours = installed.filter(
        (pkg) => pkg.name.startsWith("@tt/") || pkg.name === "tensortools",
      );
      console.log(
        `${manager} umbrella app: node_modules ${formatBytes(await installSize(app))} (du${manager === "npm" ? ", with esbuild, vite and playwright-core for the browser check" : ""}), ` +
          `${installed.length} packages; ${ours.length} of ours; hyparquet ${installed
            .filter((pkg) => pkg.name === "hyparquet")
            .map((pkg) => pkg.version)
            .join(", ")}`,
      );
    });

    it("holds exactly one hyparquet", () => {
      const copies = installed.filter((pkg) => pkg.name === "hyparquet");
      expect(copies.map((pkg) => `${pkg.version} at ${pkg.path}`)).toHaveLength(1);
    });

    it("holds exactly one copy of each @tt package and of tensortools", () => {
      const names = new Set(installed.map((pkg) => pkg.name));
      expect([...names].filter((name) => name.startsWith("@tt/")).length).toBeGreaterThanOrEqual(
        10,
      );
      expect(
        duplicates(installed, (name) => name.startsWith("@tt/") || name === "tensortools"),
      ).toEqual([]);
    });
  },
);
