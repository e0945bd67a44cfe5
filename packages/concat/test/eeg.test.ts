/**
 * Concatenation over real data: the EEGLAB epochs (80 x 384 x 32) split into four bundles with
 * partly different channels (two dropped in one part, three in another, the order reversed in a
 * third), concatenated with inner and outer joins and compared value by value with the original;
 * lineage columns and partition tables checked exactly; PCA with `missing: "drop"` on the outer
 * result honours the mask.
 */

import { join } from "node:path";
import { openStoredDataset, writeDataset } from "@tt/bundle/fs";
import { pca } from "@tt/decompose-svd";
import { parquetMetaIO } from "@tt/meta-parquet";
import { createDataset } from "@tt/query";
import {
  type AnyColumn,
  hashManifest,
  isNullAt,
  type MetaTable,
  type TensorDataset,
} from "@tt/schema";
import { createDirectoryStore } from "@tt/storage/fs";
import { EEG_INDEX_COLUMNS, eegTensor, temporaryDirectory } from "@tt/test-fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { concatDatasets } from "../src/fs.js";
import { type Part, writeParts } from "./helpers.js";

const CHANNELS = (await eegTensor()).axisMeta.channel!.column("id").values as string[];
const without = (drop: string[]) => CHANNELS.filter((c) => !drop.includes(c));
const PARTS: Part[] = [
  { name: "part-a", start: 0, stop: 20, channels: CHANNELS },
  { name: "part-b", start: 20, stop: 40, channels: without(["EOG1", "EOG2"]) },
  { name: "part-c", start: 40, stop: 60, channels: [...CHANNELS].reverse() },
  { name: "part-d", start: 60, stop: 80, channels: without(["FPz", "F3", "Fz"]) },
];
const COMMON = without(["EOG1", "EOG2", "FPz", "F3", "Fz"]);
const partOf = (epoch: number) => PARTS[Math.floor(epoch / 20)]!;

function values(column: AnyColumn): unknown[] {
  return Array.from(column.values as ArrayLike<unknown>, (v, i) =>
    isNullAt(column, i) ? null : v,
  );
}

function expectSameColumns(actual: MetaTable, expected: MetaTable, names: string[]): void {
  for (const name of names) {
    expect(actual.column(name).type, name).toBe(expected.column(name).type);
    expect(values(actual.column(name)), name).toEqual(values(expected.column(name)));
  }
}

