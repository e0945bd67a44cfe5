/**
 * Runs recorded in a catalog (TT_CATALOG or --catalog), end to end: two recordings imported,
 * concatenated, annotated and decomposed twice; `tt lineage` of the second result prints the
 * whole chain back to the source files with their SHA-256; every command's run is done, a
 * failing command's run is failed with its error and the command fails as it does without a
 * catalog; and demo, pyramid, add-field and import --h5 record their runs too.
 */

import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunInputRecord, RunRecord, VersionRecord } from "@tt/catalog";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectOk, importRecording, sha256Of } from "./catalog-helpers.js";
import { FIXTURES, removeTempDirs, tempDir, tt } from "./helpers.js";

const VERSION = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
).version;

let dir: string;
let env: NodeJS.ProcessEnv;

/** `tt ...args` in `dir` with the catalog of `env`. */
const run = (args: string[]) => tt(args, dir, env);

/** The runs of the catalog at `path`, newest first. */
async function runsOf(path: string): Promise<RunRecord[]> {
  return JSON.parse(expectOk(await tt(["catalog", "runs", "--json", "--catalog", path])).stdout);
}

/** Writes labels for the 24 instances of the concatenation (ids `rec-a/a0`...) as labels.csv. */
function writeLabels(): void {
  const rows = ["a", "b"].flatMap((name) =>
    Array.from({ length: 12 }, (_, i) => `rec-${name}/${name}${i},${i % 2 === 0 ? "odd" : "even"}`),
  );
  writeFileSync(join(dir, "labels.csv"), `instance_id,label\n${rows.join("\n")}\n`);
}

beforeAll(async () => {
  dir = realpathSync(tempDir());
  env = { TT_CATALOG: join(dir, "catalog.db") };
  expectOk(await importRecording(dir, "a", [], env));
  expectOk(await importRecording(dir, "b", [], env));
  expectOk(await run(["concat", "all", "rec-a", "rec-b"]));
  writeLabels();
  expectOk(await run(["annotate", "all", "--axis", "instance", "--from", "labels.csv"]));
  expectOk(await run(["decompose", "all", "-m", "pca", "-k", "2", "-o", "pca2"]));
  const where = ["--where", "qc_pass"];
  expectOk(await run(["decompose", "all", "-m", "pca", "-k", "3", ...where, "-o", "pca3"]));
}, 120_000);

afterAll(removeTempDirs);

