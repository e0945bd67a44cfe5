/**
 * Reads by id through the umbrella: `openInstances` from a path, from an opened dataset and from
 * a store give the rows `openDataset` reads for the same ids; a dataset held in memory is refused.
 */

import { join } from "node:path";
import { eegTensor, writeEegBundle } from "@tt/test-fixtures";
import { beforeAll, describe, expect, it } from "vitest";
import {
  concatDatasets,
  createDirectoryStore,
  datasetFromTensor,
  isTensorToolsError,
  openDataset,
  openInstances,
  writeDataset,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const dir = scratchDirectory("tt-instances-");
const path = join(dir, "eeg");

beforeAll(async () => {
  await writeEegBundle(path);
}, 60_000);

describe("openInstances", () => {
  it("reads the rows of ids from a path, a dataset and a store, as the dataset reads them", async () => {
    const dataset = await openDataset(path);
    const ids = (dataset.ids("epoch") as (string | number)[]).slice(0, 40).reverse();
    const rows = ids.map((id) => dataset.indexOf("epoch", id)!);
    const expected = Array.from((await dataset.read([rows])) as Float32Array);
    for (const source of [path, dataset, createDirectoryStore(path)]) {
      const reader = await openInstances(source);
      const many = await reader.getMany([...ids]);
      expect(many.rows).toEqual(rows);
      expect(Array.from(many.fields.data!.data as Float32Array)).toEqual(expected);
      await reader.close();
    }
  });

  it("finds every id of a concatenation, through the index its write made", async () => {
    const halves = ["first", "second"].map((name) => join(dir, name));
    const dataset = await openDataset(path);
    const n = dataset.shape[0]!;
    await writeDataset(halves[0]!, dataset.slice("epoch", 0, 10));
    await writeDataset(halves[1]!, dataset.slice("epoch", 10, n));
    const out = join(dir, "both");
    const { manifest } = await concatDatasets(halves, { out });
    expect(Object.keys(manifest.id_index as object)).toEqual(["epoch"]);
    const both = await openDataset(out);
    const ids = (both.ids("epoch") as (string | number)[]).filter((_, i) => i % 7 === 3);
    const rows = ids.map((id) => both.indexOf("epoch", id)!);
    const reader = await openInstances(out);
    const many = await reader.getMany(ids);
    expect(reader.indexed).toBe(true);
    expect(many.rows).toEqual(rows);
    expect(Array.from(many.fields.data!.data as Float32Array)).toEqual(
      Array.from((await both.read([rows])) as Float32Array),
    );
    await reader.close();
  });

  it("refuses a dataset held in memory, naming why", async () => {
    const error = await openInstances(datasetFromTensor(await eegTensor())).catch((e) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(String(error)).toMatch(/held in memory, which has no id index/);
  });
});
