/**
 * `tt annotate`: metadata columns saved back onto a demo bundle from a result, a CSV and a
 * Parquet file; errors in the command's words; and `kill -9` at points spread over a run, after
 * which the bundle is the old version or the new one, whole.
 */

import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  after,
  copyDemo,
  killAndVerify,
  removeTempDirs,
  tempDir,
  tt,
  versionOf,
  writeSmallDemo,
} from "./helpers.js";

let dir: string;
let copies = 0;

/** A fresh copy of the demo in `dir` (its dataset and PCA result). */
function demoCopy(from = join(dir, "demo")): { dataset: string; result: string } {
  return copyDemo(from, join(dir, `copy-${++copies}`));
}

/** The ids of the instances `tt query` finds for `expr`. */
async function instanceIds(dataset: string, expr: string): Promise<string[]> {
  const run = await tt(["query", dataset, expr, "--json"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout).rows.map((row: { instance_id: string }) => row.instance_id);
}

beforeAll(async () => {
  dir = tempDir();
  await writeSmallDemo(join(dir, "demo"));
}, 120_000);

afterAll(removeTempDirs);

describe("tt annotate", () => {
  it("adds a result's instance columns, matched by instance_id, and they can be queried", async () => {
    const { dataset, result } = demoCopy();
    const run = await tt(["annotate", dataset, "--axis", "instance", "--from", result]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^annotated .* axis 'instance': added score_1, score_2, .*, outlier_score \(\d+ of 40 rows matched\); version 2\n$/,
    );
    const scored = await instanceIds(dataset, "score_1.notnull()");
    const positive = await instanceIds(dataset, "score_1 > 0");
    expect(positive.length).toBeGreaterThan(0);
    expect(positive.length).toBeLessThan(scored.length);
    expect((await tt(["verify", dataset])).code).toBe(0);
  });

  it("adds columns of a CSV by the axis's id column, only those asked for, with a prefix", async () => {
    const { dataset } = demoCopy();
    const ids = await instanceIds(dataset, "qc_pass or not qc_pass");
    const rows = ids.map((id, i) => `${id},${i % 3 === 0 ? "x" : "y"},${i}`);
    const csv = join(dir, "labels.csv");
    writeFileSync(csv, ["instance_id,cluster,rank", ...rows].join("\n"));
    const run = await tt([
      "annotate",
      dataset,
      "--axis",
      "instance",
      "--from",
      csv,
      "--columns",
      "cluster",
      "--prefix",
      "k_",
    ]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/: added k_cluster \(40 of 40 rows matched\); version 2\n$/);
    expect(await instanceIds(dataset, "k_cluster == 'x'")).toEqual(
      ids.filter((_, i) => i % 3 === 0),
    );
    const noRank = await tt(["query", dataset, "k_rank > 1"]);
    expect(noRank.code).toBe(2);
  });

  it("reads a Parquet file (a result's factor_tables/instance.parquet) and --replace replaces", async () => {
    const { dataset, result } = demoCopy();
    const parquet = join(result, "factor_tables", "instance.parquet");
    const args = ["annotate", dataset, "--axis", "instance", "--from", parquet, "--columns", "t2"];
    const first = await tt(args);
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/: added t2 \(\d+ of 40 rows matched\); version 2\n$/);

    const again = await tt(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^tt: .* column 't2': exists already; choose another name \(or --prefix\), or pass --replace to replace it\n/,
    );
    expect(versionOf(dataset)).toBe(2);

    const replaced = await tt([...args, "--replace"]);
    expect(replaced.stderr).toBe("");
    expect(replaced.stdout).toMatch(/: replaced t2 \(\d+ of 40 rows matched\); version 3\n$/);
    expect((await tt(["verify", dataset])).code).toBe(0);
  });

  it("refuses ids the dataset does not have, naming them, and writes nothing", async () => {
    const { dataset } = demoCopy();
    const csv = join(dir, "bad.csv");
    writeFileSync(csv, "instance_id,label\nrec01/e0001,a\nnope,b\n");
    const run = await tt(["annotate", dataset, "--axis", "instance", "--from", csv]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^tt: the --from table's column 'instance_id': 1 id is not in the dataset: "nope"\n/,
    );
    expect(versionOf(dataset)).toBe(1);
  });

  it("says what --from can be, and which axes there are, in its own words", async () => {
    const { dataset } = demoCopy();
    const folder = await tt(["annotate", dataset, "--axis", "instance", "--from", dataset]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain("is a folder but not a result bundle");
    expect(folder.stderr).toContain(
      "hint: --from takes a result bundle folder, a .csv file or a .parquet file",
    );
    const text = join(dir, "labels.txt");
    writeFileSync(text, "x");
    const format = await tt(["annotate", dataset, "--axis", "instance", "--from", text]);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain("cannot tell its format from the extension '.txt'");
    const axis = await tt(["annotate", dataset, "--axis", "epoch", "--from", text]);
    expect(axis.code).toBe(2);
    expect(axis.stderr).toContain("--axis epoch: ");
    expect(axis.stderr).toContain("has axes instance, sample, channel");
    const missing = await tt(["annotate", dataset, "--from", text]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--axis is required");
  });
});

describe("tt annotate killed with SIGKILL", () => {
  it("leaves the old version or the new one, whole, at every point", async () => {
    const big = join(dir, "big");
    const demo = await tt(["demo", big, "--recordings", "4", "--events", "1500", "-q"]);
    expect(demo.code).toBe(0);
    const args = (dataset: string, result: string) => [
      "annotate",
      dataset,
      "--axis",
      "instance",
      "--from",
      result,
      "--prefix",
      "pca_",
    ];
    const timed = demoCopy(big);
    const started = performance.now();
    expect((await tt(args(timed.dataset, timed.result))).code).toBe(0);
    const duration = performance.now() - started;

    // Kills spread over the run and past its end, and one the moment the writer's first file shows.
    const delays = [0.5, 0.7, 0.85, 1, 1.15].map((f) => Math.round(f * duration));
    const seen: number[] = [];
    for (const delay of [...delays, "first file" as const]) {
      const { dataset, result } = demoCopy(big);
      const before = readdirSync(dataset, { recursive: true }).length;
      const version = await killAndVerify(args(dataset, result), dataset, async (child) => {
        if (delay !== "first file") return after(delay);
        while (
          readdirSync(dataset, { recursive: true }).length === before &&
          child.exitCode === null
        )
          await new Promise((done) => setImmediate(done));
      });
      expect([1, 2]).toContain(version);
      const annotated = await tt(["query", dataset, "pca_score_1.notnull()", "--json"]);
      expect(annotated.code, annotated.stderr).toBe(version === 2 ? 0 : 2);
      seen.push(version);
    }
    console.log(
      `kills at ${delays.join(", ")} ms of a ${Math.round(duration)} ms run and at the writer's first file: versions seen ${seen.join(", ")}; 0 torn`,
    );
  }, 180_000);
});
