import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ArrayStoreBackend } from "@tt/schema";
import { testArrayStore } from "@tt/schema/testing";
import { createMemoryStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { afterAll, describe, expect, it } from "vitest";
import { createHdf5Store, hdf5Store } from "../src/index.js";

// h5wasm cannot write h5py's bool enum, so the store writes every dtype but bool (it reads bool).
const dtypes = [
  "float32",
  "float64",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
] as const;

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe("hdf5Store in memory passes the array store conformance kit", () => {
  for (const c of testArrayStore(() => ({
    backend: hdf5Store,
    store: createMemoryStore(),
    dtypes,
  })))
    it(c.name, c.run);
});

describe("hdf5Store on a directory (read in place) passes the array store conformance kit", () => {
  const fixture = () => {
    const directory = mkdtempSync(join(tmpdir(), "tt-hdf5-"));
    directories.push(directory);
    return { backend: hdf5Store, store: createDirectoryStore(directory), dtypes };
  };
  for (const c of testArrayStore(fixture)) it(c.name, c.run);
});

describe("hdf5Store with gzip passes the array store conformance kit", () => {
  const backend: ArrayStoreBackend = {
    ...hdf5Store,
    create: (store, path, options) => hdf5Store.create(store, path, { ...options, codec: "gzip" }),
  };
  for (const c of testArrayStore(() => ({ backend, store: createMemoryStore(), dtypes })))
    it(c.name, c.run);
});

describe("hdf5Store.create", () => {
  it("stores the new file at once, before any block is written", async () => {
    const store = createMemoryStore();
    await hdf5Store.create(store, "arrays/new.h5:/group/x", {
      shape: [4, 2],
      dtype: "int16",
      dimensionNames: ["row", "column"],
    });
    const reopened = await hdf5Store.open(store, "arrays/new.h5:/group/x");
    expect(reopened.metadata).toMatchObject({
      shape: [4, 2],
      dtype: "int16",
      dimensionNames: ["row", "column"],
    });
    expect([...(await reopened.read([]))]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("refuses what HDF5 files here cannot hold: bool, other codecs, other fill values", async () => {
    const options = { shape: [2], dtype: "float32" as const, dimensionNames: ["x"] };
    const store = createMemoryStore();
    await expect(
      hdf5Store.create(store, "a.h5", { ...options, dtype: "bool" }),
    ).rejects.toMatchObject({ tag: "unsupported" });
    await expect(
      hdf5Store.create(store, "a.h5", { ...options, codec: "zstd" }),
    ).rejects.toMatchObject({ tag: "unsupported" });
    await expect(
      hdf5Store.create(store, "a.h5", { ...options, fillValue: Number.NaN }),
    ).rejects.toMatchObject({ tag: "unsupported" });
    expect(await store.size("a.h5")).toBeUndefined();
  });
});

describe("an HDF5 store in MATLAB's axis order passes the array store conformance kit", () => {
  const backend = createHdf5Store({ axisOrder: "matlab" });
  for (const c of testArrayStore(() => ({ backend, store: createMemoryStore(), dtypes })))
    it(c.name, c.run);
});
