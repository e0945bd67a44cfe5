/**
 * Check 4: a third-party method package (fixtures/method-instance-stats, @tt/schema as a peer
 * dependency), compiled with tsc against the packed @tt/schema, packed with npm pack and
 * installed beside `tensortools` with npm and with pnpm: registered in the default registry, run
 * through `decompose` and through @tt/schema/testing's conformance kit, sharing one @tt/schema.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { copiesOf, listedCopies } from "../src/installed.js";
import { PLUGIN_NAME, pluginBuild } from "../src/plugin-package.js";
import { lastJsonLine, runCommand } from "../src/run.js";
import { readTarball } from "../src/tarballs.js";
import { type UmbrellaRun, umbrellaRun } from "../src/umbrella-run.js";

interface PluginReport {
  methods: string[];
  decompose: {
    method: string;
    config: Record<string, unknown>;
    columns: string[];
    first: { instance_id: string; mean: number; sd: number };
    rows: number;
    tableIsUmbrellaMetaTable: boolean;
  };
  configError: { thrown: boolean; isConfigError?: boolean; message?: string };
  conformance: { name: string; passed: boolean; error?: string }[];
}

/** Iris' first flower, f000, and its mean and sample standard deviation. */
const F000 = [5.1, 3.5, 1.4, 0.2];
const F000_MEAN = F000.reduce((a, b) => a + b) / 4;
const F000_SD = Math.sqrt(F000.reduce((a, b) => a + (b - F000_MEAN) ** 2, 0) / 3);

describe("the third-party method package", () => {
  it("compiles with tsc against the packed @tt/schema and packs with npm pack, @tt/schema a peer", async () => {
    const build = await pluginBuild();
    expect(build.error, build.error).toBeUndefined();
    console.log(
      `${PLUGIN_NAME}: npm install ${build.installMs} ms, tsc ${build.buildMs} ms, npm pack ${build.packMs} ms; dist ${build.dist!.join(", ")}`,
    );
    const { files, manifest } = await readTarball(build.tarball!);
    expect(files).toEqual(
      expect.arrayContaining(["dist/index.js", "dist/index.d.ts", "package.json"]),
    );
    expect(manifest.peerDependencies).toEqual({ "@tt/schema": "^0.1.0" });
    expect(manifest.dependencies).toBeUndefined();
  });
});

describe.each(["npm", "pnpm"] as const)(
  "the method package beside the umbrella, installed with %s",
  (manager) => {
    let run: UmbrellaRun;
    let report: PluginReport;

    beforeAll(async () => {
      run = await umbrellaRun(`${manager}-umbrella`);
      const { stdout } = await runCommand("node", ["check-plugin.mjs", `${run.out}/iris`], {
        cwd: run.app.dir,
      });
      console.log(`${manager}: ${stdout.trimEnd().split("\n")[0]}`);
      report = lastJsonLine<PluginReport>(stdout);
    });

    it("is registered in the default registry and runs through decompose on a bundle", () => {
      expect(report.methods).toEqual([
        "cp",
        "ica",
        "instance-stats",
        "nmf",
        "pca",
        "svd",
        "tucker",
      ]);
      const { decompose } = report;
      expect(decompose.method).toBe("instance-stats");
      expect(decompose.config).toEqual({ ddof: 1 });
      expect(decompose.columns).toEqual(["instance_id", "mean", "sd"]);
      expect(decompose.rows).toBe(150);
      expect(decompose.first.instance_id).toBe("f000");
      expect(Math.abs(decompose.first.mean - F000_MEAN)).toBeLessThan(1e-12);
      expect(Math.abs(decompose.first.sd - F000_SD)).toBeLessThan(1e-12);
    });

    it("shares classes with the umbrella: its MetaTable is the umbrella's, its ConfigError a tensortools config error", () => {
      expect(report.decompose.tableIsUmbrellaMetaTable).toBe(true);
      expect(report.configError.thrown).toBe(true);
      expect(report.configError.isConfigError, report.configError.message).toBe(true);
    });

    it("passes @tt/schema/testing's conformance kit (testMethod)", () => {
      const failed = report.conformance.filter((check) => !check.passed);
      console.log(
        `${manager}: conformance ${report.conformance.length - failed.length}/${report.conformance.length} passed` +
          failed.map((check) => `\n  FAILED ${check.name}: ${check.error}`).join(""),
      );
      expect(report.conformance.length).toBeGreaterThanOrEqual(10);
      expect(failed).toEqual([]);
    });

    it("leaves one copy of @tt/schema installed", async () => {
      const listed = await listedCopies(run.app, "@tt/schema");
      const copies = copiesOf(run.app, "@tt/schema");
      console.log(
        `${manager}: ${manager} ls @tt/schema -> ${listed.length} folder(s): ${listed.map((path) => path.slice(run.app.dir.length + 1)).join(", ")}`,
      );
      expect(listed).toHaveLength(1);
      expect(copies.map((copy) => copy.version)).toEqual(["0.1.0"]);
    });
  },
);
