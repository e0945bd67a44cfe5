/**
 * The reliability cases of the command line: `--overwrite` replaces only a bundle of the same
 * kind (never `""`, `.`, a folder of other files, or the command's own input), a damaged bundle
 * is an error naming the file in every command that reads it, and `tt verify` / `tt gc` check
 * and clean a bundle.
 */

import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, removeTempDirs, tempDir, tt } from "./helpers.js";

let dir: string;
let dataset: string;
afterAll(removeTempDirs);

const importArgs = (out: string) => [
  "import",
  "--npy",
  join(FIXTURES, "iris/tensor.npy"),
  "--axes",
  "flower,sample,feature",
  "--meta",
  `flower=${join(FIXTURES, "iris/axis0_flowers.csv")}`,
  "--id",
  "flower=id",
  out,
];

beforeAll(async () => {
  dir = tempDir();
  dataset = join(dir, "iris");
  const run = await tt(importArgs(dataset));
  expect(run.code, run.stderr).toBe(0);
}, 60_000);

describe("--overwrite", () => {
  it("refuses an empty path and the current directory, and leaves the files there", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "notes.txt"), "mine");
    for (const target of ["", "."]) {
      const run = await tt([...importArgs(target), "--overwrite"], cwd);
      expect(run.code, target).toBe(2);
      expect(run.stderr).toMatch(
        target === "" ? /is empty: name the directory/ : /is the current directory/,
      );
    }
    expect(readdirSync(cwd)).toEqual(["notes.txt"]);
  });

  it("refuses a folder of other files", async () => {
    const folder = join(tempDir(), "thesis");
    mkdirSync(folder);
    writeFileSync(join(folder, "chapter1.tex"), "years of work");
    const run = await tt([...importArgs(folder), "--overwrite"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${folder} is a folder of other files (chapter1.tex)`);
    expect(readdirSync(folder)).toEqual(["chapter1.tex"]);
  });

  it("refuses to write a result over its own input dataset, or over any dataset", async () => {
    const copy = join(tempDir(), "iris");
    cpSync(dataset, copy, { recursive: true });
    const before = readFileSync(join(copy, "manifest.json"), "utf8");
    const run = await tt(["decompose", copy, "-m", "pca", "-k", "2", "-o", copy, "--overwrite"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /is the dataset this result was computed from|holds a dataset, not a result/,
    );
    expect(readFileSync(join(copy, "manifest.json"), "utf8")).toBe(before);
  });

  it("replaces a dataset by a new version of it", async () => {
    const copy = join(tempDir(), "iris");
    cpSync(dataset, copy, { recursive: true });
    const run = await tt([...importArgs(copy), "--overwrite"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(copy, "manifest.json"), "utf8")).version).toBe(2);
  });
});

describe("a bundle with a deleted chunk", () => {
  it("is an error naming the chunk in info, decompose and concat, and tt verify lists it", async () => {
    const holed = join(tempDir(), "holed");
    cpSync(dataset, holed, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(holed, "manifest.json"), "utf8"));
    const chunk = Object.keys(manifest.inventory).find((key: string) =>
      key.startsWith(`${manifest.array_store}/c/`),
    )!;
    rmSync(join(holed, chunk));
    for (const args of [
      ["decompose", holed, "-m", "pca", "-k", "2", "-o", join(tempDir(), "pca")],
      ["concat", join(tempDir(), "all"), holed],
    ]) {
      const run = await tt(args);
      expect(run.code, args[0]).toBe(1);
      expect(run.stderr, args[0]).toContain(`${chunk}: is missing; the manifest lists it with`);
    }
    const verify = await tt(["verify", holed]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`${chunk} is missing`);
    expect(verify.stdout).toContain("1 damaged file(s)");
    const whole = await tt(["verify", dataset, "--json"]);
    expect(whole.code).toBe(0);
    expect(JSON.parse(whole.stdout)).toMatchObject({ whole: true, checksums: true, problems: [] });
  });
});

describe("tt gc", () => {
  it("removes the replaced version's files with --grace 0, and keeps them within the grace period", async () => {
    const copy = join(tempDir(), "iris");
    cpSync(dataset, copy, { recursive: true });
    const first = JSON.parse(readFileSync(join(copy, "manifest.json"), "utf8"));
    expect((await tt([...importArgs(copy), "--overwrite"])).code).toBe(0);
    const kept = await tt(["gc", copy]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(`kept ${first.array_store}: the grace period`);
    const removed = await tt(["gc", copy, "--grace", "0", "--json"]);
    expect(JSON.parse(removed.stdout).removed).toContain(first.array_store);
    expect((await tt(["gc", copy, "--grace", "soon"])).stderr).toContain(
      "--grace must be a number of minutes",
    );
  });
});

describe("tt import of a CSV with a repeated id", () => {
  it("names the CSV, the line of the repeat and of the first occurrence", async () => {
    const work = tempDir();
    const csv = join(work, "flowers.csv");
    const rows = readFileSync(join(FIXTURES, "iris/axis0_flowers.csv"), "utf8").trim().split("\n");
    rows[5] = rows[5]!.replace(/^f004/, "f002");
    writeFileSync(csv, `${rows.join("\n")}\n`);
    const args = importArgs(join(work, "out")).map((a) =>
      a.endsWith("axis0_flowers.csv") ? `flower=${csv}` : a,
    );
    const run = await tt(args);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${csv} line 6, column 'id': repeats the id "f002" of line 4; ids must be unique`,
    );
  });
});
