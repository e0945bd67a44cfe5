import { existsSync, readdirSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { parquetMetaIO } from "@tt/meta-parquet";
import {
  AlreadyExistsError,
  allocate,
  columnFromCells,
  createTensor,
  DataError,
  DTYPES,
  gather,
  InvalidManifestError,
  isBigIntDType,
  MetaTable,
  NotFoundError,
} from "@tt/schema";
import { memoryMetaIO } from "@tt/schema/testing";
import { createMemoryStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { afterEach, describe, expect, it } from "vitest";
import { appendDataset, cleanupDataset, openStoredDataset, writeDataset } from "../src/fs.js";
import { openBundle, type StreamBlock, writeBundle } from "../src/index.js";
import { sampleTensor, temporaryDirectory } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function directory() {
  const dir = temporaryDirectory();
  cleanups.push(dir.cleanup);
  return dir.path;
}

describe("a bundle round trip", () => {
  it("writes the spec's layout and reads back data, metadata, ids and attrs", async () => {
    const tensor = sampleTensor(10, 7, 3);
    const path = join(directory(), "dataset");
    const manifest = await writeDataset(path, tensor, { chunkShape: [4, 7, 3] });
    const v1 = /\.v1-[0-9a-f]{6}/.source;
    expect(manifest).toMatchObject({
      schema_version: "0.2.0",
      kind: "tensortools.dataset",
      version: 1,
      previous: null,
      tensor_name: "data",
      shape: [10, 7, 3],
      dtype: "float32",
      axes: ["instance", "sample", "channel"],
      axis_index_columns: { instance: "instance_id", sample: "sample_id", channel: "channel_id" },
      meta_files: {
        instance: expect.stringMatching(new RegExp(`^meta/instance${v1}\\.parquet$`)),
        sample: expect.stringMatching(new RegExp(`^meta/sample${v1}\\.parquet$`)),
        channel: expect.stringMatching(new RegExp(`^meta/channel${v1}\\.parquet$`)),
      },
      array_store: expect.stringMatching(new RegExp(`^arrays/data${v1}\\.zarr$`)),
      id_index: { instance: expect.stringMatching(new RegExp(`^index/instance${v1}\\.ttidx$`)) },
      attrs: { creator: "tests", sampling_rate_hz: 250 },
    });
    expect(Date.now() - Date.parse(manifest.created_at!)).toBeLessThan(60_000);
    // The inventory lists every file of the bundle, with its exact length.
    const onDisk = (
      readdirSync(path, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[]
    )
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(path.length + 1))
      .filter((file) => file !== "manifest.json")
      .sort();
    expect(Object.keys(manifest.inventory!).sort()).toEqual(onDisk);
    for (const [file, { bytes }] of Object.entries(manifest.inventory!))
      expect(statSync(join(path, file)).size, file).toBe(bytes);
    expect(readdirSync(path).sort()).toEqual(["arrays", "index", "manifest.json", "meta"]);

    const dataset = await openStoredDataset(path);
    expect(dataset.shape).toEqual([10, 7, 3]);
    expect([...(await dataset.read([]))]).toEqual([...tensor.data]);
    const selection = [[9, 2, 2], { start: 1, stop: 5 }, [2, 0]];
    expect([...(await dataset.read(selection))]).toEqual([
      ...gather(tensor.data, tensor.shape, selection),
    ]);
    expect(dataset.meta("instance").toRecords()[3]).toEqual({
      instance_id: "rec01-e003",
      label: "target",
      qc_pass: true,
      score: 0.3,
    });
    expect(dataset.meta("sample").column("time_s").values).toEqual(
      tensor.axisMeta.sample!.column("time_s").values,
    );
    expect(dataset.ids("channel")).toEqual(["Fz", "Cz", "Pz"]);
    expect(dataset.getInstance("rec01-e007")).toEqual({
      index: 7,
      meta: { instance_id: "rec01-e007", label: "standard", qc_pass: true, score: 0.7 },
    });
    expect(dataset.getInstance("missing")).toBeUndefined();
    expect(dataset.indexOf("sample", 4)).toBe(4);
    expect([...(await dataset.readMask([[0]]))].every((v) => v === 1)).toBe(true);
  });

  it.each(DTYPES)("round-trips dtype %s", async (dtype) => {
    const data = allocate(dtype, 4 * 3);
    for (let i = 0; i < data.length; i++) {
      const value =
        dtype === "bool" ? i % 2 : dtype.startsWith("int") || dtype.startsWith("float") ? i - 5 : i;
      (data as unknown as (number | bigint)[])[i] = isBigIntDType(dtype) ? BigInt(value) : value;
    }
    const tensor = createTensor({
      data,
      dtype,
      shape: [4, 3],
      axes: ["item", "feature"],
      axisIndex: { item: [10, 11, 12, 13] },
    });
    const store = createMemoryStore();
    await writeBundle(store, tensor, { metaIO: memoryMetaIO });
    const dataset = await openBundle(store, { metaIO: memoryMetaIO });
    expect(dataset.dtype).toBe(dtype);
    expect([...(await dataset.read([]))]).toEqual([...data]);
    expect(dataset.getInstance(12)?.index).toBe(2);
  });

  it("streams blocks in and keeps a validity mask", async () => {
    const tensor = sampleTensor(9, 5, 2);
    const mask = new Uint8Array(tensor.data.length).fill(1);
    mask[11] = 0;
    const slab = 10;
    async function* blocks() {
      for (let start = 0; start < 9; start += 4) {
        const stop = Math.min(9, start + 4);
        yield {
          data: tensor.data.subarray(start * slab, stop * slab),
          meta: tensor.axisMeta.instance!.slice(start, stop),
          ids: (tensor.axisIndex.instance as string[]).slice(start, stop),
          mask: mask.subarray(start * slab, stop * slab),
        };
      }
    }
    const store = createMemoryStore();
    const progress: number[] = [];
    await writeBundle(
      store,
      { axes: tensor.axes, dtype: "float32", shape: [9, 5, 2], withMask: true, blocks: blocks() },
      { onProgress: (p) => progress.push(p.fraction) },
    );
    const dataset = await openBundle(store);
    expect([...(await dataset.read([]))]).toEqual([...tensor.data]);
    expect([...(await dataset.readMask([]))]).toEqual([...mask]);
    expect(dataset.manifest.mask_store).toMatch(/^arrays\/masks\.v1-[0-9a-f]{6}\.zarr$/);
    expect(progress.at(-1)).toBe(1);
  });

  it("takes a block of 300,000 ids (more than a call's arguments may hold)", async () => {
    const n = 300_000;
    const ids = Int32Array.from({ length: n }, (_, i) => 3 * i + 1);
    const data = Float32Array.from({ length: n }, (_, i) => i);
    const store = createMemoryStore();
    await writeBundle(store, {
      axes: ["instance", "feature"],
      dtype: "float32",
      shape: [n, 1],
      blocks: [{ data, ids }],
    });
    const dataset = await openBundle(store);
    expect(dataset.getInstance(3 * (n - 1) + 1)?.index).toBe(n - 1);
    expect(dataset.shape).toEqual([n, 1]);
  });

  it("takes the first axis's metadata whole from the stream instead of from the blocks", async () => {
    const tensor = sampleTensor(9, 5, 2);
    const slab = 10;
    const instance = MetaTable.fromColumns({
      instance_id: columnFromCells("string", tensor.axisIndex.instance as string[]),
      ...Object.fromEntries(
        tensor.axisMeta.instance!.columnNames.map((n) => [n, tensor.axisMeta.instance!.column(n)]),
      ),
    });
    const stream = (blocks: () => Iterable<StreamBlock>, meta = instance) => ({
      axes: tensor.axes,
      dtype: "float32" as const,
      shape: [9, 5, 2],
      axisMeta: { instance: meta },
      blocks: blocks(),
    });
    function* bare() {
      for (let start = 0; start < 9; start += 4) {
        yield { data: tensor.data.subarray(start * slab, Math.min(9, start + 4) * slab) };
      }
    }
    const store = createMemoryStore();
    await writeBundle(store, stream(bare), { axisIndexColumns: { instance: "instance_id" } });
    const dataset = await openBundle(store);
    expect([...(await dataset.read([]))]).toEqual([...tensor.data]);
    expect(dataset.ids("instance")).toEqual(tensor.axisIndex.instance);
    expect(dataset.meta("instance").toRecords()).toEqual(instance.toRecords());

    await expect(
      writeBundle(createMemoryStore(), stream(bare, instance.slice(0, 8)), {
        axisIndexColumns: { instance: "instance_id" },
      }),
    ).rejects.toThrow(
      "axis 'instance': the stream's metadata of the first axis has 8 rows, the shape says 9",
    );
    function* withMeta() {
      yield { data: tensor.data.subarray(0, 9 * slab), meta: instance };
    }
    const error = await writeBundle(createMemoryStore(), stream(withMeta), {
      axisIndexColumns: { instance: "instance_id" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(
      "block at instance 0: carries metadata or ids, but the stream gave the metadata of axis 'instance' whole",
    );
  });

  it("writes partition tables and declares them in the manifest", async () => {
    const files = MetaTable.fromColumns({
      source_dataset_id: columnFromCells("string", ["a", "b"]),
      n_instances: columnFromCells("int32", [4, 6]),
    });
    const groups = MetaTable.fromColumns({ group_id: columnFromCells("string", ["g"]) });
    const store = createMemoryStore();
    const manifest = await writeBundle(store, sampleTensor(10, 7, 3), {
      partitions: { files, groups },
    });
    expect(manifest.partitions).toEqual({
      files: expect.stringMatching(/^partitions\/files\.v1-[0-9a-f]{6}\.parquet$/),
      groups: expect.stringMatching(/^partitions\/groups\.v1-[0-9a-f]{6}\.parquet$/),
    });
    const dataset = await openBundle(store);
    expect(dataset.manifest.partitions).toEqual(manifest.partitions);
    const read = await parquetMetaIO.read(store, manifest.partitions!.files!);
    expect(read.toRecords()).toEqual(files.toRecords());
    expect(read.schema).toEqual(files.schema);
  });

  it("declares no partitions when none are given, and refuses an unsafe partition name", async () => {
    const manifest = await writeBundle(createMemoryStore(), sampleTensor(3, 2, 2));
    expect("partitions" in manifest).toBe(false);
    await expect(
      writeBundle(createMemoryStore(), sampleTensor(3, 2, 2), {
        partitions: { "../files": MetaTable.empty(1) },
      }),
    ).rejects.toThrow("partitions.../files: a partition name must be letters, digits");
  });
});

describe("atomic writes", () => {
  it("refuses to write into an existing path unless asked to overwrite", async () => {
    const path = join(directory(), "dataset");
    await writeDataset(path, sampleTensor(4));
    await expect(writeDataset(path, sampleTensor(6))).rejects.toThrow(AlreadyExistsError);
    await expect(writeDataset(path, sampleTensor(6))).rejects.toThrow(
      /already holds a dataset; pass overwrite: true/,
    );
    await writeDataset(path, sampleTensor(6), { overwrite: true });
    expect((await openStoredDataset(path)).shape[0]).toBe(6);
  });

  it("leaves the old bundle and no temporary files when a write fails half way", async () => {
    const parent = directory();
    const path = join(parent, "dataset");
    await writeDataset(path, sampleTensor(4));
    const tensor = sampleTensor(8);
    async function* failing() {
      yield { data: tensor.data.subarray(0, 4 * 21), ids: ["a", "b", "c", "d"] };
      throw new Error("the recording ended early");
    }
    const stream = {
      axes: tensor.axes,
      dtype: "float32" as const,
      shape: [8, 7, 3],
      blocks: failing(),
    };
    await expect(writeDataset(path, stream, { overwrite: true })).rejects.toThrow(
      "the recording ended early",
    );
    expect(readdirSync(parent)).toEqual(["dataset"]);
    const dataset = await openStoredDataset(path);
    expect(dataset.shape[0]).toBe(4);
    expect(dataset.ids("instance")).toEqual(sampleTensor(4).axisIndex.instance);
  });
});

describe("appending instances", () => {
  it("grows the dataset, unions metadata and keeps ids unique", async () => {
    const path = join(directory(), "dataset");
    const tensor = sampleTensor(5);
    await writeDataset(path, tensor, { chunkShape: [2, 7, 3] });
    const extra = sampleTensor(3);
    const meta = MetaTable.fromColumns({ batch: columnFromCells("string", ["b2", "b2", "b2"]) });
    await appendDataset(path, [{ data: extra.data, ids: ["x0", "x1", "x2"], meta }]);
    const dataset = await openStoredDataset(path);
    expect(dataset.shape).toEqual([8, 7, 3]);
    expect([...(await dataset.read([{ start: 5, stop: 8 }]))]).toEqual([...extra.data]);
    expect([...(await dataset.read([{ start: 0, stop: 5 }]))]).toEqual([...tensor.data]);
    expect(dataset.getInstance("x1")).toMatchObject({
      index: 6,
      meta: { batch: "b2", label: null },
    });
    expect(dataset.meta("instance").get(0, "batch")).toBeNull();
    // The new version has its own metadata file; the old one stays for readers until cleanup.
    const grown = dataset.manifest;
    expect(grown.version).toBe(2);
    expect(readdirSync(join(path, "meta")).filter((f) => f.startsWith("instance"))).toHaveLength(2);
    await cleanupDataset(path, { graceMs: 0 });
    expect(readdirSync(join(path, "meta")).filter((f) => f.startsWith("instance"))).toEqual([
      grown.meta_files.instance!.slice("meta/".length),
    ]);
  });

  it("refuses a repeated id before writing anything", async () => {
    const path = join(directory(), "dataset");
    await writeDataset(path, sampleTensor(5));
    const block = { data: sampleTensor(1).data, ids: ["rec01-e002"] };
    await expect(appendDataset(path, [block])).rejects.toThrow(
      /repeats id "rec01-e002", which the dataset already has/,
    );
    const dataset = await openStoredDataset(path);
    expect(dataset.shape[0]).toBe(5);
    await appendDataset(path, [{ data: sampleTensor(1).data, ids: ["new"] }]);
    expect((await openStoredDataset(path)).shape[0]).toBe(6);
  });
});

describe("bad bundles", () => {
  async function written() {
    const path = join(directory(), "dataset");
    await writeDataset(path, sampleTensor(6));
    return path;
  }
  async function editManifest(path: string, edit: (m: Record<string, unknown>) => void) {
    const { readFile, writeFile } = await import("node:fs/promises");
    const file = join(path, "manifest.json");
    const manifest = JSON.parse(await readFile(file, "utf8"));
    edit(manifest);
    await writeFile(file, JSON.stringify(manifest));
  }

  it("rejects a manifest pointing outside the bundle", async () => {
    const path = await written();
    await editManifest(
      path,
      (m) => ((m.meta_files as Record<string, string>).instance = "../elsewhere.parquet"),
    );
    const error = await openStoredDataset(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidManifestError);
    expect((error as Error).message).toMatch(/meta_files.instance.*stay inside the bundle/);
  });

  it("rejects metadata whose row count does not match the shape", async () => {
    const path = await written();
    await editManifest(path, (m) => ((m.shape as number[])[0] = 5));
    await expect(openStoredDataset(path)).rejects.toThrow(
      /meta\/instance\.v1-[0-9a-f]{6}\.parquet: has 6 rows, but axis 'instance' has 5/,
    );
  });

  it("rejects an array whose shape disagrees with the manifest", async () => {
    const path = await written();
    await editManifest(path, (m) => ((m.shape as number[])[1] = 8));
    await expect(openStoredDataset(path)).rejects.toThrow(
      /arrays\/data\.v1-[0-9a-f]{6}\.zarr: has shape \[6, 7, 3\], the manifest says \[6, 8, 3\]/,
    );
  });

  it("rejects a dtype that disagrees with the array", async () => {
    const path = await written();
    await editManifest(path, (m) => (m.dtype = "float64"));
    await expect(openStoredDataset(path)).rejects.toThrow(
      /holds float32, the manifest says float64/,
    );
  });

  it("rejects an unsupported dtype in the manifest", async () => {
    const path = await written();
    await editManifest(path, (m) => (m.dtype = "complex128"));
    await expect(openStoredDataset(path)).rejects.toThrow(
      /field 'dtype': unknown dtype string "complex128"/,
    );
  });

  it("rejects a missing id column, naming the columns there are", async () => {
    const path = await written();
    await editManifest(
      path,
      (m) => ((m.axis_index_columns as Record<string, string>).instance = "event_id"),
    );
    await expect(openStoredDataset(path)).rejects.toThrow(
      /has no id column 'event_id'.*its columns are instance_id, label/,
    );
  });

  it("names a missing bundle, manifest or array", async () => {
    await expect(openStoredDataset(join(directory(), "nothing"))).rejects.toThrow(NotFoundError);
    await expect(openBundle(createMemoryStore("memory://empty"))).rejects.toThrow(
      /no manifest.json in memory:\/\/empty/,
    );
    const path = await written();
    await editManifest(path, (m) => (m.array_store = "arrays/other.zarr"));
    await expect(openStoredDataset(path)).rejects.toThrow(
      /array_store': names 'arrays\/other.zarr', which the inventory does not list/,
    );
  });

  it.each([
    ["duplicate", ["a", "b", "a"], /row 2: repeats id "a" of row 0; ids must be unique/],
    ["null", ["a", null, "c"], /row 1: is null; every id must be present/],
  ])("refuses to write %s instance ids", async (_label, ids, message) => {
    const tensor = createTensor({
      data: new Float32Array(6),
      shape: [3, 2],
      axes: ["instance", "feature"],
      axisMeta: {
        instance: MetaTable.fromColumns({ instance_id: columnFromCells("string", ids) }),
      },
    });
    const error = await writeBundle(createMemoryStore(), tensor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses a first axis without ids, saying how to give them", async () => {
    const tensor = createTensor({
      data: new Float32Array(6),
      shape: [3, 2],
      axes: ["instance", "feature"],
    });
    await expect(writeBundle(createMemoryStore(), tensor)).rejects.toThrow(
      /axis 'instance': needs unique ids: pass axisIndex.instance, or a metadata column 'instance_id'/,
    );
  });
});

describe("an append that never committed", () => {
  it("is invisible to readers, removed by cleanup, and does not hold up the next append", async () => {
    const path = join(directory(), "dataset");
    const tensor = sampleTensor(5);
    await writeDataset(path, tensor, { chunkShape: [2, 7, 3] });
    // A crash after the new version's array was written but before its manifest was committed:
    // the files of generation 2 are there, registered to a writer that no longer runs.
    const store = createDirectoryStore(path);
    const { zarrStore } = await import("@tt/store-zarr");
    const { manifest } = await openStoredDataset(path);
    await store.set(
      ".tt-writers/0badc0.json",
      new TextEncoder().encode(
        JSON.stringify({ generation: 2, pid: 2 ** 22 + 17, host: hostname(), started: Date.now() }),
      ),
    );
    const orphan = await zarrStore.copy!(
      store,
      manifest.array_store,
      "arrays/data.v2-0badc0.zarr",
      { length: 5 },
    );
    await orphan.append(new Float32Array(3 * 21).fill(99));
    const seen = await openStoredDataset(path);
    expect(seen.shape[0]).toBe(5);
    expect([...(await seen.read([]))]).toEqual([...tensor.data]);

    const extra = (sampleTensor(2).data as Float32Array).map((v) => v + 1000);
    await appendDataset(path, [{ data: extra, ids: ["n0", "n1"] }]);
    const after = await openStoredDataset(path);
    expect(after.shape[0]).toBe(7);
    expect(after.manifest.version).toBe(2);
    expect([...(await after.read([{ start: 5, stop: 7 }]))]).toEqual([...extra]);
    expect([...(await after.read([{ start: 0, stop: 5 }]))]).toEqual([...tensor.data]);
    // The dead writer's files went with the append's cleanup, grace period or not.
    expect(readdirSync(join(path, "arrays")).filter((f) => f.includes("0badc0"))).toEqual([]);
    expect(existsSync(join(path, ".tt-writers"))).toBe(false);
  });
});

describe("what an overwrite may replace", () => {
  it("only a dataset bundle or an empty directory: never a folder of other files, a result, or the current directory", async () => {
    const parent = directory();
    const { mkdirSync, writeFileSync } = await import("node:fs");
    const folder = join(parent, "folder");
    mkdirSync(folder);
    writeFileSync(join(folder, "thesis.tex"), "years of work");
    const refused = await writeDataset(folder, sampleTensor(3), { overwrite: true }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(AlreadyExistsError);
    expect((refused as Error).message).toBe(
      `${folder} is a folder of other files (thesis.tex); a dataset is written only to a new or empty directory, or over a dataset bundle`,
    );
    expect(readdirSync(folder)).toEqual(["thesis.tex"]);

    const result = join(parent, "result");
    mkdirSync(result);
    writeFileSync(join(result, "manifest.json"), JSON.stringify({ kind: "decomposition_result" }));
    await expect(writeDataset(result, sampleTensor(3), { overwrite: true })).rejects.toThrow(
      "holds a bundle that is not a dataset (decomposition_result); a dataset does not replace it",
    );
    for (const path of ["", ".", process.cwd()])
      await expect(
        writeDataset(path, sampleTensor(3), { overwrite: true }),
        JSON.stringify(path),
      ).rejects.toThrow(/is empty|current directory/);

    const empty = join(parent, "empty");
    mkdirSync(empty);
    await writeDataset(empty, sampleTensor(3));
    expect((await openStoredDataset(empty)).shape[0]).toBe(3);
  });
});

describe("damaged files", () => {
  it("a chunk with extra bytes, a partition table deleted or cut short: errors naming the file", async () => {
    const { appendFileSync, rmSync, truncateSync } = await import("node:fs");
    const path = join(directory(), "dataset");
    const partitions = { files: MetaTable.fromColumns({ n: columnFromCells("int32", [1, 2]) }) };
    const manifest = await writeDataset(path, sampleTensor(6), {
      chunkShape: [2, 7, 3],
      partitions,
    });
    const chunk = `${manifest.array_store}/c/1/0/0`;
    appendFileSync(join(path, chunk), Buffer.from([0, 0, 0, 0]));
    const dataset = await openStoredDataset(path);
    await expect(dataset.read([[3]])).rejects.toThrow(
      `${chunk}: has ${7 * 3 * 4 * 2 + 4} bytes, the manifest lists ${7 * 3 * 4 * 2}`,
    );
    const table = manifest.partitions!.files!;
    truncateSync(join(path, table), 10);
    await expect(openStoredDataset(path)).rejects.toThrow(
      `${table}: has 10 bytes, the manifest lists`,
    );
    rmSync(join(path, table));
    await expect(openStoredDataset(path)).rejects.toThrow(
      `${table}: is missing; the manifest lists it with`,
    );
  });
});

describe("the plugins a bundle was written with", () => {
  it("are recorded in the manifest and resolved again, through a registry when they are not the defaults", async () => {
    const { memoryArrayStore } = await import("@tt/schema/testing");
    const { createRegistry } = await import("@tt/schema");
    const store = createMemoryStore();
    const manifest = await writeBundle(store, sampleTensor(4), {
      arrayStore: memoryArrayStore,
      metaIO: memoryMetaIO,
    });
    expect(manifest.plugins).toEqual({ array_store: "memory", meta_io: "json" });
    const error = await openBundle(store).catch((e: unknown) => e);
    expect(error).toMatchObject({ tag: "config", field: "arrayStore" });
    expect((error as Error).message).toContain(
      "the bundle was written with the 'memory' array store, which is not 'zarr': pass it as arrayStore, or a registry that has it",
    );
    const registry = createRegistry([memoryArrayStore, memoryMetaIO]);
    expect((await openBundle(store, { registry })).shape).toEqual([4, 7, 3]);
    const { zarrStore } = await import("@tt/store-zarr");
    await expect(openBundle(store, { registry, arrayStore: zarrStore })).rejects.toThrow(
      "is the 'zarr' array store, but the bundle was written with 'memory'",
    );
    const zarrBundle = await writeBundle(createMemoryStore(), sampleTensor(2));
    expect(zarrBundle.plugins).toEqual({ array_store: "zarr", meta_io: "parquet" });
  });
});
