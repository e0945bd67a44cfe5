/**
 * Transformed views as inputs (issue 20, item 4): their delayed operations are applied block by
 * block as they are copied, before alignment, each with its own view's positions; the files table
 * records the operations with the selectors.
 */

import { openBundle, writeBundle } from "@tt/bundle";
import { parquetMetaIO } from "@tt/meta-parquet";
import { createDataset, datasetFromTensor } from "@tt/query";
import { createTensor, gather } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { concatBundles } from "../src/index.js";

/** A recording of `n` trials x 4 samples x `channels`, as int16 (transformed: float64). */
function recording(n: number, channels: string[], base: number) {
  const data = Int16Array.from(
    { length: n * 4 * channels.length },
    (_, i) => base + ((i * 37) % 91),
  );
  return createTensor({
    data,
    shape: [n, 4, channels.length],
    axes: ["trial", "sample", "channel"],
    axisIndex: {
      trial: Array.from({ length: n }, (_, i) => `t${i}`),
      channel: channels,
    },
  });
}

describe("concatenating transformed views", () => {
  it("copies each input's transformed values, aligned by channel", async () => {
    const a = recording(7, ["Cz", "Fz", "Pz"], 0);
    const b = recording(5, ["Pz", "Cz"], 300);
    const storeA = createMemoryStore("memory://a");
    await writeBundle(storeA, a, { chunkShape: [3, 4, 3] });
    const viewA = createDataset(await openBundle(storeA))
      .subtractMean("sample", { start: 0, stop: 2 })
      .subtractElement("channel", "Cz")
      .divide([1, 2, 4, 8], { axis: "sample" });
    const viewB = datasetFromTensor(b).slice("trial", 1, 5).subtractMean("channel").multiply(0.5);
    const out = createMemoryStore("memory://out");
    await concatBundles([viewA, viewB], { out, sourceIds: ["a", "b"] });
    const dataset = await openBundle(out);
    expect(dataset.dtype).toBe("float64");
    expect(dataset.ids("channel")).toEqual(["Cz", "Pz"]);
    const [ta, tb] = await Promise.all([viewA.materialize(), viewB.materialize()]);
    expect([...(await dataset.read([]))]).toEqual([
      ...gather(ta.data, ta.shape, [null, null, [0, 2]]),
      ...gather(tb.data, tb.shape, [null, null, [1, 0]]),
    ]);
    const files = await parquetMetaIO.read(out, dataset.manifest.partitions!.files!);
    const recorded = files.column("selectors").values as string[];
    expect(JSON.parse(recorded[0]!)).toEqual(viewA.toJSON().selectors);
    expect(JSON.parse(recorded[1]!).map((s: { op: string }) => s.op)).toEqual([
      "slice",
      "subtract_mean",
      "multiply",
    ]);
  });
});
