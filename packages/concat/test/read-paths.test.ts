/** Every way an input's data is read gives the same output: raw byte ranges, the store plugin, views. */

import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openStoredDataset, writeDataset } from "@tt/bundle/fs";
import { createDataset } from "@tt/query";
import { createTensor, isTensorToolsError, type TensorView } from "@tt/schema";
import { temporaryDirectory } from "@tt/test-fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { concatDatasets } from "../src/fs.js";

const dir = temporaryDirectory("tt-concat-");
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
  it("raw slabs, a compressed array and a view all copy the same values", async () => {
    const raw = await bundle("raw", 1, 7, ["C1", "C2", "C3"]);
    const reordered = await bundle("reordered", 2, 5, ["C3", "C1", "C2"]);
    const compressed = await bundle("compressed", 3, 4, ["C1", "C2", "C3"], { codec: "zstd" });
    const view = createDataset(await openStoredDataset(raw)).slice("instance", 2, 6);
    const inputs = [raw, reordered, compressed, view];
    const out = join(dir.path, "out");
    await concatDatasets(inputs, { out, sourceIds: ["raw", "reordered", "compressed", "view"] });
    const result = createDataset(await openStoredDataset(out));
    const keep = ["C1", "C2", "C3"];
    const want: number[] = [];
    for (const input of inputs) {
      const source =
        typeof input === "string" ? createDataset(await openStoredDataset(input)) : input;
      want.push(...(await expected(source, keep)));
    }
    expect(result.shape).toEqual([20, 2, 3]);
    expect(result.ids("channel")).toEqual(keep);
    expect(Array.from((await result.read([])) as Float32Array)).toEqual(want);
    expect((result.ids("instance") as string[]).slice(16, 20)).toEqual([
      "view/e2",
      "view/e3",
      "view/e4",
      "view/e5",
    ]);
  });

  it.each([
    ["raw slabs", {}],
    ["a compressed array", { codec: "zstd" }],
  ])(
    "refuses an input (%s) with a deleted chunk, naming it, and writes nothing",
    async (_label, options) => {
      const holed = await bundle(`holed-${_label.length}`, 4, 7, ["C1", "C2", "C3"], options);
      const array = (await openStoredDataset(holed)).manifest.array_store;
      rmSync(join(holed, array, "c/1"), { recursive: true });
      const out = join(dir.path, `out-holed-${_label.length}`);
      const error = await concatDatasets([holed], { out }).catch((e: unknown) => e);
      expect(isTensorToolsError(error, "data")).toBe(true);
      expect((error as Error).message).toContain(
        `${array}/c/1/0/0: is missing; the manifest lists it with`,
      );
      expect(existsSync(out)).toBe(false);
    },
  );
});
