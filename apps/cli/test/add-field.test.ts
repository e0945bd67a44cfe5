/**
 * `tt add-field`: a field from a .npy file (read block by block) with its own axis metadata, and
 * from another bundle matched by id; bad input in the command's words; and `kill -9` at points
 * spread over a run, after which the bundle is the old version or the new one, whole.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDataset } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  after,
  copyDemo,
  killAndVerify,
  removeTempDirs,
  tempDir,
  tt,
  versionOf,
  writeNpyFile,
  writeSmallDemo,
} from "./helpers.js";

let dir: string;
let copies = 0;

/** A fresh copy of the demo in `dir`: the path of its dataset. */
function demoCopy(from = join(dir, "demo")): string {
  return copyDemo(from, join(dir, `copy-${++copies}`)).dataset;
}

/** Writes a float32 .npy file of `shape` whose element k is `k / 4`. */
function writeNpy(path: string, shape: number[]): Float32Array {
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => k / 4);
  writeNpyFile(path, data, shape);
  return data;
}

beforeAll(async () => {
  dir = tempDir();
  await writeSmallDemo(join(dir, "demo"));
}, 120_000);

afterAll(removeTempDirs);

describe("tt add-field", () => {
  it("adds a field from a .npy file with metadata of its own axes", async () => {
    const dataset = demoCopy();
    const n = (await openDataset(dataset)).shape[0]!;
    const npy = join(dir, "spec.npy");
    const values = writeNpy(npy, [n, 3, 2]);
    writeFileSync(join(dir, "freqs.csv"), "freq_id,hz\nlow,4\nmid,8\nhigh,16\n");
    const run = await tt([
      "add-field",
      dataset,
      "spec",
      "--npy",
      npy,
      "--axes",
      "instance,freq,time",
      "--meta",
      `freq=${join(dir, "freqs.csv")}`,
      "--id",
      "freq=freq_id",
    ]);
    expect(run.stderr).toMatch(
      /added field 'spec' to .*: instance 40 x freq 3 x time 2, float32; version 2/,
    );
    expect(run.code).toBe(0);
    const opened = await openDataset(dataset);
    const field = opened.field("spec");
    expect(Array.from((await field.materialize()).data as Float32Array)).toEqual(
      Array.from(values),
    );
    expect(field.ids("freq")).toEqual(["low", "mid", "high"]);
    expect(Array.from(field.meta("freq").column("hz").values as ArrayLike<number>)).toEqual([
      4, 8, 16,
    ]);
    expect((await tt(["verify", dataset])).code).toBe(0);
    const info = await tt(["info", dataset]);
    expect(info.stdout).toContain("fields: spec (instance 40 x freq 3 x time 2, float32)");
  });

  it("adds another bundle's data as a field, matched by id", async () => {
    const dataset = demoCopy();
    const other = demoCopy();
    const run = await tt(["add-field", dataset, "copy", "--from", other, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ field: "copy", version: 2 });
    const opened = await openDataset(dataset);
    expect(
      await opened
        .field("copy")
        .materialize()
        .then((t) => Array.from(t.data as Float32Array)),
    ).toEqual(Array.from((await opened.materialize()).data as Float32Array));
  });

  it("refuses a wrong first dimension, an existing or unsafe name, and bad options", async () => {
    const dataset = demoCopy();
    const short = join(dir, "short.npy");
    writeNpy(short, [39, 2]);
    const wrong = await tt(["add-field", dataset, "f", "--npy", short]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/field 'f'.*39 elements on its first axis.*40 instances/);
    const fine = join(dir, "fine.npy");
    writeNpy(fine, [40, 2]);
    expect((await tt(["add-field", dataset, "f", "--npy", fine])).code).toBe(0);
    const again = await tt(["add-field", dataset, "f", "--npy", fine]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already has a field 'f'/);
    const unsafe = await tt(["add-field", dataset, "../f", "--npy", fine]);
    expect(unsafe.stderr).toMatch(/not a safe field name/);
    const both = await tt(["add-field", dataset, "g", "--npy", fine, "--from", dataset]);
    expect(both.stderr).toMatch(/exactly one of --npy FILE and --from BUNDLE/);
    const axes = await tt(["add-field", dataset, "g", "--npy", fine, "--axes", "instance,a,b"]);
    expect(axes.stderr).toMatch(/--axes names 3 axes \(instance,a,b\), the source has 2/);
    expect(versionOf(dataset)).toBe(2);
  });
});

describe("tt add-field killed with SIGKILL", () => {
  it("leaves the old version or the new one, whole, at every point", async () => {
    const big = join(dir, "big");
    expect((await tt(["demo", big, "--recordings", "4", "--events", "1500", "-q"])).code).toBe(0);
    const npy = join(dir, "big.npy");
    writeNpy(npy, [6000, 64, 16]);
    const args = (dataset: string) => ["add-field", dataset, "spec", "--npy", npy, "-q"];
    const timed = demoCopy(big);
    const started = performance.now();
    expect((await tt(args(timed))).code).toBe(0);
    const duration = performance.now() - started;
    const delays = [0.4, 0.6, 0.8, 0.9, 1, 1.2].map((f) => Math.round(f * duration));
    const seen: number[] = [];
    for (const delay of delays) {
      const dataset = demoCopy(big);
      const version = await killAndVerify(args(dataset), dataset, () => after(delay));
      expect([1, 2]).toContain(version);
      const opened = await openDataset(dataset);
      expect(opened.fields).toEqual(version === 2 ? ["data", "spec"] : ["data"]);
      if (version === 2) {
        const rows = await opened.field("spec").slice("instance", 5990, 6000).materialize();
        expect(rows.data[0]).toBe((5990 * 64 * 16) / 4);
      }
      seen.push(version);
    }
    console.log(
      `add-field kills at ${delays.join(", ")} ms of a ${Math.round(duration)} ms run: versions seen ${seen.join(", ")}; 0 torn`,
    );
  }, 180_000);
});
