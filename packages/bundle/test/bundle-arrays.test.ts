/**
 * Bundles carry their ids as coordinate arrays beside the data, so that `@tt/store-zarr` alone
 * (`openBundleArrays`) opens a bundle keyed by the same ids as the full reader.
 */

import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createTensor, isTensorToolsError, MetaTable } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { openBundleArrays, readCoordinates } from "@tt/store-zarr";
import { afterEach, describe, expect, it } from "vitest";
import { appendDataset, openStoredDataset, writeDataset } from "../src/fs.js";
import { writeBundle } from "../src/index.js";
import { sampleTensor, serveDirectory, temporaryDirectory } from "./helpers.js";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
function directory() {
  const dir = temporaryDirectory();
  cleanups.push(dir.cleanup);
  return dir.path;
}

describe("coordinate arrays in a bundle", () => {
  it("hold the ids of every axis with an id column, named in coord_stores", async () => {
    const path = join(directory(), "dataset");
    const tensor = sampleTensor(10, 7, 3);
    const manifest = await writeDataset(path, tensor);
    expect(manifest.coord_stores).toEqual({
      instance: expect.stringMatching(/^arrays\/coords\/instance\.v1-[0-9a-f]{6}\.zarr$/),
      sample: expect.stringMatching(/^arrays\/coords\/sample\.v1-[0-9a-f]{6}\.zarr$/),
      channel: expect.stringMatching(/^arrays\/coords\/channel\.v1-[0-9a-f]{6}\.zarr$/),
    });
    const store = createDirectoryStore(path);
    const dataset = await openStoredDataset(path);
    for (const axis of dataset.axes) {
      expect(await readCoordinates(store, manifest.coord_stores![axis]!)).toEqual(
        dataset.ids(axis),
      );
    }
    const zarrJson = JSON.parse(
      readFileSync(join(path, manifest.coord_stores!.sample!, "zarr.json"), "utf8"),
    );
    expect(zarrJson).toMatchObject({ data_type: "int32", dimension_names: ["sample"], shape: [7] });
  });

  it("follow an append, and the old coordinates go with the cleanup of the old version", async () => {
    const path = join(directory(), "dataset");
    const first = await writeDataset(path, sampleTensor(5), { chunkShape: [2, 7, 3] });
    const extra = sampleTensor(2);
    const grown = await appendDataset(path, [{ data: extra.data, ids: ["x0", "x1"] }], {
      graceMs: 0,
    });
    const ids = await readCoordinates(createDirectoryStore(path), grown.coord_stores!.instance!);
    expect(ids).toEqual([...(await openStoredDataset(path)).ids("instance")!]);
    expect(ids.slice(-2)).toEqual(["x0", "x1"]);
    expect(grown.coord_stores!.instance).toMatch(/^arrays\/coords\/instance\.v2-/);
    // The other axes' coordinates are the first version's, kept.
    expect(grown.coord_stores!.sample).toBe(first.coord_stores!.sample);
    expect(() => readFileSync(join(path, first.coord_stores!.instance!, "zarr.json"))).toThrow();
  });
});

describe("openBundleArrays (Zarr alone)", () => {
  it("opens a directory bundle keyed by the full reader's ids, data and mask included", async () => {
    const path = join(directory(), "dataset");
    const tensor = sampleTensor(10, 7, 3);
    await writeDataset(path, tensor, { chunkShape: [4, 7, 3] });
    const full = await openStoredDataset(path);
    const view = await openBundleArrays(path);
    expect(view.shape).toEqual([10, 7, 3]);
    expect(view.axes).toEqual(["instance", "sample", "channel"]);
    for (const axis of view.axes) expect(view.ids(axis)).toEqual(full.ids(axis));
    expect(view.axisIndexColumns).toEqual(full.axisIndexColumns);
    const whole = await view.materialize();
    expect([...whole.data]).toEqual([...tensor.data]);
    expect(whole.axisIndex.instance).toEqual(full.ids("instance"));
    const blocks = [];
    for await (const block of view.blocks({ size: 4 })) blocks.push(block);
    expect(blocks.map((b) => b.start)).toEqual([0, 4, 8]);
    expect(blocks[2]!.tensor.axisIndex.instance).toEqual(["rec01-e008", "rec01-e009"]);
    const channels = [];
    for await (const block of view.blocks({ axis: "channel", size: 2 })) channels.push(block);
    expect(channels[1]!.tensor.axisIndex.channel).toEqual(["Pz"]);
    expect(channels[1]!.tensor.shape).toEqual([10, 7, 1]);
  });

  it("opens the same bundle over HTTP", async () => {
    const path = join(directory(), "dataset");
    await writeDataset(path, sampleTensor(6));
    const server = await serveDirectory(path);
    cleanups.push(server.close);
    const view = await openBundleArrays(server.url);
    expect(view.ids("instance")).toEqual((await openStoredDataset(path)).ids("instance"));
    expect(view.location).toBe(server.url);
  });

  it("refuses a bundle without coordinate arrays unless asked to key by position", async () => {
    const path = join(directory(), "dataset");
    await writeDataset(path, sampleTensor(4));
    const manifestPath = join(path, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    delete manifest.coord_stores;
    const store = createDirectoryStore(path);
    await store.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
    const error = await openBundleArrays(path).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect((error as Error).message).toMatch(
      /has no coordinate array with the ids of axis 'instance'.*\{ idsByPosition: true \}/,
    );
    const view = await openBundleArrays(path, { idsByPosition: true });
    expect([...(view.ids("instance") as Int32Array)]).toEqual([0, 1, 2, 3]);
  });

  it("says which coordinate array disagrees with the manifest, and names a missing bundle", async () => {
    const path = join(directory(), "dataset");
    await writeDataset(path, sampleTensor(4));
    const { coord_stores } = (await openStoredDataset(path)).manifest;
    rmSync(join(path, coord_stores!.instance!, "c/0"));
    const error = await openBundleArrays(path).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toContain(`${coord_stores!.instance!}/c/0`);

    const missing = await openBundleArrays(join(path, "nothing")).catch((e: unknown) => e);
    expect(isTensorToolsError(missing, "not-found")).toBe(true);
    expect((missing as Error).message).toMatch(/no manifest.json in .*nothing/);
  });

  it("refuses coord_stores for an axis without ids, naming the field", async () => {
    const store = createMemoryStore();
    const tensor = createTensor({
      data: new Float32Array(6),
      shape: [3, 2],
      axes: ["item", "feature"],
      axisIndex: { item: [1, 2, 3] },
      axisMeta: { feature: MetaTable.empty(2) },
    });
    await writeBundle(store, tensor);
    const bytes = await store.get("manifest.json");
    const manifest = JSON.parse(new TextDecoder().decode(bytes));
    manifest.coord_stores.feature = "arrays/coords/feature.zarr";
    await store.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
    const error = await openBundleArrays(store).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "manifest")).toBe(true);
    expect((error as Error).message).toMatch(/coord_stores.feature.*no id column/);
  });
});
