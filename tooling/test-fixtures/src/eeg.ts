/**
 * The EEGLAB epochs of `fixtures/eeglab_epochs` (80 epochs x 384 samples x 32 channels, with a
 * table per axis) as a tensor and as a bundle on disk: the real dataset most tests run on.
 */

import { readCsvFile, readNpyFile, writeDataset } from "@tt/bundle/fs";
import { type AxisAnnotatedTensor, createTensor } from "@tt/schema";
import { fixture } from "./fixtures-folder.js";

/** The id column of every axis of the EEG epochs: `id` in each axis table. */
export const EEG_INDEX_COLUMNS = { epoch: "id", time: "id", channel: "id" } as const;

/**
 * The EEGLAB epochs as a tensor with axes `epoch`, `time`, `channel` and their three tables (the
 * event lists of the epochs typed `list<string>`); the ids stay in the tables' `id` columns.
 */
export async function eegTensor(): Promise<AxisAnnotatedTensor> {
  const { data, shape } = await readNpyFile(fixture("eeglab_epochs/tensor.npy"));
  const epoch = await readCsvFile(fixture("eeglab_epochs/axis0_epochs.csv"), {
    types: {
      all_event_types: "list<string>",
      all_event_positions: "list<string>",
      all_event_latencies_ms: "list<string>",
    },
  });
  const time = await readCsvFile(fixture("eeglab_epochs/axis1_time.csv"));
  const channel = await readCsvFile(fixture("eeglab_epochs/axis2_channels.csv"));
  return createTensor({
    data,
    shape,
    axes: ["epoch", "time", "channel"],
    axisMeta: { epoch, time, channel },
  });
}

/**
 * Writes the EEG epochs (or `tensor`, on the same axes) as a dataset bundle at directory `path`,
 * with `id` as every axis's id column; `overwrite` replaces a dataset already there.
 */
export async function writeEegBundle(
  path: string,
  tensor?: AxisAnnotatedTensor,
  overwrite = false,
): Promise<void> {
  await writeDataset(path, tensor ?? (await eegTensor()), {
    axisIndexColumns: EEG_INDEX_COLUMNS,
    overwrite,
  });
}
