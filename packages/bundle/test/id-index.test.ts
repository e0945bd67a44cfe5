import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createTensor, isTensorToolsError, type TypedArray } from "@tt/schema";
import { createDirectoryStore } from "@tt/storage/fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addField, updateInstances, writeDataset } from "../src/fs.js";
import { ID_INDEX_PAGE_ENTRIES } from "../src/id-index-format.js";
import { appendBundle, openBundle, openInstances } from "../src/index.js";
import { sampleTensor, serveDirectory, temporaryDirectory } from "./helpers.js";

const fixtures = resolve(fileURLToPath(import.meta.url), "../../../../fixtures");
const ROW = 4;

/** 3000 instances x 4 (three pages of ids), ids given in a scrambled order. */
function scrambled(
  ids: (i: number) => string | number | bigint,
  kind: "string" | "int32" | "int64",
) {
  const n = 3000;
  const data = Float32Array.from(
    { length: n * ROW },
    (_, k) => Math.floor(k / ROW) * 10 + (k % ROW),
  );
  const values = Array.from({ length: n }, (_, i) => ids((i * 1237) % n));
  const index =
    kind === "int64"
      ? BigInt64Array.from(values as bigint[])
      : kind === "int32"
        ? Int32Array.from(values as number[])
        : (values as string[]);
  return {
    values,
    tensor: createTensor({
      data,
      shape: [n, ROW],
      axes: ["instance", "feature"],
      axisIndex: { instance: index },
    }),
  };
}

/** The rows of `data` at `rows`, by direct indexing. */
function direct(data: TypedArray, rows: readonly number[], width: number): number[] {
  return rows.flatMap((row) =>
    Array.from(data.subarray(row * width, (row + 1) * width) as Float32Array),
  );
}

/** Positions of `wanted` in `values`, in order. */
function positions(values: readonly unknown[], wanted: readonly unknown[]): number[] {
  return wanted.map((id) => values.indexOf(id));
}

describe("reads by id through the on-disk id index", () => {
  const directory = temporaryDirectory();
  afterAll(() => directory.cleanup());

  for (const [kind, id] of [
    ["string", (i: number) => `rec-${i}`],
    ["int32", (i: number) => i * 3 - 1000],
    ["int64", (i: number) => BigInt(i) * 10_000_000_000n - 7n],
  ] as const) {
    it(`equals direct indexing for ${kind} ids, repeats and order kept`, async () => {
      const { values, tensor } = scrambled(id, kind);
      const path = join(directory.path, kind);
      await writeDataset(path, tensor, { chunkShape: [256, ROW] });
      const reader = await openInstances(createDirectoryStore(path));
      expect(reader.indexed).toBe(true);
      const wanted = [
        values[2999]!,
        values[0]!,
        values[1500]!,
        values[0]!,
        values[ID_INDEX_PAGE_ENTRIES]!,
        values[ID_INDEX_PAGE_ENTRIES - 1]!,
      ];
      const { ids, rows, fields } = await reader.getMany(wanted);
      expect(ids).toEqual(wanted);
      expect(rows).toEqual(positions(values, wanted));
      expect(fields.data!.shape).toEqual([6, ROW]);
      expect(Array.from(fields.data!.data as Float32Array)).toEqual(direct(tensor.data, rows, ROW));
      const one = await reader.getInstance(values[777]!);
      expect(one.row).toBe(777);
      expect(Array.from(one.fields.data!.data as Float32Array)).toEqual(
        direct(tensor.data, [777], ROW),
      );
      expect(one.fields.data!.shape).toEqual([ROW]);
    });
  }

  it("accepts a number for int64 ids and a bigint for int32 ids", async () => {
    const reader = await openInstances(createDirectoryStore(join(directory.path, "int64")));
    expect(await reader.rowsOf([20_000_000_000n - 7n, 10_000_000_000 - 7, "x", 1.5])).toEqual([
      positionOfScrambled(2),
      positionOfScrambled(1),
      undefined,
      undefined,
    ]);
    const ints = await openInstances(createDirectoryStore(join(directory.path, "int32")));
    expect(await ints.rowsOf([-1000n, -1000, "-1000"])).toEqual([0, 0, undefined]);
  });

  it("reports missing ids as a NotFoundError, or skips them when asked", async () => {
    const reader = await openInstances(createDirectoryStore(join(directory.path, "string")));
    const error = await reader.getMany(["rec-1", "nope", "rec-9999"]).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect((error as Error).message).toMatch(
      /2 id\(s\) not in .*axis 'instance', column 'instance_id'\): "nope", "rec-9999"/,
    );
    const skipped = await reader.getMany(["nope", "rec-1", "rec-0", "a"], { missing: "skip" });
    expect(skipped.ids).toEqual(["rec-1", "rec-0"]);
    expect(skipped.fields.data!.shape).toEqual([2, ROW]);
    await expect(reader.getMany(["rec-1"], { fields: ["spectrogram"] })).rejects.toThrow(
      /no field 'spectrogram'; it has data$/,
    );
  });

  it("finds the appended ids after an append, in a new index of the new version", async () => {
    const path = join(directory.path, "appended");
    const tensor = sampleTensor(30, 5, 2);
    await writeDataset(path, tensor);
    const store = createDirectoryStore(path);
    const before = (await openInstances(store)).manifest.id_index;
    const block = Float32Array.from({ length: 2 * 10 }, (_, k) => 1000 + k);
    const grown = await appendBundle(store, [{ data: block, ids: ["new-a", "new-b"] }]);
    expect(grown.id_index).not.toEqual(before);
    const reader = await openInstances(store);
    const { rows, fields } = await reader.getMany(["new-b", "rec01-e003", "new-a"]);
    expect(rows).toEqual([31, 3, 30]);
    expect(Array.from(fields.data!.data as Float32Array)).toEqual([
      ...Array.from(block.subarray(10, 20)),
      ...direct(tensor.data, [3], 10),
      ...Array.from(block.subarray(0, 10)),
    ]);
  });
});

