import { DataError, isTensorToolsError } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { zarrStore } from "../src/index.js";

const shape = [6, 4, 3];
const options = {
  shape,
  dtype: "float32" as const,
  dimensionNames: ["instance", "sample", "channel"],
  chunkShape: [2, 4, 3],
};

async function written(extra: Partial<Parameters<typeof zarrStore.create>[2]> = {}) {
  const store = createMemoryStore();
  const array = await zarrStore.create(store, "arrays/data.zarr", { ...options, ...extra });
  const data = Float32Array.from({ length: 72 }, (_, i) => i / 4);
  await array.writeBlock(0, data);
  return { store, data };
}

async function failure(work: Promise<unknown>): Promise<Error> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected the read to fail").toBeInstanceOf(Error);
  return error as Error;
}

describe("bad chunks", () => {
  it("names a truncated chunk file", async () => {
    const { store } = await written();
    const key = "arrays/data.zarr/c/1/0/0";
    store.entries.set(key, store.entries.get(key)!.subarray(0, 50));
    const array = await zarrStore.open(store, "arrays/data.zarr");
    // Slab 3 lies past the 50 bytes left of chunk 1 (2 slabs of 48 bytes).
    const error = await failure(array.read([{ start: 3, stop: 4 }]));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/chunk 'arrays\/data.zarr\/c\/1\/0\/0'/);
    expect(error.message).toMatch(/truncated or corrupt/);
    await expect(array.read([])).rejects.toThrow(/chunk 'arrays\/data.zarr\/c\/1\/0\/0'/);
    // Chunks that are intact still read.
    expect((await array.read([{ start: 0, stop: 2 }])).length).toBe(24);
  });

  it("names a corrupt compressed chunk", async () => {
    const { store } = await written({ codec: "zstd" });
    const key = "arrays/data.zarr/c/2/0/0";
    store.entries.set(key, new Uint8Array(64).fill(7));
    const array = await zarrStore.open(store, "arrays/data.zarr");
    const error = await failure(array.read([[5]]));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toMatch(/chunk 'arrays\/data.zarr\/c\/2\/0\/0'/);
  });

  it("reads a missing chunk as the fill value when the array declares one", async () => {
    const { store, data } = await written({ fillValue: -1 });
    store.entries.delete("arrays/data.zarr/c/1/0/0");
    const got = await (await zarrStore.open(store, "arrays/data.zarr")).read([]);
    expect([...got.subarray(0, 24)]).toEqual([...data.subarray(0, 24)]);
    expect([...got.subarray(24, 48)].every((v) => v === -1)).toBe(true);
  });

  it("refuses a missing chunk when the array has no fill value", async () => {
    const { store } = await written({ fillValue: null });
    store.entries.delete("arrays/data.zarr/c/1/0/0");
    const error = await failure((await zarrStore.open(store, "arrays/data.zarr")).read([]));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(
      /chunk 'arrays\/data.zarr\/c\/1\/0\/0': is missing .* no fill value/,
    );
  });

  it("names an array whose metadata is not JSON", async () => {
    const { store } = await written();
    store.entries.set("arrays/data.zarr/zarr.json", new TextEncoder().encode("{ not json"));
    const error = await failure(zarrStore.open(store, "arrays/data.zarr"));
    expect(error.message).toMatch(/arrays\/data.zarr\/zarr.json: is not valid JSON/);
  });

  it("rejects an unknown codec and an unsupported dtype on create", async () => {
    const store = createMemoryStore();
    await expect(zarrStore.create(store, "a", { ...options, codec: "lzma" })).rejects.toThrow(
      /unknown codec 'lzma'; expected one of none, zstd, gzip, blosc-lz4/,
    );
    await expect(
      zarrStore.create(store, "a", { ...options, dtype: "complex64" as never }),
    ).rejects.toThrow(/unsupported dtype "complex64"/);
  });
});

describe("layout", () => {
  it("writes Zarr v3 metadata with dimension names and chunks spanning the trailing axes", async () => {
    const store = createMemoryStore();
    await zarrStore.create(store, "arrays/data.zarr", {
      shape: [42337, 1793, 3],
      dtype: "float32",
      dimensionNames: options.dimensionNames,
    });
    const json = JSON.parse(
      new TextDecoder().decode(store.entries.get("arrays/data.zarr/zarr.json")),
    );
    expect(json.zarr_format).toBe(3);
    expect(json.dimension_names).toEqual(["instance", "sample", "channel"]);
    const chunk = json.chunk_grid.configuration.chunk_shape;
    expect(chunk.slice(1)).toEqual([1793, 3]);
    // About 4 MiB per chunk: 195 slabs of 1793 x 3 float32.
    expect(chunk[0] * 1793 * 3 * 4).toBeGreaterThan(3.5 * 2 ** 20);
    expect(chunk[0] * 1793 * 3 * 4).toBeLessThan(4.5 * 2 ** 20);
    expect(json.codecs).toEqual([{ name: "bytes", configuration: { endian: "little" } }]);
  });
});
