/** What a user reads when something goes wrong: one line in the words of the command line. */

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, FIXTURES, removeTempDirs, tempDir, tt } from "./helpers.js";

const IRIS = join(FIXTURES, "iris");
let dir: string;
let iris: string;
let demo: string;

/** The stderr lines of a run, without the trailing empty line. */
const lines = (stderr: string) => stderr.trimEnd().split("\n");

beforeAll(async () => {
  dir = tempDir();
  iris = join(dir, "iris");
  const imported = await tt([
    "import",
    "--npy",
    join(IRIS, "tensor.npy"),
    "--axes",
    "flower,sample,feature",
    "--meta",
    `flower=${join(IRIS, "axis0_flowers.csv")}`,
    "--id",
    "flower=id",
    iris,
    "--quiet",
  ]);
  expect(imported.code).toBe(0);
  demo = join(dir, "demo");
  expect((await tt(["demo", demo, "--recordings", "3", "--events", "120", "--quiet"])).code).toBe(
    0,
  );
}, 120_000);

afterAll(removeTempDirs);

describe("--rank", () => {
  it("takes a negative value as a value and says it must be positive", async () => {
    for (const flag of ["--rank", "-k"]) {
      const run = await tt(["decompose", iris, "-m", "pca", flag, "-1", "-o", join(dir, "r")]);
      expect(run.code).toBe(2);
      expect(lines(run.stderr)).toEqual([
        "tt: --rank must be a positive integer, got '-1'",
        "hint: see 'tt decompose --help'",
      ]);
    }
    const seed = await tt([
      "decompose",
      iris,
      "-m",
      "pca",
      "-k",
      "2",
      "--seed",
      "-3",
      "-o",
      join(dir, "r"),
    ]);
    expect([seed.code, lines(seed.stderr)[0]]).toEqual([
      2,
      "tt: --seed must be a non-negative integer, got '-3'",
    ]);
    // A negative number is a value wherever an option takes one.
    const recordings = ["rec01", "rec02"].map((name) => join(demo, "recordings", name));
    const fill = await tt([
      "concat",
      join(dir, "filled"),
      ...recordings,
      "--join",
      "outer",
      "--fill-value",
      "-1",
      "-q",
    ]);
    expect([fill.code, fill.stderr]).toEqual([0, ""]);
  });

  it("names the default and the option when the default rank is too large", async () => {
    const run = await tt(["decompose", iris, "-m", "pca", "-o", join(dir, "r")]);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      "tt: the default rank 10 of pca is more than the data allows (min(instances, features) = 4): pass --rank 4 or less",
      "hint: see 'tt decompose --help'",
    ]);
    const given = await tt(["decompose", iris, "-m", "pca", "--rank", "9", "-o", join(dir, "r")]);
    expect(lines(given.stderr)[0]).toBe(
      "tt: --rank 9 is more than the data allows (min(instances, features) = 4): pass --rank 4 or less",
    );
    const config = join(dir, "rank7.json");
    writeFileSync(config, JSON.stringify({ rank: 7 }));
    const fromConfig = await tt([
      "decompose",
      iris,
      "-m",
      "pca",
      "--config",
      config,
      "-o",
      join(dir, "r"),
    ]);
    expect(lines(fromConfig.stderr)[0]).toBe(
      `tt: "rank": 7 in --config ${config} is more than the data allows (min(instances, features) = 4): set it to 4 or less`,
    );
  });

  it("is a usage error together with a rank in --config", async () => {
    const config = join(dir, "rank2.json");
    writeFileSync(config, JSON.stringify({ rank: 2, center: "none" }));
    const run = await tt([
      "decompose",
      iris,
      "-m",
      "svd",
      "-k",
      "3",
      "--config",
      config,
      "-o",
      join(dir, "r"),
    ]);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      `tt: --rank 3 and "rank" in --config ${config} both set the rank; give it in one place`,
      "hint: see 'tt decompose --help'",
    ]);
    const help = await tt(["decompose", "--help"]);
    expect(help.stdout).toContain("not together with a rank in --config");
  });
});

