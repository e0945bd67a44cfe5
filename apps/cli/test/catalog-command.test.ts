/**
 * `tt catalog <subcommand>` on a catalog of two imported recordings: register, list, versions,
 * runs and run, typed features defined, set and searched, export to Parquet, gc; text and JSON
 * output; and each mistake named: no catalog, an unknown key, a value that does not parse, a bad
 * expression, a wrong subcommand, argument or option.
 */

import { cpSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FeatureDefinition, RunRecord, VersionRecord } from "@tt/catalog";
import { readParquetFile } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectOk, importRecording } from "./catalog-helpers.js";
import { type Run, removeTempDirs, tempDir, tt } from "./helpers.js";

/** A version as `tt catalog ... --json` prints it: with its feature values. */
type Listed = VersionRecord & { features: Record<string, unknown> };

let dir: string;
let catalog: string;

/** `tt catalog ...args --catalog <the catalog>` in `dir`. */
const cat = (...args: string[]) => tt(["catalog", ...args, "--catalog", catalog], dir);

/** The parsed JSON output of `tt catalog ...args --json`, which must succeed. */
async function json<T>(...args: string[]): Promise<T> {
  return JSON.parse(expectOk(await cat(...args, "--json")).stdout) as T;
}

/** The versions as `key@version`. */
const keys = (records: readonly VersionRecord[]) => records.map((r) => `${r.key}@${r.version}`);

/** Expects `run` to have failed with `code` and a message containing `message`. */
function expectFailure(run: Run, code: number, message: string): void {
  expect(run.stderr).toContain(message);
  expect(run.code).toBe(code);
}

beforeAll(async () => {
  dir = realpathSync(tempDir());
  catalog = join(dir, "catalog.db");
  expectOk(await importRecording(dir, "a", ["--catalog", catalog]));
  expectOk(await importRecording(dir, "b", ["--catalog", catalog]));
  const rows = Array.from({ length: 12 }, (_, i) => `b${i},${i % 3}`);
  writeFileSync(join(dir, "groups.csv"), `instance_id,group\n${rows.join("\n")}\n`);
  const annotate = ["annotate", "rec-b", "--axis", "instance", "--from", "groups.csv"];
  expectOk(await tt([...annotate, "--catalog", catalog], dir));
}, 60_000);

afterAll(removeTempDirs);

describe("bundles", () => {
  it("register: under a key with a description, or by its path relative to the catalog", async () => {
    cpSync(join(dir, "rec-a"), join(dir, "copy"), { recursive: true });
    const text = expectOk(await cat("register", "copy", "--key", "eeg/copy", "--description", "d"));
    expect(text.stdout).toMatch(
      new RegExp(
        `^registered ${join(dir, "copy")} as dataset eeg/copy v1 \\(12 x 8 x 3, [\\d.]+ kB\\)\\n$`,
      ),
    );
    const again = await json<Listed>("register", "copy");
    expect(again).toMatchObject({ key: "eeg/copy", version: 1, description: "d", features: {} });
    const fresh = join(dir, "fresh.db");
    expectOk(await tt(["catalog", "register", "rec-a", "--catalog", fresh], dir));
    const listed = JSON.parse(
      expectOk(await tt(["catalog", "list", "--json", "--catalog", fresh], dir)).stdout,
    );
    expect(keys(listed)).toEqual(["rec-a@1"]);
  });

  it("list: the newest version of every key, as a table or JSON", async () => {
    const records = await json<Listed[]>("list");
    expect(keys(records)).toEqual(["eeg/copy@1", "rec-a@1", "rec-b@2"]);
    expect(records[1]).toMatchObject({
      kind: "dataset",
      shape: [12, 8, 3],
      nInstances: 12,
      location: join(dir, "rec-a"),
    });
    const lines = expectOk(await cat("list"))
      .stdout.trimEnd()
      .split("\n");
    expect(lines[0]).toMatch(/^key\s+kind\s+version\s+shape\s+size\s+registered \(UTC\)$/);
    expect(lines[2]).toMatch(
      /^rec-a\s+dataset\s+1\s+12 x 8 x 3\s+[\d.]+ kB\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    );
  });

  it("versions: every version of a key, oldest first, with the run that wrote it", async () => {
    const records = await json<Listed[]>("versions", "rec-b");
    expect(records.map((r) => [r.version, r.runId, r.latest])).toEqual([
      [1, 2, false],
      [2, 3, true],
    ]);
    const text = expectOk(await cat("versions", join(dir, "rec-b"))).stdout.split("\n");
    expect(text[0]).toBe(`dataset rec-b (${join(dir, "rec-b")})`);
    expect(text[2]).toMatch(/^ {2}1 +[0-9a-f]{12} +12 x 8 x 3 +[\d.]+ kB +2 /);
    expect(text[3]).toMatch(/^ {2}2 \(newest\) +[0-9a-f]{12} +12 x 8 x 3 +[\d.]+ kB +3 /);
  });

  it("export: the catalog as Parquet tables", async () => {
    const out = await json<{ files: string[] }>("export", "exported");
    expect(out.files.map((f) => f.slice(join(dir, "exported").length + 1))).toEqual([
      "versions.parquet",
      "runs.parquet",
      "run_inputs.parquet",
      "run_outputs.parquet",
      "features.parquet",
    ]);
    const versions = await readParquetFile(out.files[0]!);
    expect(versions.numRows).toBe(4);
    expect((await readParquetFile(out.files[1]!)).numRows).toBe(3);
  });
});