describe("reads by id of several fields", () => {
  const directory = temporaryDirectory();
  afterAll(() => directory.cleanup());

  it("reads the fields asked for, after add-field and an update in place, through the same index", async () => {
    const path = join(directory.path, "fields");
    const tensor = sampleTensor(30, 5, 2);
    await writeDataset(path, tensor, { chunkShape: [8, 5, 2] });
    const features = Float64Array.from({ length: 30 * 4 }, (_, k) => k / 4);
    await addField(
      path,
      "features",
      createTensor({ data: features, shape: [30, 4], axes: ["instance", "feature"] }),
    );
    await updateInstances(path, "features", ["rec01-e007"], new Float64Array(4).fill(-1));
    const reader = await openInstances(createDirectoryStore(path));
    expect(reader.indexed).toBe(true);
    const wanted = ["rec01-e007", "rec01-e020", "rec01-e007"];
    const { rows, fields } = await reader.getMany(wanted, { fields: ["features", "data"] });
    expect(rows).toEqual([7, 20, 7]);
    expect(fields.features!.shape).toEqual([3, 4]);
    expect(Array.from(fields.features!.data as Float64Array)).toEqual([
      -1,
      -1,
      -1,
      -1,
      ...Array.from(features.subarray(80, 84)),
      -1,
      -1,
      -1,
      -1,
    ]);
    expect(Array.from(fields.data!.data as Float32Array)).toEqual(direct(tensor.data, rows, 10));
    const error = await reader.getMany(wanted, { fields: ["spectrogram"] }).catch((e) => e);
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect((error as Error).message).toMatch(/no field 'spectrogram'; it has data, features/);
  });
});

/** The row of the id made from `i` in {@link scrambled}: `(row * 1237) % 3000 === i`. */
function positionOfScrambled(i: number): number {
  for (let row = 0; row < 3000; row++) if ((row * 1237) % 3000 === i) return row;
  return -1;
}