describe("--seed", () => {
  it("is the only place for the seed: a seed in --config is a usage error naming --seed", async () => {
    const config = join(dir, "seeded.json");
    writeFileSync(config, JSON.stringify({ solver: "randomized", seed: 3 }));
    const run = await tt([
      "decompose",
      iris,
      "-m",
      "pca",
      "-k",
      "2",
      "--config",
      config,
      "-o",
      join(dir, "r"),
    ]);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      `tt: "seed" in --config ${config} is not a config key: the seed of a run is given with --seed`,
      "hint: see 'tt decompose --help'",
    ]);
    const randomized = join(dir, "randomized.json");
    writeFileSync(randomized, JSON.stringify({ solver: "randomized" }));
    const out = join(dir, "seeded");
    const fit = ["decompose", iris, "-m", "pca", "-k", "2", "--config", randomized, "-q"];
    expect((await tt([...fit, "--seed", "3", "-o", out])).code).toBe(0);
    const info = await tt(["result-info", out, "--json"]);
    const { attrs, config: stored, diagnostics } = JSON.parse(info.stdout);
    expect([attrs.seed, diagnostics.seed]).toEqual([3, 3]);
    expect(stored).not.toHaveProperty("seed");
  });
});

describe("library errors in the words of the command line", () => {
  it("says --overwrite, not overwrite: true", async () => {
    const out = join(dir, "pca-once");
    expect((await tt(["decompose", iris, "-m", "pca", "-k", "2", "-o", out, "-q"])).code).toBe(0);
    const again = await tt(["decompose", iris, "-m", "pca", "-k", "2", "-o", out]);
    expect(again.code).toBe(1);
    expect(lines(again.stderr)).toEqual([
      `tt: ${out} already holds a result; pass --overwrite to replace it`,
      "hint: to keep it, write somewhere else",
    ]);
  });

  it("says --id and --meta, not axisIndex and axisIndexColumns", async () => {
    const run = await tt([
      "import",
      "--npy",
      join(IRIS, "tensor.npy"),
      "--axes",
      "flower,sample,feature",
      "--meta",
      `flower=${join(IRIS, "axis0_flowers.csv")}`,
      join(dir, "no-ids"),
    ]);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      "tt: axis 'flower' needs unique ids: axis0_flowers.csv has no column 'flower_id' and no --id flower=COLUMN names another; columns that could be the flower id: id, row_index (unique, no nulls); pass --id flower=id",
      "hint: --id AXIS=COLUMN names the id column of an axis's --meta table",
    ]);
    expect(run.stderr).not.toMatch(/axisIndex|idColumns/);
  });

  it("lists the columns that could be the ids when the named one cannot (import)", async () => {
    const npy = join(IRIS, "tensor.npy"); // 150 x 1 x 4
    const rows = (row: (i: number) => string) =>
      Array.from({ length: 150 }, (_, i) => `${row(i + 1)}\n`).join("");
    const csv = join(dir, "trials.csv");
    writeFileSync(
      csv,
      `id,trial_code,group,score,note\n${rows((i) => `${i},t${i},${i % 2 ? "A" : "B"},${i / 10 + 0.05},${i === 7 ? "" : "x"}`)}`,
    );
    const repeated = join(dir, "repeated.csv");
    writeFileSync(
      repeated,
      `id,trial_code,group\n${rows((i) => `${i === 2 ? 1 : i},${i === 3 ? "" : `t${i}`},A`)}`,
    );
    const run = (...extra: string[]) =>
      tt(["import", "--npy", npy, "--axes", "instance,sample,feature", ...extra, join(dir, "t")]);
    const hint = "hint: --id AXIS=COLUMN names the id column of an axis's --meta table";
    const candidates =
      "columns that could be the instance id: id, trial_code (unique, no nulls); pass --id instance=id";
    expect(lines((await run("--meta", `instance=${csv}`)).stderr)).toEqual([
      `tt: axis 'instance' needs unique ids: trials.csv has no column 'instance_id' and no --id instance=COLUMN names another; ${candidates}`,
      hint,
    ]);
    expect(lines((await run("--meta", `instance=${csv}`, "--id", "instance=nope")).stderr)).toEqual(
      [
        `tt: --id instance=nope: trials.csv has no column 'nope'; its columns are id, trial_code, group, score, note; ${candidates}`,
        hint,
      ],
    );
    expect(
      lines((await run("--meta", `instance=${csv}`, "--id", "instance=score")).stderr),
    ).toEqual([
      `tt: --id instance=score: column 'score' of trials.csv is float64; ids are strings or integers; ${candidates}`,
      hint,
    ]);
    const twice = await run("--meta", `instance=${repeated}`, "--id", "instance=id");
    expect(twice.code).toBe(1);
    expect(lines(twice.stderr)).toEqual([
      `tt: --id instance=id: ${repeated} line 3, column 'id': repeats the id "1" of line 2; ids must be unique; no column of repeated.csv can be the instance id (none holds strings or integers that are unique and never null)`,
      hint,
    ]);
    const named = await run("--meta", `instance=${csv}`, "--id", "instance=id", "--quiet");
    expect([named.code, named.stderr]).toEqual([0, ""]);
  });

  it("says --source-ids, not sourceIds", async () => {
    const recording = join(demo, "recordings", "rec01");
    const twice = await tt(["concat", join(dir, "c1"), recording, recording]);
    expect(twice.code).toBe(1);
    expect(lines(twice.stderr)[0]).toBe(
      `tt: input 1 ('rec01' at ${recording}): has source id 'rec01', as input 0 (${recording}) has; source ids must be unique: pass --source-ids to name the inputs`,
    );
    const count = await tt(["concat", join(dir, "c2"), recording, recording, "--source-ids", "a"]);
    expect(count.code).toBe(2);
    expect(lines(count.stderr)).toEqual([
      "tt: --source-ids has 1 ids for 2 inputs; give one per input",
      "hint: see 'tt concat --help'",
    ]);
    const empty = await tt(["concat", join(dir, "c3"), recording, recording, "--source-ids", "a,"]);
    expect(lines(empty.stderr)[0]).toBe("tt: --source-ids: id 2 must be a non-empty string");
  });
});