describe("runs", () => {
  it("runs: newest first, at most --limit", async () => {
    const runs = await json<RunRecord[]>("runs");
    expect(runs.map((r) => [r.id, r.transform, r.status])).toEqual([
      [3, "tt annotate", "done"],
      [2, "tt import", "done"],
      [1, "tt import", "done"],
    ]);
    expect((await json<RunRecord[]>("runs", "--limit", "1")).map((r) => r.id)).toEqual([3]);
    const lines = expectOk(await cat("runs")).stdout.split("\n");
    expect(lines[0]).toMatch(
      /^run\s+transform\s+status\s+started \(UTC\)\s+took\s+inputs\s+outputs$/,
    );
    expect(lines[1]).toMatch(
      /^3 +tt annotate +done +\S+ \S+ +[\d.]+ s +rec-b v1, groups\.csv +rec-b v2$/,
    );
  });

  it("run: one run with its inputs, outputs, parameters and times", async () => {
    const run = await json<RunRecord>("run", "3");
    expect(run).toMatchObject({ id: 3, transform: "tt annotate", status: "done", error: null });
    const text = expectOk(await cat("run", "3")).stdout;
    expect(text).toMatch(
      /^run 3: tt annotate \(tensortools-cli \d+\.\d+\.\d+\)\nstatus {3}done\nstarted {2}/,
    );
    expect(text).toContain(
      `inputs\n  rec-b v1 (${join(dir, "rec-b")})\n  file ${join(dir, "groups.csv")} (sha256:`,
    );
    expect(text).toContain(
      'outputs\n  rec-b v2\nparams\n  {\n    "positionals": [\n      "rec-b"\n    ],',
    );
    expectFailure(await cat("run", "99"), 1, "has no run 99");
    expectFailure(await cat("run", "x"), 2, "a run's id is a positive integer, got 'x'");
    expectFailure(await cat("runs", "--limit", "0"), 2, "--limit must be a positive integer");
  });
});

