/**
 * Bundles of schema 0.1.0 (fixtures/bundles-0.1.0, written by the last writer of that schema)
 * open forever, and the next write to one turns it into schema 0.2.0 without losing anything.
 */

import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashManifest } from "@tt/schema";
import { fixture } from "@tt/test-fixtures";
import { afterAll, describe, expect, it } from "vitest";
import {
  appendDataset,
  cleanupDataset,
  openDataset,
  openResult,
  reopenInput,
  verifyDataset,
} from "../src/index.js";

const dataset = fixture("bundles-0.1.0/dataset-0.1.0");
const result = fixture("bundles-0.1.0/result-0.1.0");
const scratch = mkdtempSync(join(tmpdir(), "tt-old-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The values the generator wrote for recording `name` (README of the fixture). */
function recording(name: string, n: number, channels: string[]): number[][][] {
  const value = (i: number) => Math.fround(Math.sin(i + name.length) * 10 + i * 0.25);
  return Array.from({ length: n }, (_, e) =>
    Array.from({ length: 4 }, (_, s) =>
      channels.map((_, c) => value((e * 4 + s) * channels.length + c)),
    ),
  );
}

/** The dataset as the generator built it: a and b aligned on C1..C3 (NaN where absent), then x. */
function expectedValues(): number[] {
  const all = ["C1", "C2", "C3"];
  const place = (rows: number[][][], channels: string[]) =>
    rows.flatMap((samples) =>
      samples.flatMap((values) =>
        all.map((c) => (channels.includes(c) ? values[channels.indexOf(c)]! : Number.NaN)),
      ),
    );
  return [
    ...place(recording("a", 3, ["C1", "C2"]), ["C1", "C2"]),
    ...place(recording("b", 2, ["C2", "C3"]), ["C2", "C3"]),
    ...place(recording("x", 1, all), all),
  ];
}

describe("a dataset of schema 0.1.0", () => {
  it("opens with its values, mask, ids, metadata and partition tables", async () => {
    const opened = await openDataset(dataset);
    expect(opened.manifest.schema_version).toBe("0.1.0");
    expect(opened.shape).toEqual([6, 4, 3]);
    expect(opened.ids("instance")).toEqual([
      "a/a-e0",
      "a/a-e1",
      "a/a-e2",
      "b/b-e0",
      "b/b-e1",
      "x/x-e0",
    ]);
    expect(opened.ids("channel")).toEqual(["C1", "C2", "C3"]);
    expect(Array.from((await opened.read([])) as Float32Array)).toEqual(expectedValues());
    const mask = Array.from(await opened.readMask([]));
    expect(mask).toEqual(expectedValues().map((v) => (Number.isNaN(v) ? 0 : 1)));
    expect(opened.meta("instance").column("label").values.slice(0, 3)).toEqual([
      "standard",
      "target",
      "standard",
    ]);
    expect(Object.keys(opened.manifest.partitions!)).toEqual(["files", "groups"]);
  });

  it("turns into schema 0.2.0 at its next write, keeping everything, and cleanup leaves only the new files", async () => {
    const copy = join(scratch, "appended");
    cpSync(dataset, copy, { recursive: true });
    const before = await openDataset(copy);
    const grown = await appendDataset(copy, [
      { data: new Float32Array(12).fill(7), ids: ["y/y-e0"], mask: new Uint8Array(12).fill(1) },
    ]);
    expect(grown).toMatchObject({
      schema_version: "0.2.0",
      kind: "tensortools.dataset",
      version: 1,
    });
    expect(grown.previous).toBe(await hashManifest(before.manifest));
    const after = await openDataset(copy);
    expect(Array.from((await after.read([{ start: 0, stop: 6 }])) as Float32Array)).toEqual(
      expectedValues(),
    );
    expect(Array.from(await after.readMask([{ start: 0, stop: 6 }]))).toEqual(
      Array.from(await before.readMask([])),
    );
    expect(after.ids("instance")!.at(-1)).toBe("y/y-e0");
    expect(after.meta("channel").toRecords()).toEqual(before.meta("channel").toRecords());
    // The old version's files are the bundle's own: cleanup removes them once nobody needs them.
    const { removed } = await cleanupDataset(copy, { graceMs: 0 });
    expect(removed).toEqual(
      expect.arrayContaining([
        "arrays/data.zarr",
        "arrays/masks.zarr",
        "meta/instance.mx8lmb0z.parquet",
      ]),
    );
    const left = (readdirSync(copy, { recursive: true }) as string[]).filter(
      (f) => f.endsWith(".parquet") || f.endsWith("zarr.json"),
    );
    expect(left.sort()).toEqual(
      Object.keys(grown.inventory!)
        .filter((f) => f.endsWith(".parquet") || f.endsWith("zarr.json"))
        .sort(),
    );
    const { problems, files } = await verifyDataset(copy);
    expect(problems).toEqual([]);
    expect(files).toBe(Object.keys(grown.inventory!).length);
  });

  it("says that it has no inventory to verify against", async () => {
    await expect(verifyDataset(dataset)).rejects.toThrow(
      /schema 0.1.0, written before inventories/,
    );
  });
});

describe("a result of schema 0.1.0", () => {
  it("opens with the numbers it was written with, and reopens its input", async () => {
    const opened = await openResult(result);
    expect(opened.instance).toEqual({ axis: "instance", idColumn: "instance_id" });
    expect(opened.factorTables.instance!.columnNames[0]).toBe("instance_id");
    expect(opened.diagnostics.singular_values).toEqual([28.923578946573397, 17.286879969678026]);
    expect(
      Array.from(opened.factorTables.instance!.column("score_1").values as Float64Array),
    ).toEqual([-20.28733313861657, -0.32556425795973076, 20.612897445904903]);
    const view = await reopenInput(opened, {
      open: (location) => openDataset(fixture(`bundles-0.1.0/${location}`)),
    });
    expect(view.ids("instance")).toEqual(["a/a-e0", "a/a-e1", "a/a-e2"]);
  });
});
