/** Shared test helpers: the EEGLAB epochs split into parts as bundles, and small synthetic bundles. */

import { join } from "node:path";
import { writeBundle } from "@tt/bundle";
import { writeDataset } from "@tt/bundle/fs";
import {
  allocate,
  columnFromCells,
  createTensor,
  type DType,
  isBigIntDType,
  MetaTable,
  type TensorView,
  type WritableKeyValueStore,
} from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { EEG_INDEX_COLUMNS } from "@tt/test-fixtures";

/** Writes the selection `view` as its own bundle at `path` (ids stay in the `id` columns). */
export async function writeViewAsBundle(view: TensorView, path: string): Promise<void> {
  const tensor = await view.materialize();
  await writeDataset(path, createTensor({ ...tensor, axisIndex: {} }), {
    axisIndexColumns: EEG_INDEX_COLUMNS,
  });
}

/** A part of the EEG epochs: its epochs and its channels (in its order). */
export interface Part {
  name: string;
  start: number;
  stop: number;
  channels: string[];
}

/** Writes each part of `original` as a bundle in `dir`; returns their paths. */
export async function writeParts(
  original: TensorView,
  dir: string,
  parts: readonly Part[],
): Promise<string[]> {
  const paths: string[] = [];
  for (const part of parts) {
    const path = join(dir, part.name);
    await writeViewAsBundle(
      original.slice("epoch", part.start, part.stop).filter("channel", part.channels),
      path,
    );
    paths.push(path);
  }
  return paths;
}

/** What a small synthetic bundle is made of. */
export interface SmallBundle {
  location?: string;
  instances?: string[];
  channels?: string[];
  samples?: number;
  dtype?: DType;
  axes?: [string, string, string];
  instanceMeta?: Record<string, unknown[]>;
  channelMeta?: Record<string, unknown[]>;
  mask?: Uint8Array;
  /** Value of element (instance, sample, channel); `100 * i + 10 * s + c` by default. */
  value?: (i: number, s: number, c: number) => number;
}

/** A small instance x sample x channel bundle in a memory store. */
export async function smallBundle(spec: SmallBundle = {}): Promise<WritableKeyValueStore> {
  const instances = spec.instances ?? ["e0", "e1", "e2"];
  const channels = spec.channels ?? ["C1", "C2", "C3"];
  const samples = spec.samples ?? 2;
  const dtype = spec.dtype ?? "float32";
  const value = spec.value ?? ((i, s, c) => 100 * i + 10 * s + c);
  const data = allocate(dtype, instances.length * samples * channels.length) as unknown as {
    [i: number]: number | bigint;
  };
  let k = 0;
  for (let i = 0; i < instances.length; i++)
    for (let s = 0; s < samples; s++)
      for (let c = 0; c < channels.length; c++) {
        const v = value(i, s, c);
        data[k++] = isBigIntDType(dtype) ? BigInt(v) : v;
      }
  const axes = spec.axes ?? ["instance", "sample", "channel"];
  const store = createMemoryStore(spec.location ?? "memory://small");
  const channelAxis = axes.indexOf("channel");
  const shape = axes.map((axis) =>
    axis === "channel" ? channels.length : axis === "sample" ? samples : instances.length,
  );
  await writeBundle(
    store,
    createTensor({
      data: data as unknown as Float32Array,
      dtype,
      shape,
      axes,
      axisIndex: channelAxis > 0 ? { channel: channels } : {},
      axisMeta: {
        // Ids as a column rather than an index: a bundle of 0 instances needs them that way.
        [axes[0]]: MetaTable.fromColumns(
          {
            instance_id: columnFromCells("string", instances),
            ...(spec.instanceMeta
              ? Object.fromEntries(
                  Object.entries(spec.instanceMeta).map(([name, cells]) => [
                    name,
                    columnFromCells(typeOf(cells), cells),
                  ]),
                )
              : {}),
          },
          instances.length,
        ),
        ...(spec.channelMeta ? { channel: MetaTable.fromRecords(rows(spec.channelMeta)) } : {}),
      },
      mask: spec.mask,
    }),
  );
  return store;
}

function typeOf(cells: unknown[]): "string" | "float64" {
  return cells.some((cell) => typeof cell === "string") || cells.length === 0
    ? "string"
    : "float64";
}

function rows(columns: Record<string, unknown[]>): Record<string, unknown>[] {
  const n = Object.values(columns)[0]?.length ?? 0;
  return Array.from({ length: n }, (_, i) =>
    Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, values[i]])),
  );
}
