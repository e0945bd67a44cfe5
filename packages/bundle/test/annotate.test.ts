/** Annotating a bundle: columns added or replaced by id, as a new version that writes one table. */

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { columnFromCells, MetaTable } from "@tt/schema";
import { afterEach, describe, expect, it } from "vitest";
import { annotateDataset, openStoredDataset, writeDataset } from "../src/fs.js";
import { sampleTensor, temporaryDirectory } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
async function written() {
  const dir = temporaryDirectory();
  cleanups.push(dir.cleanup);
  const path = join(dir.path, "dataset");
  await writeDataset(path, sampleTensor(6));
  return path;
}
const review = (ids: string[], values: (boolean | null)[]) =>
  MetaTable.fromColumns({
    instance_id: columnFromCells("string", ids),
    reviewed: columnFromCells("boolean", values),
  });

describe("annotating a bundle", () => {
  it("adds columns by id, nulls elsewhere, as a new version that keeps every other file", async () => {
    const path = await written();
    const before = await openStoredDataset(path);
    const manifest = await annotateDataset(
      path,
      "instance",
      review(["rec01-e004", "rec01-e001"], [true, false]),
    );
    expect(manifest.version).toBe(2);
    expect(manifest.change).toEqual({
      kind: "annotate",
      axis: "instance",
      columns: ["reviewed"],
      mode: "add",
    });
    expect(manifest.history).toEqual([
      { version: 1, manifest_hash: manifest.previous, change: { kind: "write" } },
    ]);
    expect(manifest.array_store).toBe(before.manifest.array_store);
    expect(manifest.coord_stores).toEqual(before.manifest.coord_stores);
    expect(manifest.meta_files.sample).toBe(before.manifest.meta_files.sample);
    expect(manifest.meta_files.instance).not.toBe(before.manifest.meta_files.instance);
    const after = await openStoredDataset(path);
    expect(after.meta("instance").column("reviewed").values.length).toBe(6);
    expect(
      after
        .meta("instance")
        .toRecords()
        .map((r) => r.reviewed),
    ).toEqual([null, false, null, null, true, null]);
    expect(after.meta("instance").column("label").values).toEqual(
      before.meta("instance").column("label").values,
    );
    expect([...(await after.read([]))]).toEqual([...(await before.read([]))]);
    // The reader that opened the first version still reads it.
    expect(before.meta("instance").has("reviewed")).toBe(false);
    expect((await before.read([[0]])).length).toBe(21);
  });

  it("replaces a column for the ids given, keeps the others' values, and refuses what does not fit", async () => {
    const path = await written();
    await annotateDataset(path, "instance", review(["rec01-e000", "rec01-e001"], [true, true]));
    await annotateDataset(path, "instance", review(["rec01-e001"], [false]), { mode: "replace" });
    const after = await openStoredDataset(path);
    expect(
      after
        .meta("instance")
        .toRecords()
        .map((r) => r.reviewed)
        .slice(0, 3),
    ).toEqual([true, false, null]);
    await expect(annotateDataset(path, "instance", review(["rec01-e002"], [true]))).rejects.toThrow(
      "column 'reviewed': exists already; choose another name (or a prefix), or replace it (mode \"replace\")",
    );
    const typed = MetaTable.fromColumns({
      instance_id: columnFromCells("string", ["rec01-e002"]),
      reviewed: columnFromCells("int32", [1]),
    });
    await expect(annotateDataset(path, "instance", typed, { mode: "replace" })).rejects.toThrow(
      "is boolean in the dataset and int32 in the table; a replacement keeps the type",
    );
    await expect(
      annotateDataset(
        path,
        "instance",
        review(["nope", "rec01-e000", "gone"], [true, true, true]),
        { prefix: "x_" },
      ),
    ).rejects.toThrow(
      'the annotation column \'instance_id\': 2 ids are not in the dataset: "nope", "gone"',
    );
    await expect(
      annotateDataset(path, "instance", review(["rec01-e000", "rec01-e000"], [true, false]), {
        prefix: "x_",
      }),
    ).rejects.toThrow(/row 1: repeats id "rec01-e000" of row 0; ids must be unique/);
    await expect(
      annotateDataset(path, "instance", review(["rec01-e000"], [true]), { on: "id" }),
    ).rejects.toThrow("the table has no id column 'id'; its columns are instance_id, reviewed");
    expect((await openStoredDataset(path)).manifest.version).toBe(3);
  });

  it("annotates other axes by their ids, with a prefix, and keeps only the new files after cleanup", async () => {
    const path = await written();
    const channels = MetaTable.fromColumns({
      channel_id: columnFromCells("string", ["Cz", "Fz"]),
      impedance_kohm: columnFromCells("float64", [4.5, 3.25]),
    });
    const manifest = await annotateDataset(path, "channel", channels, {
      prefix: "qc_",
      graceMs: 0,
    });
    const after = await openStoredDataset(path);
    expect(after.meta("channel").toRecords()).toEqual([
      { channel_id: "Fz", qc_impedance_kohm: 3.25 },
      { channel_id: "Cz", qc_impedance_kohm: 4.5 },
      { channel_id: "Pz", qc_impedance_kohm: null },
    ]);
    const channelFiles = readdirSync(join(path, "meta")).filter((f) => f.startsWith("channel"));
    expect(channelFiles).toEqual([manifest.meta_files.channel!.slice("meta/".length)]);
  });
});
