/**
 * Pyramids through the umbrella: `buildPyramid` on the EEG epochs bundle by path and by opened
 * dataset, sorted by reaction time (missing for some epochs), and `openPyramid` from a path and
 * from a dataset; a dataset held in memory has no directory to build into.
 */

import { join } from "node:path";
import { eegTensor, writeEegBundle } from "@tt/test-fixtures";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildPyramid,
  datasetFromTensor,
  isTensorToolsError,
  openDataset,
  openPyramid,
  verifyDataset,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const dir = scratchDirectory("tt-pyramid-");
const path = join(dir, "eeg");

beforeAll(async () => {
  await writeEegBundle(path);
}, 60_000);

describe("buildPyramid and openPyramid", () => {
  it("build by path and by dataset, sorted by rt_ms, and read back from either", async () => {
    await buildPyramid(path, { factor: 4 });
    const dataset = await openDataset(path);
    const manifest = await buildPyramid(dataset, { sortBy: "rt_ms", graceMs: 0 });
    expect(manifest.pyramids!.map((p) => p.sort_by?.column ?? null)).toEqual([null, "rt_ms"]);
    const sorted = await openPyramid(await openDataset(path), { sortBy: "rt_ms" });
    const rt = dataset.meta("epoch").column("rt_ms");
    const order = [...sorted.order!];
    const values = order.map((row) => (rt.valid?.[row] === 0 ? null : (rt.values[row] as number)));
    const present = values.filter((v) => v !== null) as number[];
    expect(present).toEqual([...present].sort((a, b) => a - b));
    expect(values.slice(present.length).every((v) => v === null)).toBe(true);
    const stored = await openPyramid(path);
    expect(stored.factor).toBe(4);
    expect(stored.levels[1]!.shape).toEqual([
      Math.ceil(dataset.shape[0]! / 4),
      Math.ceil(dataset.shape[1]! / 4),
      dataset.shape[2],
    ]);
    expect((await verifyDataset(path)).problems).toEqual([]);
  });

  it("a dataset held in memory is refused, naming why", async () => {
    const memory = datasetFromTensor(await eegTensor());
    const error = await buildPyramid(memory).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(String(error)).toMatch(
      /held in memory; only a dataset in a directory can be given a pyramid/,
    );
    await expect(openPyramid(memory)).rejects.toThrow(/held in memory, which has no pyramid/);
  });
});
