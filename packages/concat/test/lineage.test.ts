/** Lineage, id schemes, groups, inputs without instances, views and masks as inputs, streaming. */

import { openBundle } from "@tt/bundle";
import { parquetMetaIO } from "@tt/meta-parquet";
import { createDataset } from "@tt/query";
import type { KeyValueStore, WritableKeyValueStore } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { type ConcatOptions, concatBundles, LINEAGE_COLUMNS } from "../src/index.js";
import { smallBundle } from "./helpers.js";

async function concat(inputs: Parameters<typeof concatBundles>[0], options: ConcatOptions = {}) {
  const out = createMemoryStore("memory://out");
  const summary = await concatBundles(inputs, { ...options, out });
  return { summary, dataset: await openBundle(out), out };
}

const column = (
  dataset: { meta(axis: string): { column(n: string): { values: unknown } } },
  name: string,
) => Array.from(dataset.meta("instance").column(name).values as ArrayLike<unknown>);

describe("inputs with 0 instances", () => {
  it("are recorded in files.parquet and take no other part: not in alignment, columns or groups", async () => {
    const a = await smallBundle({ location: "memory://a", instances: ["e0", "e1"] });
    const empty = await smallBundle({
      location: "memory://empty",
      instances: [],
      channels: ["C1", "C9"],
      dtype: "float64",
      instanceMeta: { extra: [] },
    });
    const c = await smallBundle({ location: "memory://c", instances: ["e0"] });
    const { summary, dataset, out } = await concat([a, empty, c]);
    expect(dataset.shape).toEqual([3, 2, 3]);
    expect(dataset.dtype).toBe("float32");
    expect(dataset.ids("channel")).toEqual(["C1", "C2", "C3"]);
    expect(dataset.meta("instance").columnNames).toEqual([...LINEAGE_COLUMNS]);
    expect(column(dataset, "instance_id")).toEqual(["a/e0", "a/e1", "c/e0"]);
    const files = await parquetMetaIO.read(out, dataset.manifest.partitions!.files!);
    expect(
      files
        .select(["source_dataset_id", "n_instances", "instance_start", "instance_stop"])
        .toRecords(),
    ).toEqual([
      { source_dataset_id: "a", n_instances: 2, instance_start: 0, instance_stop: 2 },
      { source_dataset_id: "empty", n_instances: 0, instance_start: 2, instance_stop: 2 },
      { source_dataset_id: "c", n_instances: 1, instance_start: 2, instance_stop: 3 },
    ]);
    expect(summary.groups.toRecords().map((g) => g.group_id)).toEqual(["a", "c"]);
  });

  it("when every input is empty, the output is an empty dataset with their aligned axes", async () => {
    const a = await smallBundle({ location: "memory://a", instances: [] });
    const b = await smallBundle({ location: "memory://b", instances: [], channels: ["C2", "C3"] });
    const { dataset, summary } = await concat([a, b]);
    expect(dataset.shape).toEqual([0, 2, 2]);
    expect(dataset.ids("channel")).toEqual(["C2", "C3"]);
    expect(summary.files.numRows).toBe(2);
    expect(summary.groups.numRows).toBe(0);
  });
});

describe("instance ids and groups", () => {
  it("makes ids by a function, or keeps them", async () => {
    const a = await smallBundle({ location: "memory://a", instances: ["x", "y"] });
    const b = await smallBundle({ location: "memory://b", instances: ["z"] });
    const made = await concat([a, b], {
      idScheme: (p) => `${p.sourceDatasetId}-${p.position}-${p.sourceInstanceId}`,
    });
    expect(column(made.dataset, "instance_id")).toEqual(["a-0-x", "a-1-y", "b-0-z"]);
    const kept = await concat([a, b], { idScheme: "keep" });
    expect(column(kept.dataset, "instance_id")).toEqual(["x", "y", "z"]);
    expect(column(kept.dataset, "source_instance_id")).toEqual(["x", "y", "z"]);
  });

  it("groups by an explicit mapping, which must cover every input", async () => {
    const a = await smallBundle({ location: "memory://a" });
    const b = await smallBundle({ location: "memory://b", instances: ["e0"] });
    const c = await smallBundle({ location: "memory://c", instances: ["e0", "e1"] });
    const { summary, dataset } = await concat([a, b, c], {
      groups: { a: "session-1", b: "session-2", c: "session-1" },
    });
    expect(column(dataset, "group_id")).toEqual([
      "session-1",
      "session-1",
      "session-1",
      "session-2",
      "session-1",
      "session-1",
    ]);
    expect(summary.groups.toRecords()).toEqual([
      { group_id: "session-1", n_instances: 5, n_datasets: 2, source_dataset_ids: ["a", "c"] },
      { group_id: "session-2", n_instances: 1, n_datasets: 1, source_dataset_ids: ["b"] },
    ]);
    await expect(concat([a, b], { groups: { a: "s" } })).rejects.toThrow(
      `input 1 ('b' at memory://b): has no group in groups; add groups["b"]`,
    );
    await expect(concat([a], { groupBy: "label" })).rejects.toThrow(
      "input 0 ('a' at memory://a) instance metadata: has no column 'label' to group by",
    );
  });

  it("keeps source_file_id of an input that is itself a concatenation", async () => {
    const a = await smallBundle({ location: "memory://a", instances: ["e0"] });
    const b = await smallBundle({ location: "memory://b", instances: ["e0"] });
    const first = await concat([a, b]);
    const c = await smallBundle({ location: "memory://c", instances: ["e0"] });
    const { dataset } = await concat([first.out, c], { sourceIds: ["ab", "c"] });
    expect(column(dataset, "instance_id")).toEqual(["ab/a/e0", "ab/b/e0", "c/e0"]);
    expect(column(dataset, "source_dataset_id")).toEqual(["ab", "ab", "c"]);
    expect(column(dataset, "source_file_id")).toEqual(["a", "b", "c"]);
    expect(column(dataset, "source_instance_id")).toEqual(["a/e0", "b/e0", "e0"]);
  });
});