describe("system errors", () => {
  it("a symbolic link loop, a folder for a file and a file for a folder name the path (exit 1)", async () => {
    const loop = join(dir, "loop.npy");
    symlinkSync("loop.npy", loop);
    const looped = await tt(["import", "--npy", loop, "--axes", "a", join(dir, "x")]);
    expect(looped.code).toBe(1);
    expect(lines(looped.stderr)).toEqual([
      `tt: ${loop}: too many levels of symbolic links (a loop of links?)`,
      "hint: check where the symbolic links on this path point",
    ]);
    const folder = join(dir, "a-folder");
    mkdirSync(folder);
    const isDir = await tt(["import", "--npy", folder, "--axes", "a", join(dir, "x")]);
    expect([isDir.code, lines(isDir.stderr)[0]]).toEqual([
      1,
      `tt: ${folder} is a folder, where a file was expected`,
    ]);
    const notDir = join(IRIS, "tensor.npy", "x.npy");
    const under = await tt(["import", "--npy", notDir, "--axes", "a", join(dir, "x")]);
    expect([under.code, lines(under.stderr)[0]]).toEqual([
      1,
      `tt: ${notDir}: a part of this path is a file, where a folder was expected`,
    ]);
  });

  it("a host that does not resolve and a refused connection name the host (exit 1)", async () => {
    const dns = await tt(["info", "http://tt-no-such-host.invalid/data"]);
    expect(dns.code).toBe(1);
    expect(lines(dns.stderr)[0]).toMatch(
      /^tt: could not reach http:\/\/tt-no-such-host\.invalid\/data\/manifest\.json: could not resolve host tt-no-such-host\.invalid( \(temporary DNS failure\))?$/,
    );
    expect(dns.stderr).not.toContain("unexpected error");
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const port = (closed.address() as { port: number }).port;
    await new Promise((done) => closed.close(done));
    const refused = await tt(["info", `http://127.0.0.1:${port}/data`]);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toEqual([
      `tt: could not reach http://127.0.0.1:${port}/data/manifest.json: connection refused by 127.0.0.1:${port}`,
      "hint: check the URL; is the server running? (tt serve prints its URL)",
    ]);
  });
});