describe("tt lineage", () => {
  it("prints the whole chain from the second result back to the source files", async () => {
    const lineage = expectOk(await run(["lineage", "pca3"]));
    // Manifest hashes vary with creation times; the files' checksums are computed here.
    const lines = lineage.stdout
      .split("\n")
      .map((line) => line.replace(/^([│ ├└─]*(?:dataset|result) \S+ v\d+) \([0-9a-f]{12}\)/, "$1"));
    const file = (name: string) =>
      `file ${join(dir, name)} (${sha256Of(join(dir, name)).slice(7, 19)})`;
    expect(lines).toEqual([
      "result pca3 v1",
      '└─ <- run 6: tt decompose [query {"axis":"instance","expr":"qc_pass"}]',
      "   dataset all v2",
      "   ├─ <- run 4: tt annotate",
      "   │  dataset all v1",
      "   │  ├─ <- run 3: tt concat",
      "   │  │  dataset rec-a v1",
      "   │  │  ├─ <- run 1: tt import",
      `   │  │  │  ${file("a.npy")}`,
      "   │  │  └─ <- run 1: tt import",
      `   │  │     ${file("a.csv")}`,
      "   │  └─ <- run 3: tt concat",
      "   │     dataset rec-b v1",
      "   │     ├─ <- run 2: tt import",
      `   │     │  ${file("b.npy")}`,
      "   │     └─ <- run 2: tt import",
      `   │        ${file("b.csv")}`,
      "   └─ <- run 4: tt annotate",
      `      ${file("labels.csv")}`,
      "",
    ]);
  });

  it("prints the tree as JSON, downstream with --down, and as Mermaid", async () => {
    const tree = JSON.parse(expectOk(await run(["lineage", "pca3", "--json"])).stdout);
    expect(tree).toMatchObject({ type: "version", key: "pca3", version: 1, kind: "result" });
    expect(tree.children[0]).toMatchObject({ key: "all", version: 2 });
    expect(tree.children[0].edge).toEqual({
      how: "run",
      runId: 6,
      transform: "tt decompose",
      selectors: [{ op: "query", axis: "instance", expr: "qc_pass" }],
    });
    const down = expectOk(await run(["lineage", "rec-a", "--down"])).stdout;
    for (const line of ["dataset rec-a v1", "-> run 3: tt concat", "-> run 4: tt annotate"])
      expect(down).toContain(line);
    expect(down).toMatch(/-> run 5: tt decompose\n.*result pca2 v1/);
    const old = expectOk(await run(["lineage", "all", "--version", "1"])).stdout;
    expect(old.split("\n")[0]).toMatch(/^dataset all v1 \(/);
    const mermaid = expectOk(await run(["lineage", "pca3", "--mermaid"])).stdout;
    expect(mermaid.split("\n")[0]).toBe("flowchart BT");
    expect(mermaid).toContain('|"run 6: tt decompose');
  });

  it("names what is wrong: an unknown key or version, no catalog, --json with --mermaid", async () => {
    const unknown = await run(["lineage", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("'nope' is neither a key nor a bundle of the catalog");
    const version = await run(["lineage", "all", "--version", "7"]);
    expect(version.code).toBe(1);
    expect(version.stderr).toContain("'all' has no version 7 in the catalog; it has 1, 2");
    const none = await tt(["lineage", "pca3"], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      "tt lineage needs a catalog: pass --catalog FILE or set TT_CATALOG",
    );
    const both = await run(["lineage", "pca3", "--json", "--mermaid"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give --mermaid or --json, not both");
  });
});

describe("recorded runs", () => {
  it("one per command, done, with parameters, inputs (files with SHA-256) and outputs", async () => {
    const runs = (await runsOf(env.TT_CATALOG!)).reverse();
    expect(runs.map((r) => [r.id, r.transform, r.status])).toEqual([
      [1, "tt import", "done"],
      [2, "tt import", "done"],
      [3, "tt concat", "done"],
      [4, "tt annotate", "done"],
      [5, "tt decompose", "done"],
      [6, "tt decompose", "done"],
    ]);
    for (const r of runs) {
      expect(r.libraryVersion).toBe(`tensortools-cli ${VERSION}`);
      expect(r.error).toBeNull();
      expect(Date.parse(r.endedAt!)).toBeGreaterThanOrEqual(Date.parse(r.startedAt));
    }
    const [importA, , concat, annotate, , pca3] = runs as [
      RunRecord,
      RunRecord,
      RunRecord,
      RunRecord,
      RunRecord,
      RunRecord,
    ];
    expect(importA.inputs.map((i: RunInputRecord) => [i.location, i.sha256])).toEqual([
      [join(dir, "a.npy"), sha256Of(join(dir, "a.npy"))],
      [join(dir, "a.csv"), sha256Of(join(dir, "a.csv"))],
    ]);
    expect(importA.outputs).toEqual([{ key: "rec-a", version: 1 }]);
    expect(concat.inputs.map((i: RunInputRecord) => `${i.key} v${i.version}`)).toEqual([
      "rec-a v1",
      "rec-b v1",
    ]);
    expect(concat.params).toEqual({ positionals: ["all", "rec-a", "rec-b"], options: {} });
    expect(annotate.outputs).toEqual([{ key: "all", version: 2 }]);
    expect(pca3.params).toEqual({
      positionals: ["all"],
      options: { method: "pca", rank: "3", where: "qc_pass", out: "pca3" },
    });
    expect(pca3.inputs).toEqual([
      {
        location: join(dir, "all"),
        key: "all",
        version: 2,
        sha256: null,
        selectors: [{ op: "query", axis: "instance", expr: "qc_pass" }],
      },
    ]);
    expect(pca3.outputs).toEqual([{ key: "pca3", version: 1 }]);
  });

  it("records a failing command as failed with its error; the command fails as without a catalog", async () => {
    const args = ["decompose", "all", "-m", "pca", "-k", "100", "-o", "bad"];
    const without = await tt(args, dir);
    const recorded = await run(args);
    expect(recorded).toEqual(without);
    expect(recorded.code).toBe(2);
    expect(recorded.stderr).toContain("--rank 100 is more than the data allows");
    const [failed] = await runsOf(env.TT_CATALOG!);
    expect(failed).toMatchObject({
      id: 7,
      transform: "tt decompose",
      status: "failed",
      outputs: [],
    });
    expect(failed!.error).toMatch(/^UsageError: --rank 100 is more than the data allows/);
    expect(failed!.inputs.map((i: RunInputRecord) => `${i.key} v${i.version}`)).toEqual(["all v2"]);
    const shown = expectOk(await run(["catalog", "run", "7"])).stdout;
    expect(shown).toContain("run 7: tt decompose (tensortools-cli");
    expect(shown).toContain("status   failed");
    expect(shown).toContain("error    UsageError: --rank 100 is more than the data allows");
    expect(shown).toContain(`inputs\n  all v2 (${join(dir, "all")})\noutputs  none\n`);
  });

  it("records a failed run when an input folder is no bundle; the command says why", async () => {
    mkdirSync(join(dir, "empty"));
    const args = ["annotate", "empty", "--axis", "instance", "--from", "labels.csv"];
    const without = await tt(args, dir);
    expect(without.code).toBe(1);
    expect(await run(args)).toEqual(without);
    const [failed] = await runsOf(env.TT_CATALOG!);
    expect(failed).toMatchObject({
      id: 8,
      transform: "tt annotate",
      status: "failed",
      outputs: [],
    });
    expect(failed!.inputs.map((i) => i.location)).toEqual([join(dir, "labels.csv")]);
  });

  it("records with --catalog, and records nothing without a catalog or with TT_CATALOG empty", async () => {
    // --catalog wins over TT_CATALOG, and the library's writes inside record nothing of their own.
    const other = join(dir, "environment.db");
    expectOk(await importRecording(dir, "c", ["--catalog", "flag.db"], { TT_CATALOG: other }));
    expect((await runsOf(join(dir, "flag.db"))).map((r) => r.outputs)).toEqual([
      [{ key: "rec-c", version: 1 }],
    ]);
    expect(existsSync(other) ? await runsOf(other) : []).toEqual([]);
    expectOk(await importRecording(dir, "d", [], { TT_CATALOG: "" }));
    expect((await runsOf(env.TT_CATALOG!)).length).toBe(8);
    expect(existsSync(join(dir, "rec-d", "manifest.json"))).toBe(true);
  });
});

describe("tt catalog find", () => {
  it("finds versions by a feature and by n_instances", async () => {
    expectOk(await run(["catalog", "feature", "define", "stage", "--dtype", "string"]));
    expectOk(await run(["catalog", "feature", "set", "all", "stage=annotated"]));
    const find = async (...args: string[]) =>
      (
        JSON.parse(
          expectOk(await run(["catalog", "find", ...args, "--json"])).stdout,
        ) as VersionRecord[]
      ).map((r) => `${r.key}@${r.version}`);
    expect(await find("stage == 'annotated'")).toEqual(["all@2"]);
    expect(await find("n_instances > 20")).toEqual(["all@2", "pca2@1"]);
    expect(await find("n_instances < 20 and kind == 'result'")).toEqual(["pca3@1"]);
    expect(await find("n_instances == 12", "--all-versions")).toEqual(["rec-a@1", "rec-b@1"]);
  });
});

describe("every command that writes records its run", () => {
  it("demo: its recordings, dataset and results", async () => {
    const catalog = join(dir, "demo.db");
    const demo = ["demo", "demo", "--recordings", "2", "--events", "20", "-q"];
    expectOk(await tt(demo, dir, { TT_CATALOG: catalog }));
    const [demoRun] = await runsOf(catalog);
    expect(demoRun).toMatchObject({ transform: "tt demo", status: "done", inputs: [] });
    expect(demoRun!.outputs.map((o: { key: string; version: number }) => o.key).sort()).toEqual([
      "demo/cp",
      "demo/dataset",
      "demo/pca",
      "demo/recordings/rec01",
      "demo/recordings/rec02",
    ]);
  });

  it("pyramid, add-field and import --h5: inputs as they were, outputs as new versions", async () => {
    const catalog = ["--catalog", "other.db"];
    cpSync(join(dir, "rec-a"), join(dir, "copy"), { recursive: true });
    expectOk(await tt(["pyramid", "copy", ...catalog], dir));
    const field = ["add-field", "copy", "spec", "--npy", "a.npy", "--axes", "instance,u,v"];
    expectOk(await tt([...field, ...catalog], dir));
    const h5 = join(FIXTURES, "hdf5/datasets.h5");
    expectOk(await tt(["import", "--h5", `${h5}:/labelled`, "h5", ...catalog], dir));
    const runs = (await runsOf(join(dir, "other.db"))).reverse();
    const summary = runs.map((r) => ({
      transform: r.transform,
      inputs: r.inputs.map((i: RunInputRecord) => i.key ?? i.sha256),
      outputs: r.outputs.map((o: { key: string; version: number }) => `${o.key} v${o.version}`),
    }));
    expect(summary).toEqual([
      { transform: "tt pyramid", inputs: ["copy"], outputs: ["copy v2"] },
      {
        transform: "tt add-field",
        inputs: ["copy", sha256Of(join(dir, "a.npy"))],
        outputs: ["copy v3"],
      },
      { transform: "tt import", inputs: [sha256Of(h5)], outputs: ["h5 v1"] },
    ]);
    expect(runs[1]!.inputs[0]!.version).toBe(2);
  });
});
