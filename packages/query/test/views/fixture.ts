import { openBundle, writeBundle } from "@tt/bundle";
import {
  type AxisAnnotatedTensor,
  columnFromCells,
  createTensor,
  type GetOptions,
  MetaTable,
} from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { createDataset } from "../../src/index.js";

/** A tensor whose every element encodes its position: 10000*i + 100*j + k. */
export function positionalTensor(instances = 23, samples = 11, channels = 4): AxisAnnotatedTensor {
  const data = new Float64Array(instances * samples * channels);
  for (let i = 0; i < instances; i++)
    for (let j = 0; j < samples; j++)
      for (let k = 0; k < channels; k++)
        data[(i * samples + j) * channels + k] = 10000 * i + 100 * j + k;
  const groups = ["A", "B", "C"];
  return createTensor({
    data,
    shape: [instances, samples, channels],
    axes: ["instance", "sample", "channel"],
    axisIndex: {
      instance: Array.from({ length: instances }, (_, i) => `e${i}`),
      sample: Int32Array.from({ length: samples }, (_, j) => j * 4),
      channel: ["Fz", "Cz", "Pz", "Oz", "T7", "T8"].slice(0, channels),
    },
    axisMeta: {
      instance: MetaTable.fromColumns({
        group: columnFromCells(
          "string",
          Array.from({ length: instances }, (_, i) => groups[i % 3]!),
        ),
        k: columnFromCells(
          "int32",
          Array.from({ length: instances }, (_, i) => (i * 7) % 10),
        ),
        qc_pass: columnFromCells(
          "boolean",
          Array.from({ length: instances }, (_, i) => (i % 5 === 0 ? null : i % 2 === 0)),
        ),
      }),
      sample: MetaTable.fromColumns({
        t: columnFromCells(
          "float64",
          Array.from({ length: samples }, (_, j) => j / 10),
        ),
      }),
      channel: MetaTable.fromColumns({
        region: columnFromCells(
          "string",
          ["front", "center", "back", "back", "side", "side"].slice(0, channels),
        ),
      }),
    },
  });
}

/** The tensor written as a bundle in memory (chunks of 5 instances), opened as a dataset; counts chunk reads. */
export async function datasetOf(tensor: AxisAnnotatedTensor) {
  const store = createMemoryStore();
  await writeBundle(store, tensor, {
    chunkShape: [5, ...tensor.shape.slice(1)],
    axisIndexColumns: { sample: "sample_index" },
  });
  const chunkReads: string[] = [];
  const counting = {
    ...store,
    async get(key: string, options?: GetOptions) {
      if (key.includes("/c/")) chunkReads.push(key);
      return store.get(key, options);
    },
  };
  const dataset = createDataset(await openBundle(counting));
  return { dataset, chunkReads };
}
