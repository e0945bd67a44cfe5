/** Tensors held in memory as inputs (`datasetFromTensor`): no location, named by position. */

import { openBundle } from "@tt/bundle";
import { parquetMetaIO } from "@tt/meta-parquet";
import { datasetFromTensor } from "@tt/query";
import { createTensor, gather, MetaTable } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { concatBundles } from "../src/index.js";

/** A recording of `ids` x 3 samples x `channels`, values 100 * instance + 10 * sample + channel. */
function recording(ids: string[], channels: string[], base: number) {
  const data = new Float32Array(ids.length * 3 * channels.length);
  data.forEach((_, i) => {
    const c = i % channels.length;
    const s = Math.floor(i / channels.length) % 3;
    const n = Math.floor(i / (3 * channels.length));
    data[i] = base + 100 * n + 10 * s + c;
  });
  return createTensor({
    data,
    shape: [ids.length, 3, channels.length],
    axes: ["trial", "sample", "channel"],
    axisIndex: { trial: ids, channel: channels },
    axisMeta: { trial: MetaTable.fromRecords(ids.map((id) => ({ rt: id.length * 100 }))) },
  });
}

describe("concatenating tensors held in memory", () => {
  it("names them input-<position>, records no location, and copies their aligned data", async () => {
    const a = recording(["t1", "t2"], ["Cz", "Fz", "Pz"], 0);
    const b = recording(["t1"], ["Pz", "Cz"], 1000);
    const out = createMemoryStore("memory://out");
    const summary = await concatBundles([datasetFromTensor(a), datasetFromTensor(b)], { out });
    const dataset = await openBundle(out);
    expect(dataset.ids("channel")).toEqual(["Cz", "Pz"]);
    expect(dataset.ids("trial")).toEqual(["input-0/t1", "input-0/t2", "input-1/t1"]);
    const files = await parquetMetaIO.read(out, dataset.manifest.partitions!.files!);
    expect(files.select(["source_dataset_id", "location"]).toRecords()).toEqual([
      { source_dataset_id: "input-0", location: null },
      { source_dataset_id: "input-1", location: null },
    ]);
    expect(summary.files.numRows).toBe(2);
    const data = await dataset.read([]);
    expect([...data]).toEqual([
      ...gather(a.data, a.shape, [null, null, [0, 2]]),
      ...gather(b.data, b.shape, [null, null, [1, 0]]),
    ]);
  });

  it("take source ids when given, and views of them", async () => {
    const a = recording(["t1", "t2", "t3"], ["Cz"], 0);
    const out = createMemoryStore("memory://out");
    await concatBundles([datasetFromTensor(a).slice("trial", 1, 3), datasetFromTensor(a)], {
      out,
      sourceIds: ["late", "all"],
    });
    const dataset = await openBundle(out);
    expect(dataset.ids("trial")).toEqual(["late/t2", "late/t3", "all/t1", "all/t2", "all/t3"]);
  });
});
