/**
 * Check 4: a third-party method package (fixtures/method-instance-stats, @tt/schema as a peer
 * dependency), compiled with tsc against the packed @tt/schema, packed with npm pack and
 * installed beside `tensortools` with npm and with pnpm: registered in the default registry, run
 * through `decompose` and through @tt/schema/testing's conformance kit, sharing one @tt/schema.
 * And the ml.js example method (examples/method-hclust, packed with pnpm pack) with @tt/mljs from
 * its tarball and ml-hclust from the registry: the Iris PCA scores as a Matrix, clustered through
 * `decompose`, joined back, with one @tt/schema and one ml-matrix.
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

interface HclustReport {
  methods: string[];
  scores: { rows: number; columns: number; squares: number[] };
  fromMatrix: { columns: string[]; isUmbrellaMetaTable: boolean };
  decompose: {
    method: string;
    config: Record<string, unknown>;
    columns: string[];
    labels: string;
    tableIsUmbrellaMetaTable: boolean;
  };
  joined: { sizes: number[]; setosaOutsideCluster1: number };
  missingColumn: { thrown: boolean; isConfigError?: boolean; message?: string };
}

/**
 * scipy: linkage(scores, "ward") of numpy's two PCA scores of Iris cut into 3 clusters, numbered
 * by first appearance (as the in-repo test of examples/method-hclust).
 */
const SCIPY_WARD_LABELS =
  "11111111111111111111111111111111111111111111111111" +
  "22222222222222222222222222232222222222222222222222" +
  "32333323333332233332323233223333323333233323332332";

/** numpy: the squared singular values of the centred Iris, the scores' column sums of squares. */
const IRIS_SQUARES = [630.0080141991948, 36.15794144136637];

describe.each(["npm", "pnpm"] as const)(
  "@tt/mljs and the ml.js example method (ml-hclust) beside the umbrella, installed with %s",
  (manager) => {
    let run: UmbrellaRun;
    let report: HclustReport;

    beforeAll(async () => {
      run = await umbrellaRun(`${manager}-umbrella`);
      const { stdout } = await runCommand("node", ["check-hclust.mjs", `${run.out}/iris`], {
        cwd: run.app.dir,
      });
      console.log(`${manager}: ${stdout.trimEnd().split("\n")[0]}`);
      report = lastJsonLine<HclustReport>(stdout);
    });

    it("reads the PCA scores as an ml-matrix Matrix and writes a table of the umbrella's MetaTable", () => {
      expect([report.scores.rows, report.scores.columns]).toEqual([150, 2]);
      report.scores.squares.forEach((squares, j) => {
        expect(Math.abs(squares - IRIS_SQUARES[j]!) / IRIS_SQUARES[j]!).toBeLessThan(1e-10);
      });
      expect(report.fromMatrix).toEqual({
        columns: ["instance_id", "s1", "s2"],
        isUmbrellaMetaTable: true,
      });
      expect(report.missingColumn.thrown).toBe(true);
      expect(report.missingColumn.isConfigError, report.missingColumn.message).toBe(true);
    });

    it("clusters the scores into scipy's Ward partition through decompose, and joins back", () => {
      expect(report.methods).toContain("hclust");
      expect(report.decompose.method).toBe("hclust");
      expect(report.decompose.config).toEqual({
        k: 3,
        linkage: "ward2",
        columns: ["pca_score_1", "pca_score_2"],
      });
      expect(report.decompose.columns).toEqual(["instance_id", "cluster"]);
      expect(report.decompose.tableIsUmbrellaMetaTable).toBe(true);
      expect(report.decompose.labels).toBe(SCIPY_WARD_LABELS);
      expect(report.joined).toEqual({ sizes: [50, 63, 37], setosaOutsideCluster1: 0 });
    });

    it("leaves one copy of @tt/schema and of ml-matrix installed", async () => {
      for (const name of ["@tt/schema", "ml-matrix"]) {
        const listed = await listedCopies(run.app, name);
        console.log(
          `${manager}: ${manager} ls ${name} -> ${listed.length} folder(s): ${listed.map((path) => path.slice(run.app.dir.length + 1)).join(", ")}`,
        );
        expect(listed, name).toHaveLength(1);
      }
    });
  },
);
