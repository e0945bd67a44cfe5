import { resolve } from "node:path";
import { isTensorToolsError } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { describe, expect, it } from "vitest";
import * as zarr from "zarrita";
import { readCoordinates, writeCoordinates, zarrStore } from "../src/index.js";

// Arrays written by zarr-python >= 3.1.2 (fixtures/zarr-python-v3/README.md). Their chunks are
// zstd at level 0, which stores the bytes raw, so the strings can be read in the files themselves.
const zarrPython = createDirectoryStore(
  resolve(import.meta.dirname, "../../../fixtures/zarr-python-v3/data.zarr"),
);

describe("coordinate arrays", () => {
  it("reads zarr-python's string arrays (vlen-utf8 + zstd)", async () => {
    expect(await readCoordinates(zarrPython, "1d.contiguous.string.vlen")).toEqual([
      "hello",
      "world",
      "zarr",
      "v3",
    ]);
    expect(await readCoordinates(zarrPython, "1d.string.unicode")).toEqual([
      "hello",
      "世界",
      "🚀🎉",
      "Ñoño",
    ]);
  });

  it("encodes strings byte for byte as zarr-python's vlen-utf8 does", async () => {
    const store = createMemoryStore();
    await writeCoordinates(store, "ids.zarr", "instance", ["hello", "world", "zarr", "v3"]);
    const ours = await store.get("ids.zarr/c/0");
    const theirs = await zarrPython.get("1d.contiguous.string.vlen/c/0");
    const zstd = zarr.registry.get("zstd")!;
    const codec = (await zstd()).fromConfig({ level: 0, checksum: false }, {} as never) as {
      decode(bytes: Uint8Array): Promise<Uint8Array> | Uint8Array;
    };
    expect([...ours!]).toEqual([...(await codec.decode(theirs!))]);
  });

  it.each([
    ["strings", ["rec01-e1", "rec01-e2", "é", ""]],
    ["int32", Int32Array.from([5, -3, 2_000_000_000])],
    ["int64", BigInt64Array.from([2n ** 62n, -1n, 0n])],
    ["float64", Float64Array.from([0.5, -1e-9, 1e300])],
    ["nothing", [] as string[]],
  ])("round-trips %s with the axis as the dimension name", async (_name, values) => {
    const store = createMemoryStore();
    await writeCoordinates(store, "arrays/coords/epoch.zarr", "epoch", values);
    const back = await readCoordinates(store, "arrays/coords/epoch.zarr");
    expect(back).toEqual(values);
    const meta = JSON.parse(
      new TextDecoder().decode(await store.get("arrays/coords/epoch.zarr/zarr.json")),
    );
    expect(meta.dimension_names).toEqual(["epoch"]);
    expect(meta.shape).toEqual([values.length]);
  });

  it("splits long arrays into chunks of 2^20 and reads them back whole", async () => {
    const store = createMemoryStore();
    const values = Int32Array.from({ length: 2_500_000 }, (_, i) => i * 3 - 7);
    await writeCoordinates(store, "ids.zarr", "instance", values);
    const keys: string[] = [];
    for await (const key of store.list("ids.zarr/c/")) keys.push(key);
    expect(keys.sort()).toEqual(["ids.zarr/c/0", "ids.zarr/c/1", "ids.zarr/c/2"]);
    const back = (await readCoordinates(store, "ids.zarr")) as Int32Array;
    // Compared as bytes: a deep equality over millions of elements is slow.
    expect(back.length).toBe(values.length);
    expect(
      Buffer.compare(
        Buffer.from(back.buffer, back.byteOffset, back.byteLength),
        Buffer.from(values.buffer),
      ),
    ).toBe(0);
  });

  it("replaces an array written before, chunks included", async () => {
    const store = createMemoryStore();
    await writeCoordinates(store, "ids.zarr", "instance", ["a", "b"]);
    await writeCoordinates(store, "ids.zarr", "instance", Int32Array.from([7]));
    expect(await readCoordinates(store, "ids.zarr")).toEqual(Int32Array.from([7]));
  });

  it("is offered by the Zarr store plugin", () => {
    expect(zarrStore.writeCoordinates).toBe(writeCoordinates);
    expect(zarrStore.readCoordinates).toBe(readCoordinates);
  });

  it("refuses a missing chunk, a missing array, a data array and other value types", async () => {
    const store = createMemoryStore();
    await writeCoordinates(store, "ids.zarr", "instance", ["a", "b"]);
    await store.delete("ids.zarr/c/0");
    const missingChunk = await readCoordinates(store, "ids.zarr").catch((e: unknown) => e);
    expect(isTensorToolsError(missingChunk, "data")).toBe(true);
    expect((missingChunk as Error).message).toMatch(/chunk 'ids.zarr\/c\/0'.* is missing/);

    const missing = await readCoordinates(store, "none.zarr").catch((e: unknown) => e);
    expect(isTensorToolsError(missing, "not-found")).toBe(true);
    expect((missing as Error).message).toMatch(/no coordinate array at 'none.zarr'/);

    const twoAxes = await readCoordinates(zarrPython, "2d.chunked.i2").catch((e: unknown) => e);
    expect(isTensorToolsError(twoAxes, "data")).toBe(true);
    expect((twoAxes as Error).message).toMatch(/one axis, this one has 2/);

    const int16 = await readCoordinates(zarrPython, "1d.contiguous.raw.i2").catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(int16, "unsupported")).toBe(true);
    expect((int16 as Error).message).toMatch(
      /holds int16; coordinates are string, int32, int64 or float64/,
    );

    const wrong = await writeCoordinates(store, "x.zarr", "i", [1, 2] as never).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(wrong, "data")).toBe(true);
  });
});
