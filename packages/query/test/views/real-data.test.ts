import { resolve } from "node:path";
import { openBundle, writeBundle } from "@tt/bundle";
import { readCsvFile, readNpyFile } from "@tt/bundle/fs";
import { createTensor, gather } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { createDataset } from "../../src/index.js";

// BasicMotions (UEA archive, via sktime): 80 instances x 100 samples x 6 channels; see fixtures/basicmotions_uea.
const folder = resolve(import.meta.dirname, "../../../../fixtures/basicmotions_uea");

async function basicMotions() {
  const { data, shape } = await readNpyFile(`${folder}/tensor.npy`);
  const instance = await readCsvFile(`${folder}/axis0_instances.csv`);
  const channel = await readCsvFile(`${folder}/axis2_channels.csv`);
  const tensor = createTensor({
    data,
    shape,
    axes: ["instance", "sample", "channel"],
    axisMeta: { instance, channel },
  });
  const store = createMemoryStore();
  await writeBundle(store, tensor, { axisIndexColumns: { instance: "id", channel: "id" } });
  return { tensor, instance, dataset: createDataset(await openBundle(store)) };
}

describe("a real dataset through a bundle and views", () => {
  it("selects by metadata and materializes the same values as indexing the .npy by hand", async () => {
    const { tensor, instance, dataset } = await basicMotions();
    expect(dataset.shape).toEqual([80, 100, 6]);
    const labels = instance.column("label").values as string[];
    const splits = instance.column("split").values as string[];
    const wanted = labels.flatMap((label, i) =>
      label === "Walking" && splits[i] === "test" ? [i] : [],
    );
    expect(wanted).toHaveLength(10);

    const channelIds = dataset.ids("channel") as string[];
    const view = dataset
      .query("instance", "label == 'Walking' and split == 'test'")
      .take("channel", [4, 0])
      .slice("sample", 10, 60);
    const got = await view.materialize();
    expect(got.shape).toEqual([10, 50, 2]);
    expect(got.axisIndex.instance).toEqual(
      wanted.map((i) => (instance.column("id").values as string[])[i]),
    );
    expect(got.axisIndex.channel).toEqual([channelIds[4], channelIds[0]]);
    expect([...got.data]).toEqual([
      ...gather(tensor.data, tensor.shape, [wanted, { start: 10, stop: 60 }, [4, 0]]),
    ]);
  });

  it("chains queries on two axes like two boolean masks", async () => {
    const { instance, dataset } = await basicMotions();
    const view = dataset.query(
      "instance",
      "label in ['Running', 'Badminton'] and index_within_split < 25",
    );
    const labels = instance.column("label").values as string[];
    const within = instance.column("index_within_split").values as ArrayLike<number>;
    const byHand = labels.flatMap((label, i) =>
      (label === "Running" || label === "Badminton") && within[i]! < 25 ? [i] : [],
    );
    expect(view.ids("instance")).toEqual(
      byHand.map((i) => (instance.column("id").values as string[])[i]),
    );
  });
});