describe("reads by id over HTTP", () => {
  const directory = temporaryDirectory();
  const { values, tensor } = scrambled((i) => `rec-${i}`, "string");
  let server: Awaited<ReturnType<typeof serveDirectory>>;
  beforeAll(async () => {
    await writeDataset(join(directory.path, "demo"), tensor, { chunkShape: [256, ROW] });
    server = await serveDirectory(directory.path);
  });
  afterAll(async () => {
    await server.close();
    directory.cleanup();
  });

  it("reads the same rows as direct indexing, the index by ranges, no metadata table", async () => {
    const { createHttpStore } = await import("@tt/storage");
    const reader = await openInstances(createHttpStore(`${server.url}demo/`));
    const wanted = [values[10]!, values[2500]!, values[10]!];
    const { rows, fields } = await reader.getMany(wanted);
    expect(rows).toEqual([10, 2500, 10]);
    expect(Array.from(fields.data!.data as Float32Array)).toEqual(direct(tensor.data, rows, ROW));
    expect(server.requests.some((r) => r.includes("meta/"))).toBe(false);
    expect(
      server.requests
        .filter((r) => r.includes("index/") && r.startsWith("GET"))
        .every((r) => r.includes("bytes=")),
    ).toBe(true);
  });
});

describe("the id index file", () => {
  const directory = temporaryDirectory();
  afterAll(() => directory.cleanup());

  async function written(name: string) {
    const path = join(directory.path, name);
    await writeDataset(path, scrambled((i) => i, "int32").tensor);
    const manifest = JSON.parse(readFileSync(join(path, "manifest.json"), "utf8"));
    return { path, file: join(path, manifest.id_index.instance as string), manifest };
  }

  it("has the documented header: magic, key kind, page size, count, pages, lengths", async () => {
    const { file, manifest } = await written("format");
    const bytes = readFileSync(file);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(bytes.subarray(0, 8).toString("latin1")).toBe("TTIDX1\n\0");
    expect(view.getUint32(8, true)).toBe(1);
    expect(view.getUint32(12, true)).toBe(ID_INDEX_PAGE_ENTRIES);
    expect(view.getFloat64(16, true)).toBe(3000);
    expect(view.getFloat64(24, true)).toBe(Math.ceil(3000 / ID_INDEX_PAGE_ENTRIES));
    expect(view.getFloat64(48, true)).toBe(bytes.length);
    // Page 0 holds the smallest ids ascending with their rows.
    expect(view.getBigInt64(64, true)).toBe(0n);
    expect(view.getBigInt64(72, true)).toBe(1n);
    expect(view.getUint32(64 + ID_INDEX_PAGE_ENTRIES * 8, true)).toBe(0);
    expect(manifest.inventory[manifest.id_index.instance].bytes).toBe(bytes.length);
  });

  it("is a DataError naming the file when corrupt or truncated", async () => {
    const { path, file, manifest } = await written("corrupt");
    const name = manifest.id_index.instance as string;
    const original = readFileSync(file);
    const expectDataError = async (pattern: RegExp) => {
      const error = await openInstances(createDirectoryStore(path))
        .then((reader) => reader.getMany([0, ID_INDEX_PAGE_ENTRIES + 3, 2999]))
        .catch((e: unknown) => e);
      expect(isTensorToolsError(error, "data")).toBe(true);
      expect((error as Error).message).toContain(name);
      expect((error as Error).message).toMatch(pattern);
    };
    const bad = Buffer.from(original);
    bad[0] = 0x58;
    writeFileSync(file, bad);
    await expectDataError(/magic bytes/);
    const page = Buffer.from(original);
    const second = 64 + ID_INDEX_PAGE_ENTRIES * 12;
    page[second] = page[second]! ^ 0xff;
    writeFileSync(file, page);
    await expectDataError(/page 1: does not start with the id/);
    writeFileSync(file, original.subarray(0, original.length - 10));
    await expectDataError(/bytes/);
  });

  it("is not needed to read bundles written before it existed (built in memory at open)", async () => {
    const path = join(fixtures, "bundles-0.1.0/dataset-0.1.0");
    const dataset = await openBundle(createDirectoryStore(path));
    const reader = await openInstances(createDirectoryStore(path));
    expect(reader.indexed).toBe(false);
    const ids = (dataset.ids("instance") as unknown[]).slice().reverse().slice(0, 3);
    const { rows, fields } = await reader.getMany(ids as string[]);
    expect(rows).toEqual(ids.map((id) => dataset.indexOf("instance", id as string)));
    expect(Array.from(fields.data!.data as Float32Array)).toEqual(
      Array.from((await dataset.read([rows])) as Float32Array),
    );
  });
});
