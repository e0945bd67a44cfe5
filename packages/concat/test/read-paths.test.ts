/** Every way an input's data is read gives the same output: raw byte ranges, the store plugin, views. */

import { rmSync } from "node:fs";
import { join } from "node:path";
import { openDataset, writeDataset } from "@tt/bundle/fs";
import { createDataset } from "@tt/query";
import { createTensor, type TensorView } from "@tt/schema";
import { afterAll, describe, expect, it } from "vitest";
import { concatDatasets } from "../src/fs.js";
import { temporaryDirectory } from "./helpers.js";

const dir = temporaryDirectory();
afterAll(() => dir.cleanup());

/** A bundle of `n` instances x 2 samples x `channels`, value 1000 * tag + 100 * i + 10 * s + c. */
async function bundle(
  name: string,
  tag: number,
  n: number,
  channels: string[],
  options: { codec?: string } = {},
): Promise<string> {
  const data = new Float32Array(n * 2 * channels.length);
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let s = 0; s < 2; s++)
      for (let c = 0; c < channels.length; c++) data[k++] = 1000 * tag + 100 * i + 10 * s + c;
  const path = join(dir.path, name);
  await writeDataset(
    path,
    createTensor({
      data,
      shape: [n, 2, channels.length],
      axes: ["instance", "sample", "channel"],
      axisIndex: {
        instance: Array.from({ length: n }, (_, i) => `e${i}`),
        channel: channels,
      },
    }),
    { chunkShape: [3, 2, channels.length], ...options },
  );
  return path;
}

/** The view's values at the channels `keep` (by id), instance by instance. */
async function expected(view: TensorView, keep: string[]): Promise<number[]> {
  const tensor = await view.materialize();
  const ids = view.ids("channel") as string[];
  const [n, samples, channels] = tensor.shape as [number, number, number];
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let s = 0; s < samples; s++)
      for (const id of keep)
        out.push(tensor.data[(i * samples + s) * channels + ids.indexOf(id)] as number);
  return out;
}

describe("reading inputs", () => {
  it("raw slabs, a compressed array, a view and a missing chunk all copy the same values", async () => {
    const raw = await bundle("raw", 1, 7, ["C1", "C2", "C3"]);
    const reordered = await bundle("reordered", 2, 5, ["C3", "C1", "C2"]);
    const compressed = await bundle("compressed", 3, 4, ["C1", "C2", "C3"], { codec: "zstd" });
    const holed = await bundle("holed", 4, 7, ["C1", "C2", "C3"]);
    rmSync(join(holed, "arrays/data.zarr/c/1"), { recursive: true });
    const view = createDataset(await openDataset(raw)).slice("instance", 2, 6);
    const inputs = [raw, reordered, compressed, view, holed];
    const out = join(dir.path, "out");
    await concatDatasets(inputs, {
      out,
      sourceIds: ["raw", "reordered", "compressed", "view", "holed"],
    });
    const result = createDataset(await openDataset(out));
    const keep = ["C1", "C2", "C3"];
    const want: number[] = [];
    for (const input of inputs) {
      const source = typeof input === "string" ? createDataset(await openDataset(input)) : input;
      const values = await expected(source, keep);
      // The missing chunk reads as the array's fill value (0), as through the store plugin.
      if (input === holed) values.fill(0, 3 * 2 * 3, 6 * 2 * 3);
      want.push(...values);
    }
    expect(result.shape).toEqual([27, 2, 3]);
    expect(result.ids("channel")).toEqual(keep);
    expect(Array.from((await result.read([])) as Float32Array)).toEqual(want);
    expect((result.ids("instance") as string[]).slice(16, 20)).toEqual([
      "view/e2",
      "view/e3",
      "view/e4",
      "view/e5",
    ]);
  });
});