describe("features", () => {
  it("feature define: a name, a dtype, a unit, categories", async () => {
    const modality = ["modality", "--dtype", "string", "--categories", "eeg,ecg"];
    expect(expectOk(await cat("feature", "define", ...modality)).stdout).toBe(
      "defined feature 'modality' (string; one of eeg, ecg)\n",
    );
    expectOk(await cat("feature", "define", "rate", "--dtype", "float64", "--unit", "Hz"));
    for (const [name, dtype] of [
      ["n_channels", "int32"],
      ["good", "boolean"],
      ["big", "int64"],
      ["when", "timestamp"],
    ])
      expectOk(await cat("feature", "define", name!, "--dtype", dtype!));
    const features = await json<FeatureDefinition[]>("features");
    expect(features.map((f) => [f.name, f.dtype, f.unit, f.categories])).toEqual([
      ["big", "int64", null, null],
      ["good", "boolean", null, null],
      ["modality", "string", null, ["eeg", "ecg"]],
      ["n_channels", "int32", null, null],
      ["rate", "float64", "Hz", null],
      ["when", "timestamp", null, null],
    ]);
    expect(expectOk(await cat("features")).stdout).toMatch(/\nrate +float64 +Hz\n/);
    expectFailure(await cat("feature", "define", "x"), 2, "feature define needs --dtype");
    expectFailure(
      await cat("feature", "define", "x", "--dtype", "complex"),
      2,
      'dtype "complex" is not one of',
    );
    expectFailure(
      await cat("feature", "define", "n_instances", "--dtype", "int32"),
      2,
      "'n_instances' is a column of the catalog itself",
    );
  });

  it("feature set: values parsed by the feature's dtype", async () => {
    const values = [
      "modality=eeg",
      "n_channels=3",
      "rate=250.5",
      "good=true",
      "big=9007199254740993",
      "when=2024-03-01T00:00:00Z",
    ];
    expect(expectOk(await cat("feature", "set", "rec-a", ...values)).stdout).toBe(
      `set ${values.join(", ")} on dataset rec-a v1\n`,
    );
    const set = await json<Listed>(
      "feature",
      "set",
      "rec-b",
      "modality=ecg",
      "n_channels=2",
      "good=false",
    );
    expect(set).toMatchObject({ key: "rec-b", version: 2 });
    expect(set.features).toEqual({ good: false, modality: "ecg", n_channels: 2 });
    expectOk(await cat("feature", "set", "rec-b", "modality=ecg", "--version", "1"));
    const [, a] = await json<Listed[]>("list");
    expect(a!.features).toEqual({
      big: "9007199254740993",
      good: true,
      modality: "eeg",
      n_channels: 3,
      rate: 250.5,
      when: "2024-03-01T00:00:00.000Z",
    });
  });

  it("feature set: a value that does not parse or fit is named, and nothing is set", async () => {
    expectFailure(
      await cat("feature", "set", "rec-a", "n_channels=x"),
      2,
      "n_channels=x: 'x' is not a number (feature 'n_channels' is int32)",
    );
    expectFailure(
      await cat("feature", "set", "rec-a", "good=yes"),
      2,
      "good=yes: 'yes' is not true or false (feature 'good' is boolean)",
    );
    expectFailure(
      await cat("feature", "set", "rec-a", "big=1.5"),
      2,
      "big=1.5: '1.5' is not an integer (feature 'big' is int64)",
    );
    const int = await cat("feature", "set", "rec-a", "n_channels=5", "rate=2.5e1", "modality=emg");
    expect(int.stderr).toBe(
      `tt: "emg" is not one of the categories of 'modality': eeg, ecg\nhint: see 'tt catalog --help'\n`,
    );
    expect(int.code).toBe(2);
    expectFailure(
      await cat("feature", "set", "rec-a", "n_channels=2.5"),
      2,
      "2.5 is not an integer in int32's range (feature 'n_channels' is int32)",
    );
    expectFailure(
      await cat("feature", "set", "rec-a", "color=red"),
      2,
      "no feature 'color' is registered (there are big, good, modality, n_channels, rate, when)",
    );
    expectFailure(
      await cat("feature", "set", "rec-a", "modality"),
      2,
      "feature set takes name=value, got 'modality'",
    );
    expectFailure(
      await cat("feature", "set", "nope", "good=true"),
      1,
      "'nope' is neither a key nor a bundle of the catalog",
    );
    expectFailure(
      await cat("feature", "set", "rec-a"),
      2,
      "tt catalog feature set needs <name=value...>",
    );
    const [, a] = await json<Listed[]>("list");
    expect(a!.features).toMatchObject({ n_channels: 3, rate: 250.5, modality: "eeg" });
  });

  it("find: versions by a query over features and the catalog's columns", async () => {
    expect(keys(await json<Listed[]>("find", "modality == 'eeg'"))).toEqual(["rec-a@1"]);
    expect(keys(await json<Listed[]>("find", "n_instances == 12 and not good"))).toEqual([
      "rec-b@2",
    ]);
    expect(keys(await json<Listed[]>("find", "n_instances > 11"))).toEqual([
      "eeg/copy@1",
      "rec-a@1",
      "rec-b@2",
    ]);
    expect(keys(await json<Listed[]>("find", "modality == 'ecg'", "--all-versions"))).toEqual([
      "rec-b@1",
      "rec-b@2",
    ]);
    expect(expectOk(await cat("find", "rate > 100")).stdout).toMatch(
      /^key .*\nrec-a +dataset +1 +12 x 8 x 3 /,
    );
    expect(expectOk(await cat("find", "rate > 1000")).stdout).toBe(
      "no version matches rate > 1000\n",
    );
  });

  it("find: a bad expression says where", async () => {
    const syntax = await cat("find", "n_instances >");
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toContain(
      "the expression ends where a value was expected at position 13\n  n_instances >\n",
    );
    expect(syntax.stderr).toContain("hint: queries look like");
    expectFailure(await cat("find", "colour == 'red'"), 2, "unknown column 'colour'");
  });
});