describe("piped output", () => {
  it("tt decompose --json | head -c 10: 10 bytes out, exit 0, no EPIPE", async () => {
    // CP of rank 60 writes a congruence matrix of 3600 numbers: more JSON than a pipe buffers
    // (64 KiB), so the write meets the closed pipe after head exits.
    const config = join(dir, "cp-pipe.json");
    writeFileSync(config, JSON.stringify({ init: "random", n_iter_max: 2 }));
    const args = ["decompose", iris, "-m", "cp", "-k", "60", "--config", config, "--json", "-q"];
    const whole = await tt([...args, "-o", join(dir, "cp-pipe-whole")]);
    expect(whole.stdout.length).toBeGreaterThan(1 << 16);
    const quoted = [process.execPath, BIN, ...args, "-o", join(dir, "cp-pipe")].map(
      (word) => `'${word}'`,
    );
    const piped = spawnSync(
      "bash",
      ["-c", `${quoted.join(" ")} | head -c 10; echo " exit $\{PIPESTATUS[0]}"`],
      { encoding: "utf8" },
    );
    expect(piped.stdout).toBe('{\n  "out": exit 0\n');
    expect(piped.stderr).not.toMatch(/EPIPE|Error|\n {4}at /);
    expect(statSync(join(dir, "cp-pipe", "manifest.json")).isFile()).toBe(true);
  });

  it("ends quietly with exit 0 when the reader goes away (tt query --json | head)", async () => {
    const child = spawn(
      process.execPath,
      [BIN, "query", join(demo, "dataset"), "qc_pass or not qc_pass", "--json"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    let received = 0;
    child.stdout.once("data", (chunk: Buffer) => {
      received = chunk.length;
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((done) => child.once("exit", done));
    expect(received).toBeGreaterThan(0);
    expect([code, stderr]).toEqual([0, ""]);
  });
});

describe("CP degeneracy", () => {
  it("tt decompose -m cp warns on stderr, naming the reason and what to try", async () => {
    const dataset = join(demo, "dataset");
    const run = await tt([
      "decompose",
      dataset,
      "-m",
      "cp",
      "-k",
      "3",
      "--where",
      "qc_pass",
      "-o",
      join(dir, "cp3"),
      "-q",
    ]);
    expect(run.code).toBe(0);
    expect(lines(run.stderr)).toEqual([
      "warning: this cp model looks degenerate; do not read its components as separate findings:",
      expect.stringMatching(
        /^ {2}- core consistency -\d+\.\d is below 0: the components do not act as separate trilinear terms at rank 3$/,
      ),
      '  try a lower rank (--rank 2), or "nonnegative": true in a --config file',
    ]);
    const config = join(dir, "cp-nonnegative.json");
    writeFileSync(config, JSON.stringify({ nonnegative: true }));
    const fine = await tt([
      "decompose",
      dataset,
      "-m",
      "cp",
      "-k",
      "2",
      "--config",
      config,
      "--where",
      "qc_pass",
      "-o",
      join(dir, "cp2"),
      "--json",
    ]);
    expect(fine.stderr).not.toContain("warning");
    const degeneracy = JSON.parse(fine.stdout).diagnostics.degeneracy;
    expect(degeneracy).toMatchObject({ degenerate: false, reasons: [] });
    expect(degeneracy.congruence).toHaveLength(2);
  });
});
