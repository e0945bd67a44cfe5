/** Shared test helpers: the EEGLAB epochs fixture as a tensor, and temporary directories. */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { type AxisAnnotatedTensor, createTensor, readCsvFile, readNpyFile } from "../src/index.js";

/** The path of a file in the repository's fixtures folder. */
export const fixture = (path: string) =>
  fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url));

/** A temporary directory removed after the file's tests. */
export function temporaryDirectory(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The EEGLAB epochs (80 epochs x 384 samples x 32 channels) with epoch, time and channel tables. */
export async function eegTensor(): Promise<AxisAnnotatedTensor> {
  const { data, shape } = await readNpyFile(fixture("eeglab_epochs/tensor.npy"));
  const epoch = await readCsvFile(fixture("eeglab_epochs/axis0_epochs.csv"), {
    types: {
      all_event_types: "list<string>",
      all_event_positions: "list<string>",
      all_event_latencies_ms: "list<string>",
    },
  });
  return createTensor({
    data,
    shape,
    axes: ["epoch", "time", "channel"],
    axisMeta: {
      epoch,
      time: await readCsvFile(fixture("eeglab_epochs/axis1_time.csv")),
      channel: await readCsvFile(fixture("eeglab_epochs/axis2_channels.csv")),
    },
  });
}

/** Where the EEG tensor's ids are. */
export const EEG_INDEX_COLUMNS = { epoch: "id", time: "id", channel: "id" } as const;
