import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decompose, openDataset, writeResult } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, removeTempDirs, tempDir, tt } from "./helpers.js";

const COMMANDS = [
  "demo",
  "info",
  "import",
  "concat",
  "query",
  "decompose",
  "worker",
  "scores",
  "annotate",
  "pyramid",
  "result-info",
  "serve",
  "verify",
  "gc",
  "catalog",
  "lineage",
];

let dir: string;
let dataset: string;
let result: string;

beforeAll(async () => {
  dir = tempDir();
  const demo = await tt(["demo", dir, "--recordings", "3", "--events", "120"]);
  expect(demo.stderr).toMatch(/done in/);
  expect(demo.code).toBe(0);
  dataset = join(dir, "dataset");
  result = join(dir, "pca");
}, 120_000);

afterAll(removeTempDirs);

describe("tt --help", () => {
  it("lists every command", async () => {
    const run = await tt(["--help"]);
    expect(run.code).toBe(0);
    for (const name of COMMANDS) expect(run.stdout).toContain(`  ${name} `);
  });

  it.each(COMMANDS)("%s --help shows usage, options and an example", async (name) => {
    const run = await tt([name, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^tt ${name}`));
    expect(run.stdout).toContain("Options:");
    expect(run.stdout).toMatch(new RegExp(`Example:\\n  tt ${name} `));
  });

  it("without a command prints the help and exits 2", async () => {
    const run = await tt([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("Commands:");
  });
});

describe("errors", () => {
  it("an unknown command is one line and a hint, exit 2, no stack", async () => {
    const run = await tt(["frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      "tt: unknown command 'frobnicate'; commands: demo, info, import, concat, query, sql, decompose, worker, scores, annotate, add-field, pyramid, result-info, serve, verify, gc, catalog, lineage",
      "hint: see 'tt --help'",
    ]);
  });

  it("an unknown option is a usage error pointing to the command's help", async () => {
    const run = await tt(["info", dataset, "--colour"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("hint: see 'tt info --help'");
  });

  it("a missing bundle is a data error (exit 1); --debug adds the stack", async () => {
    const missing = join(dir, "nope");
    const run = await tt(["info", missing]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([
      `tt: no dataset bundle at ${missing}`,
      "hint: check the path or name",
    ]);
    const debug = await tt(["info", missing, "--debug"]);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/NotFoundError: no dataset bundle at .*\n\s+at /);
  });

  it("a bad query is a usage error pointing at the fault", async () => {
    const run = await tt(["query", dataset, "score >"]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n").slice(0, 3)).toEqual([
      "tt: the expression ends where a value was expected at position 7",
      "  score >",
      "         ^",
    ]);
    expect(run.stderr).toContain("hint: queries look like");
  });
});

describe("tt demo", () => {
  it("writes the dataset and the result and prints the summary", async () => {
    expect(existsSync(join(dataset, "manifest.json"))).toBe(true);
    expect(existsSync(join(result, "manifest.json"))).toBe(true);
    const json = await tt([
      "demo",
      join(dir, "again"),
      "--recordings",
      "2",
      "--events",
      "50",
      "--json",
    ]);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout);
    expect(summary.shape).toEqual([100, 600, 4]);
    expect(summary.explained_variance_ratio).toHaveLength(6);
    expect(summary.selection.instances).toBeLessThanOrEqual(100);
    // The demo's CP is meaningful on its data: non-negative rank 2, not degenerate.
    expect(summary.cp).toMatchObject({ rank: 2, nonnegative: true, degenerate: false });
    expect(summary.cp.core_consistency).toBeGreaterThan(50);
    expect(json.stderr).not.toContain("warning");
  });

  it("prints the CP's core consistency, its components' time course and why this CP", async () => {
    const run = await tt(["demo", join(dir, "cp-text"), "--recordings", "3", "--events", "120"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /CP, rank 2, non-negative: fit 0\.\d{4} \(1 - relative error\), core consistency \d+\.\d,/,
    );
    const rows = run.stdout
      .split("\n")
      .filter((line) => /^ {2}[12] {2}/.test(line) && line.includes("0."));
    expect(rows.map((line) => line.trim().split(/\s+/)[4])).toEqual(["target", "standard"]);
    expect(run.stdout).toContain("why this CP: the channels see one source at different gains");
    expect(run.stderr).not.toContain("warning");
  });

  it("refuses to overwrite an earlier demo unless asked", async () => {
    const run = await tt(["demo", dir, "--recordings", "2", "--events", "20"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/already (exists|holds a dataset)/);
    expect(run.stderr).toContain("pass --overwrite to replace it");
    expect(run.stderr).not.toContain("overwrite: true");
    const again = await tt([
      "demo",
      dir,
      "--recordings",
      "3",
      "--events",
      "120",
      "--overwrite",
      "--quiet",
    ]);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe("");
  });
});

describe("tt info", () => {
  it("prints axes, shape, chunking and columns", async () => {
    const run = await tt(["info", dataset]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("instance 360 x sample 600 x channel 4, float32");
    expect(run.stdout).toMatch(/event_type\s+string\s+0\s+\w+/);
    expect(run.stdout).toContain("ids in 'instance_id'");
  });

  it("--json gives the same facts", async () => {
    const info = JSON.parse((await tt(["info", dataset, "--json"])).stdout);
    expect(info.shape).toEqual([360, 600, 4]);
    expect(info.axes.map((a: { axis: string }) => a.axis)).toEqual([
      "instance",
      "sample",
      "channel",
    ]);
    const columns = info.axes[0].columns.map((c: { name: string }) => c.name);
    expect(columns).toEqual([
      "instance_id",
      "source_dataset_id",
      "source_file_id",
      "group_id",
      "source_instance_id",
      "group",
      "event_type",
      "qc_pass",
      "score",
      "onset_s",
    ]);
  });
});

describe("tt query", () => {
  const expr = "event_type == 'target' and qc_pass";
  it("--count, --ids, --csv and --json agree", async () => {
    const csv = (await tt(["query", dataset, expr, "--csv"])).stdout.trim().split("\n");
    const rows = csv.slice(1).map((line) => line.split(","));
    const header = csv[0]!.split(",");
    expect(rows.length).toBeGreaterThan(10);
    expect(
      rows.every(
        (r) =>
          r[header.indexOf("event_type")] === "target" && r[header.indexOf("qc_pass")] === "true",
      ),
    ).toBe(true);
    expect((await tt(["query", dataset, expr, "--count"])).stdout.trim()).toBe(String(rows.length));
    const ids = (await tt(["query", dataset, expr, "--ids"])).stdout.trim().split("\n");
    expect(ids).toEqual(rows.map((r) => r[0]));
    const json = JSON.parse((await tt(["query", dataset, expr, "--json"])).stdout);
    expect(json.count).toBe(rows.length);
    expect(json.rows[0].instance_id).toBe(ids[0]);
  });

  it("queries another axis with --axis", async () => {
    const run = await tt([
      "query",
      dataset,
      "channel_id in ['c1', 'c3']",
      "--axis",
      "channel",
      "--ids",
    ]);
    expect(run.stdout.trim().split("\n")).toEqual(["c1", "c3"]);
  });
});

describe("tt decompose, scores and result-info", () => {
  it("decomposes a query and writes a result whose scores join back", async () => {
    const out = join(dir, "pca-targets");
    const run = await tt([
      "decompose",
      dataset,
      "--method",
      "pca",
      "--rank",
      "3",
      "--where",
      "event_type == 'target'",
      "--out",
      out,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /pca of instance \d+ x sample 600 x channel 4 \(where event_type == 'target'\)/,
    );
    expect(run.stdout).toContain("explained_variance_ratio");

    const count = Number(
      (await tt(["query", dataset, "event_type == 'target'", "--count"])).stdout,
    );
    const scores = (await tt(["scores", out, "--csv"])).stdout.trim().split("\n");
    expect(scores[0]).toBe("instance_id,score_1,score_2,score_3,recon_error,t2,q,outlier_score");
    expect(scores).toHaveLength(count + 1);

    const joined = (await tt(["scores", out, "--join", dataset, "--csv"])).stdout
      .trim()
      .split("\n");
    expect(joined[0]).toBe(
      "instance_id,source_dataset_id,source_file_id,group_id,source_instance_id,group,event_type,qc_pass,score,onset_s,score_1,score_2,score_3,recon_error,t2,q,outlier_score",
    );
    expect(joined).toHaveLength(count + 1);
    expect(joined.slice(1).every((line) => line.split(",")[6] === "target")).toBe(true);
    expect(joined[1]!.split(",").slice(-7)).toEqual(scores[1]!.split(",").slice(1));

    const info = JSON.parse((await tt(["result-info", out, "--json"])).stdout);
    expect(info.method).toBe("pca");
    expect(info.config.rank).toBe(3);
    expect(info.input_ref.n_instances).toBe(count);
    expect(info.input_ref.selectors).toEqual([
      { op: "query", axis: "instance", expr: "event_type == 'target'" },
    ]);
    expect(info.component_tensors.components.shape).toEqual([3, 600, 4]);
    const text = await tt(["result-info", out]);
    expect(text.stdout).toContain("tensor components: component 3 x sample 600 x channel 4");
  });

  it("lists the delayed operations of a result's input beside its selections", async () => {
    const view = (await openDataset(dataset))
      .query("instance", "event_type == 'target'")
      .subtractMean("sample", { start: 0, stop: 100 })
      .divide(2);
    const out = join(dir, "pca-baseline");
    await writeResult(out, await decompose(view, "pca", { rank: 2 }));
    const text = await tt(["result-info", out]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      "selected by query instance: event_type == 'target'; subtract_mean sample; divide",
    );
  });

  it("takes config from a JSON file and reports bad config as usage errors", async () => {
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ solver: "exact", center: "none" }));
    const out = join(dir, "svd");
    const run = await tt([
      "decompose",
      dataset,
      "-m",
      "svd",
      "-k",
      "2",
      "--config",
      config,
      "-o",
      out,
      "--json",
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).diagnostics.solver).toBe("exact");
    writeFileSync(config, JSON.stringify({ solver: "fastest" }));
    const bad = await tt([
      "decompose",
      dataset,
      "-m",
      "svd",
      "--config",
      config,
      "-o",
      join(dir, "x"),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tt: config 'solver': /);
    expect(existsSync(join(dir, "x"))).toBe(false);
    const unknown = await tt(["decompose", dataset, "-m", "lda", "-o", join(dir, "y")]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown method 'lda'");
    const rank = await tt(["decompose", dataset, "-m", "pca", "-k", "two", "-o", join(dir, "z")]);
    expect(rank.code).toBe(2);
    expect(rank.stderr).toContain("--rank must be a positive integer, got 'two'");
  });
});

describe("tt import", () => {
  it("builds a bundle from .npy and CSV files", async () => {
    const out = join(tempDir(), "iris");
    const run = await tt([
      "import",
      "--npy",
      join(FIXTURES, "iris/tensor.npy"),
      "--axes",
      "flower,sample,feature",
      "--meta",
      `flower=${join(FIXTURES, "iris/axis0_flowers.csv")}`,
      "--meta",
      `feature=${join(FIXTURES, "iris/axis2_features.csv")}`,
      "--id",
      "flower=id",
      "--id",
      "feature=id",
      out,
    ]);
    expect(run.code).toBe(0);
    const info = JSON.parse((await tt(["info", out, "--json"])).stdout);
    expect(info.shape).toEqual([150, 1, 4]);
    expect(info.dtype).toBe("float64");
    expect(info.axes[0].id_column).toBe("id");
    expect((await tt(["query", out, "species == 'setosa'", "--count"])).stdout.trim()).toBe("50");
    const pca = await tt([
      "decompose",
      out,
      "-m",
      "pca",
      "-k",
      "2",
      "-o",
      join(out, "..", "pca"),
      "--json",
    ]);
    const ratio = JSON.parse(pca.stdout).diagnostics.explained_variance_ratio as number[];
    expect(ratio[0]).toBeCloseTo(0.92461872, 7);
    expect(ratio[1]).toBeCloseTo(0.05306648, 7);
  });

  it("names what is wrong with the arguments", async () => {
    const npy = join(FIXTURES, "iris/tensor.npy");
    const axes = await tt(["import", "--npy", npy, "--axes", "a,b", join(tempDir(), "x")]);
    expect(axes.code).toBe(2);
    expect(axes.stderr).toContain("has 3 dimensions (150 x 1 x 4) but --axes names 2");
    const meta = await tt([
      "import",
      "--npy",
      npy,
      "--axes",
      "a,b,c",
      "--meta",
      "d=x.csv",
      join(tempDir(), "x"),
    ]);
    expect(meta.code).toBe(2);
    expect(meta.stderr).toContain("axis 'd' is not one of --axes a,b,c");
    const missing = await tt([
      "import",
      "--npy",
      join(FIXTURES, "none.npy"),
      "--axes",
      "a",
      join(tempDir(), "x"),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("none.npy");
  });
});

describe("output", () => {
  it("shows no progress bars when stderr is not a terminal", async () => {
    const run = await tt([
      "decompose",
      dataset,
      "-m",
      "pca",
      "-k",
      "2",
      "-o",
      join(dir, "quiet-check"),
    ]);
    expect(run.stderr).not.toContain("\r");
    expect(run.stderr).toContain("result written to");
    const quiet = await tt([
      "decompose",
      dataset,
      "-m",
      "pca",
      "-k",
      "2",
      "-o",
      join(dir, "quiet-check"),
      "--overwrite",
      "-q",
    ]);
    expect(quiet.stderr).toBe("");
    expect(readFileSync(join(dir, "quiet-check", "manifest.json"), "utf8")).toContain(
      '"method": "pca"',
    );
  });
});

describe("tt concat", () => {
  it("concatenates bundles with lineage and reports the groups", async () => {
    const out = join(tempDir(), "two");
    const inputs = ["rec01", "rec02"].map((name) => join(dir, "recordings", name));
    const run = await tt(["concat", out, ...inputs, "--group-by", "group", "--json"]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.shape).toEqual([240, 600, 4]);
    expect(summary.files.map((f: { source_dataset_id: string }) => f.source_dataset_id)).toEqual([
      "rec01",
      "rec02",
    ]);
    expect(summary.groups).toEqual([
      expect.objectContaining({ group_id: "A", n_instances: 120 }),
      expect.objectContaining({ group_id: "B", n_instances: 120 }),
    ]);
    const ids = (await tt(["query", out, "source_dataset_id == 'rec02'", "--ids"])).stdout
      .trim()
      .split("\n");
    expect(ids).toHaveLength(120);
    expect(ids[0]).toBe("rec02/e0001");
    const text = await tt([
      "concat",
      join(tempDir(), "three"),
      ...inputs,
      join(dir, "recordings", "rec03"),
    ]);
    expect(text.stdout).toContain(
      "instance 360 x sample 600 x channel 4, float32, from 3 inputs (inner join)",
    );
  });

  it("names bad arguments", async () => {
    const input = join(dir, "recordings", "rec01");
    const join_ = await tt(["concat", join(tempDir(), "x"), input, "--join", "sideways"]);
    expect(join_.code).toBe(2);
    expect(join_.stderr).toContain("--join must be inner or outer, got 'sideways'");
    const missing = await tt(["concat", join(tempDir(), "x")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing <inputs...>");
    const twice = await tt(["concat", join(tempDir(), "x"), input, input]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/rec01/);
  });
});