describe("views, masks and alignment columns", () => {
  it("takes views as inputs and records their selectors", async () => {
    const store = await smallBundle({
      location: "memory://rec",
      instances: ["e0", "e1", "e2", "e3"],
      instanceMeta: { label: ["t", "s", "t", "s"] },
    });
    const dataset = createDataset(await openBundle(store));
    const targets = dataset.query("instance", "label == 't'");
    const channels = dataset.filter("channel", ["C3", "C1"]).slice("instance", 1, 2);
    const { dataset: out, summary } = await concat([targets, channels], {
      sourceIds: ["targets", "standard"],
    });
    expect(out.ids("channel")).toEqual(["C1", "C3"]);
    expect(column(out, "instance_id")).toEqual(["targets/e0", "targets/e2", "standard/e1"]);
    expect(Array.from((await out.read([])) as Float32Array)).toEqual([
      0, 2, 10, 12, 200, 202, 210, 212, 100, 102, 110, 112,
    ]);
    expect(column(out, "label")).toEqual(["t", "t", "s"]);
    expect(Array.from(summary.files.column("selectors").values as string[])).toEqual([
      JSON.stringify([{ op: "query", axis: "instance", expr: "label == 't'" }]),
      JSON.stringify([
        { op: "filter", axis: "channel", ids: ["C3", "C1"] },
        { op: "slice", axis: "instance", start: 1, stop: 2 },
      ]),
    ]);
  });

  it("carries an input's mask into the output", async () => {
    const mask = new Uint8Array(3 * 2 * 3).fill(1);
    mask[4] = 0;
    const a = await smallBundle({ location: "memory://a", mask });
    const b = await smallBundle({ location: "memory://b", channels: ["C3", "C2", "C1"] });
    const { dataset } = await concat([a, b]);
    expect(dataset.hasMask).toBe(true);
    const got = await dataset.readMask([]);
    expect(Array.from(got.subarray(0, 18))).toEqual(Array.from(mask));
    expect(got.subarray(18).every((v) => v === 1)).toBe(true);
    expect(Array.from((await dataset.read([])) as Float32Array).slice(18, 21)).toEqual([2, 1, 0]);
  });

  it("aligns by a column other than the id, which becomes the output's id column", async () => {
    const a = await smallBundle({
      location: "memory://a",
      channelMeta: { label: ["Fz", "Cz", "Pz"] },
    });
    const b = await smallBundle({
      location: "memory://b",
      channels: ["K1", "K2"],
      channelMeta: { label: ["Pz", "Fz"] },
    });
    const { dataset } = await concat([a, b], { align: { channel: "label" } });
    expect(dataset.axisIndexColumns.channel).toBe("label");
    expect(dataset.ids("channel")).toEqual(["Fz", "Pz"]);
    expect(Array.from((await dataset.read([])) as Float32Array).slice(12, 16)).toEqual([
      1, 0, 11, 10,
    ]);
  });
});

describe("streaming", () => {
  it("writes every output chunk once, reports progress and keeps shared attrs", async () => {
    const inputs = await Promise.all(
      ["a", "b", "c"].map((name) =>
        smallBundle({ location: `memory://${name}`, instances: ["e0", "e1", "e2"] }),
      ),
    );
    const out: WritableKeyValueStore = createMemoryStore("memory://out");
    const sets = new Map<string, number>();
    const counting: WritableKeyValueStore = {
      ...out,
      location: out.location,
      get: (key, options) => out.get(key, options),
      size: (key, options) => out.size(key, options),
      set: (key, value, options) => {
        sets.set(key, (sets.get(key) ?? 0) + 1);
        return out.set(key, value, options);
      },
      delete: (key) => out.delete(key),
      list: (prefix) => out.list(prefix),
    };
    const progress: number[] = [];
    await concatBundles(inputs, {
      out: counting,
      chunkShape: [2, 2, 3],
      onProgress: (p) => progress.push(p.fraction),
      attrs: { study: "demo" },
    });
    const array = (await openBundle(out)).manifest.array_store;
    const chunks = [...sets].filter(([key]) => key.startsWith(`${array}/c/`));
    expect(chunks.map(([, n]) => n)).toEqual([1, 1, 1, 1, 1]);
    expect(progress.at(-1)).toBe(1);
    const dataset = await openBundle(out);
    expect(dataset.attrs).toEqual({ study: "demo" });
  });

  it("stops when the signal aborts", async () => {
    const a: KeyValueStore = await smallBundle({ location: "memory://a" });
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(
      concatBundles([a], { out: createMemoryStore(), signal: controller.signal }),
    ).rejects.toThrow("stop");
  });
});

describe("coordinate arrays of the output", () => {
  it("hold the new instance ids and the aligned channel ids, readable with Zarr alone", async () => {
    const { openBundleArrays } = await import("@tt/store-zarr");
    const a = await smallBundle({ location: "memory://a", instances: ["e0", "e1"] });
    const b = await smallBundle({
      location: "memory://b",
      instances: ["e0"],
      channels: ["C2", "C3"],
    });
    const { dataset, out } = await concat([a, b]);
    const view = await openBundleArrays(out);
    expect(view.ids("instance")).toEqual(["a/e0", "a/e1", "b/e0"]);
    expect(view.ids("instance")).toEqual(dataset.ids("instance"));
    expect(view.ids("channel")).toEqual(dataset.ids("channel"));
  });
});
