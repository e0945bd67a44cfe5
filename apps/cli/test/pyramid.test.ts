/**
 * `tt pyramid`: levels of a demo bundle, stored and sorted (by a metadata column and by a
 * result's score joined by id), readable by `openPyramid`; bad options in the command's words;
 * an append drops the pyramid.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openPyramid } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyDemo, removeTempDirs, tempDir, tt, writeSmallDemo } from "./helpers.js";

let dir: string;
let demo: string;
const manifestOf = (dataset: string) =>
  JSON.parse(readFileSync(join(dataset, "manifest.json"), "utf8"));

beforeAll(async () => {
  dir = tempDir();
  demo = join(dir, "demo");
  await writeSmallDemo(demo);
}, 120_000);
afterAll(removeTempDirs);

describe("tt pyramid", () => {
  it("builds a pyramid as a new version, readable by openPyramid, and verify passes", async () => {
    const { dataset } = copyDemo(demo, join(dir, "stored"));
    const run = await tt(["pyramid", dataset, "--factor", "4"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^pyramid of .*: \d+ levels \(factor 4\) in arrays\/data\.pyramid\.v2-.*\.zarr; version 2 \(.* s\)\n$/,
    );
    const pyramid = await openPyramid(dataset);
    expect(pyramid.factor).toBe(4);
    const level = pyramid.levels[1]!;
    expect(level.shape[0]).toBe(Math.ceil(40 / 4));
    const tile = await pyramid.readTile(1, "max", { start: 0, stop: 2 }, { start: 0, stop: 3 }, 0);
    expect(tile).toHaveLength(6);
    expect((await tt(["verify", dataset])).code).toBe(0);
    const info = await tt(["info", dataset]);
    expect(info.stdout).toMatch(/\npyramids: data \(factor 4, \d+ levels\)\n$/);
  });

  it("sorts by a metadata column, and by a result's column with --from, as JSON", async () => {
    const { dataset, result } = copyDemo(demo, join(dir, "sorted"));
    const sorted = await tt(["pyramid", dataset, "--sort-by", "score", "--json"]);
    expect(sorted.code).toBe(0);
    expect(JSON.parse(sorted.stdout)).toMatchObject({ sort_by: "score", factor: 2, version: 2 });
    const scored = await tt([
      "pyramid",
      dataset,
      "--sort-by",
      "score_1",
      "--from",
      result,
      "--descending",
      "--json",
    ]);
    expect(scored.stderr).toBe("");
    expect(JSON.parse(scored.stdout)).toMatchObject({ sort_by: "score_1", version: 3 });
    const names = manifestOf(dataset).pyramids.map(
      (p: { sort_by: { column: string } }) => p.sort_by.column,
    );
    expect(names).toEqual(["score", "score_1"]);
    const info = JSON.parse((await tt(["info", dataset, "--json"])).stdout);
    expect(info.pyramids.map((p: { sort_by: unknown }) => p.sort_by)).toEqual([
      { axis: "instance", column: "score", descending: false },
      { axis: "instance", column: "score_1", descending: true },
    ]);
    const pyramid = await openPyramid(dataset, { sortBy: "score" });
    const scores = manifestOf(dataset);
    expect(scores.pyramids[0].sort_by).toEqual({
      axis: "instance",
      column: "score",
      descending: false,
    });
    expect(pyramid.order).toHaveLength(40);
  });

  it("says what is wrong in the command's words, and writes nothing", async () => {
    const { dataset } = copyDemo(demo, join(dir, "bad"));
    const factor = await tt(["pyramid", dataset, "--factor", "3"]);
    expect(factor.code).toBe(2);
    expect(factor.stderr).toMatch(/--factor must be 2 or 4, got '3'/);
    const column = await tt(["pyramid", dataset, "--sort-by", "nope"]);
    expect(column.code).toBe(2);
    expect(column.stderr).toMatch(
      /--sort-by: the metadata of axis 'instance' .* has no column 'nope'; its columns are instance_id, /,
    );
    const from = await tt(["pyramid", dataset, "--from", dataset]);
    expect(from.code).toBe(2);
    expect(from.stderr).toMatch(/--from needs --sort-by/);
    expect(manifestOf(dataset).version).toBe(1);
  });
});