describe("concatenating the EEGLAB epochs split into four parts", async () => {
  const dir = temporaryDirectory("tt-concat-");
  afterAll(() => dir.cleanup());
  const tensor = await eegTensor();
  await writeDataset(join(dir.path, "original"), tensor, { axisIndexColumns: EEG_INDEX_COLUMNS });
  const original = createDataset(await openStoredDataset(join(dir.path, "original")));
  const paths = await writeParts(original, dir.path, PARTS);
  const data = tensor.data as Float32Array;
  const at = (e: number, t: number, c: number) => data[(e * 384 + t) * 32 + c]!;

  const inner = await concatDatasets(paths, { out: join(dir.path, "inner") });
  const outer = await concatDatasets(paths, { out: join(dir.path, "outer"), join: "outer" });
  const innerSet: TensorDataset = createDataset(await openStoredDataset(join(dir.path, "inner")));
  const outerSet: TensorDataset = createDataset(await openStoredDataset(join(dir.path, "outer")));

  it("inner: keeps exactly the common channels, in the first part's order, with the original values", async () => {
    expect(innerSet.shape).toEqual([80, 384, COMMON.length]);
    expect(innerSet.ids("channel")).toEqual(COMMON);
    expect(innerSet.hasMask).toBe(false);
    const got = (await innerSet.materialize()).data as Float32Array;
    const columns = COMMON.map((c) => CHANNELS.indexOf(c));
    let mismatches = 0;
    for (let e = 0; e < 80; e++)
      for (let t = 0; t < 384; t++)
        columns.forEach((c, j) => {
          if (!Object.is(got[(e * 384 + t) * COMMON.length + j], at(e, t, c))) mismatches++;
        });
    expect(mismatches).toBe(0);
    expectSameColumns(
      innerSet.meta("channel"),
      original.meta("channel").take(columns),
      original.meta("channel").columnNames,
    );
    expectSameColumns(innerSet.meta("time"), original.meta("time"), [
      "id",
      "sample_index",
      "time_ms",
    ]);
  });

  it("outer: keeps every channel, NaN and mask 0 where a part lacks one, the original values elsewhere", async () => {
    expect(outerSet.shape).toEqual([80, 384, 32]);
    expect(outerSet.ids("channel")).toEqual(CHANNELS);
    expect(outerSet.manifest.mask_store).toMatch(/^arrays\/masks\.v1-[0-9a-f]{6}\.zarr$/);
    const got = await outerSet.materialize();
    const values = got.data as Float32Array;
    let gaps = 0;
    let mismatches = 0;
    for (let e = 0; e < 80; e++)
      for (let t = 0; t < 384; t++)
        for (let c = 0; c < 32; c++) {
          const k = (e * 384 + t) * 32 + c;
          const present = partOf(e).channels.includes(CHANNELS[c]!);
          if (!present) {
            gaps++;
            if (!Number.isNaN(values[k]) || got.mask![k] !== 0) mismatches++;
          } else if (!Object.is(values[k], at(e, t, c)) || got.mask![k] !== 1) mismatches++;
        }
    expect(gaps).toBe(20 * 384 * 2 + 20 * 384 * 3);
    expect(mismatches).toBe(0);
    expectSameColumns(
      outerSet.meta("channel"),
      original.meta("channel"),
      original.meta("channel").columnNames,
    );
  });

  it("gives every instance its lineage, then the original metadata columns", () => {
    for (const set of [innerSet, outerSet]) {
      const meta = set.meta("epoch");
      const ids = original.ids("epoch") as string[];
      const source = ids.map((_, e) => partOf(e).name);
      expect(set.axisIndexColumns.epoch).toBe("instance_id");
      expect(meta.columnNames.slice(0, 5)).toEqual([
        "instance_id",
        "source_dataset_id",
        "source_file_id",
        "group_id",
        "source_instance_id",
      ]);
      expect(values(meta.column("instance_id"))).toEqual(ids.map((id, e) => `${source[e]}/${id}`));
      expect(values(meta.column("source_dataset_id"))).toEqual(source);
      expect(values(meta.column("source_file_id"))).toEqual(source);
      expect(values(meta.column("group_id"))).toEqual(source);
      expect(values(meta.column("source_instance_id"))).toEqual(ids);
      const own = original.meta("epoch").columnNames.filter((name) => name !== "id");
      expect(meta.columnNames.slice(5)).toEqual(own);
      expectSameColumns(meta, original.meta("epoch"), own);
    }
  });

  it("writes files.parquet and groups.parquet, declared in the manifest", async () => {
    expect(outer.manifest.partitions).toEqual({
      files: expect.stringMatching(/^partitions\/files\.v1-[0-9a-f]{6}\.parquet$/),
      groups: expect.stringMatching(/^partitions\/groups\.v1-[0-9a-f]{6}\.parquet$/),
    });
    const store = createDirectoryStore(join(dir.path, "outer"));
    const files = await parquetMetaIO.read(store, outer.manifest.partitions!.files!);
    const hashes = await Promise.all(
      paths.map(async (path) => hashManifest((await openStoredDataset(path)).manifest)),
    );
    expect(files.toRecords()).toEqual(
      PARTS.map((part, i) => ({
        source_dataset_id: part.name,
        location: paths[i],
        manifest_hash: hashes[i],
        selectors: "[]",
        dtype: "float32",
        n_instances: 20,
        instance_start: part.start,
        instance_stop: part.stop,
      })),
    );
    expect(files.toRecords()).toEqual(outer.files.toRecords());
    const groups = await parquetMetaIO.read(store, outer.manifest.partitions!.groups!);
    expect(groups.toRecords()).toEqual(
      PARTS.map((part) => ({
        group_id: part.name,
        n_instances: 20,
        n_datasets: 1,
        source_dataset_ids: [part.name],
      })),
    );
    expect(inner.groups.toRecords()).toEqual(groups.toRecords());
  });

  it("groups by a metadata column", async () => {
    const grouped = await concatDatasets(paths, {
      out: join(dir.path, "grouped"),
      groupBy: "lock_position",
    });
    const positions = values(original.meta("epoch").column("lock_position")).map(String);
    const set = createDataset(await openStoredDataset(join(dir.path, "grouped")));
    expect(values(set.meta("epoch").column("group_id"))).toEqual(positions);
    const expected = [...new Set(positions)].map((group) => {
      const epochs = positions.flatMap((p, e) => (p === group ? [e] : []));
      const datasets = [...new Set(epochs.map((e) => partOf(e).name))];
      return {
        group_id: group,
        n_instances: epochs.length,
        n_datasets: datasets.length,
        source_dataset_ids: datasets,
      };
    });
    expect(grouped.groups.toRecords()).toEqual(expected);
  });

  it("PCA with missing 'drop' on the outer result drops exactly the instances with gaps", async () => {
    // Filled with 0 instead of NaN, so only the mask tells the gaps apart.
    await concatDatasets(paths, { out: join(dir.path, "zeros"), join: "outer", fillValue: 0 });
    const zeros = createDataset(await openStoredDataset(join(dir.path, "zeros")));
    const config = pca.validate({ rank: 3, solver: "exact", missing: "drop" });
    const context = { seed: 0, signal: undefined, onProgress() {} };
    const output = await pca.fit(zeros, config, context);
    const scores = output.factorTables.instance!.column("score_1");
    const dropped = Array.from({ length: 80 }, (_, e) => isNullAt(scores, e));
    expect(dropped).toEqual(Array.from({ length: 80 }, (_, e) => partOf(e).channels.length < 32));
    // The kept instances are parts a and c, with every channel in the original order.
    const complete = original.take("epoch", [
      ...Array.from({ length: 20 }, (_, i) => i),
      ...Array.from({ length: 20 }, (_, i) => 40 + i),
    ]);
    const reference = await pca.fit(complete, pca.validate({ rank: 3, solver: "exact" }), context);
    const s = output.diagnostics.singular_values as number[];
    const r = reference.diagnostics.singular_values as number[];
    expect(s.length).toBe(3);
    for (const [i, value] of s.entries())
      expect(Math.abs(value - r[i]!) / r[i]!).toBeLessThan(1e-6);
  });
});