describe("gc", () => {
  it("keeps versions that others were made from unless --force; --dry-run drops nothing", async () => {
    const kept = await json<{ removed: string[]; kept: unknown[] }>("gc");
    expect(kept).toEqual({
      removed: [],
      kept: [{ version: "rec-b@1", reason: "rec-b@2 was made from it" }],
      dry_run: false,
    });
    expect((await json<{ removed: string[] }>("gc", "--force", "--dry-run")).removed).toEqual([
      "rec-b@1",
    ]);
    expect(keys(await json<Listed[]>("versions", "rec-b"))).toEqual(["rec-b@1", "rec-b@2"]);
    expect(expectOk(await cat("gc", "--force")).stdout).toMatch(
      /^dropped 1 version\(s\) from the catalog\n {2}rec-b@1\n/,
    );
    expect(keys(await json<Listed[]>("versions", "rec-b"))).toEqual(["rec-b@2"]);
  });
});

describe("mistakes", () => {
  it("no catalog: neither --catalog nor TT_CATALOG, or a file that does not exist", async () => {
    expectFailure(
      await tt(["catalog", "list"], dir),
      2,
      "tt catalog needs a catalog: pass --catalog FILE or set TT_CATALOG=FILE",
    );
    expectFailure(
      await tt(["catalog", "list"], dir, { TT_CATALOG: "" }),
      2,
      "tt catalog needs a catalog",
    );
    expectFailure(
      await tt(["catalog", "list", "--catalog", "none.db"], dir),
      1,
      `no catalog at ${join(dir, "none.db")}`,
    );
    expectFailure(
      await tt(["catalog", "list"], dir, { TT_CATALOG: "none.db" }),
      1,
      "no catalog at",
    );
    expectFailure(
      await tt(["catalog", "list", "--catalog="], dir),
      2,
      "--catalog needs the path of a catalog file",
    );
    expectOk(await tt(["catalog", "list"], dir, { TT_CATALOG: catalog }));
  });

  it("a wrong subcommand, argument or option", async () => {
    expectFailure(
      await cat("frob"),
      2,
      "unknown subcommand 'frob'; subcommands: register, list, versions, export, gc, runs, run, feature, features, find",
    );
    expectFailure(await cat("feature"), 2, "tt catalog feature takes define or set");
    expectFailure(await cat("feature", "drop"), 2, "unknown subcommand 'feature drop'");
    expectFailure(await cat("list", "extra"), 2, "unexpected argument 'extra': tt catalog list");
    expectFailure(await cat("versions"), 2, "tt catalog versions needs <key>");
    expectFailure(
      await cat("list", "--dtype", "int32"),
      2,
      "--dtype does not go with tt catalog list",
    );
    expectFailure(
      await cat("versions", "nope"),
      1,
      "'nope' is neither a key nor a bundle of the catalog",
    );
    const help = expectOk(await tt(["catalog", "--help"])).stdout;
    for (const line of [
      "tt catalog register <bundle>",
      "tt catalog feature set <key-or-path> name=value",
      'tt catalog find "<expression>"',
    ])
      expect(help).toContain(line);
  });
});
