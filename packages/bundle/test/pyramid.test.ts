/**
 * Pyramids against numpy (fixtures/golden/pyramid.json, written by
 * scripts/golden/make_pyramid_golden.py): mean, min and max of every level of a 37 x 23 x 2
 * tensor with NaN and masked elements, factors 2 and 4, stored and sorted order; and the write
 * protocol around them (atomic builds, appends that drop them, typed errors).
 */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  columnFromCells,
  createTensor,
  isTensorToolsError,
  type KeyValueStore,
  MetaTable,
  type WritableKeyValueStore,
} from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import {
  annotateBundle,
  appendBundle,
  buildPyramid,
  cleanupBundle,
  openBundle,
  openPyramid,
  type Pyramid,
  writeBundle,
} from "../src/index.js";

interface GoldenLevel {
  level: number;
  shape: number[];
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}
const golden = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../../fixtures/golden/pyramid.json"), "utf8"),
) as {
  shape: number[];
  data: (number | null)[];
  mask: number[];
  key: (number | null)[];
  order: number[];
  cases: Record<string, { factor: number; levels: GoldenLevel[] }>;
};

const [instances, samples, channels] = golden.shape as [number, number, number];

/** The golden tensor: NaN where the JSON has null, its mask and its sort key column. */
function goldenTensor(order?: readonly number[]) {
  const slab = samples * channels;
  const rows = order ?? Array.from({ length: instances }, (_, i) => i);
  const data = new Float32Array(instances * slab);
  const mask = new Uint8Array(instances * slab);
  rows.forEach((row, i) => {
    for (let j = 0; j < slab; j++) {
      data[i * slab + j] = golden.data[row * slab + j] ?? Number.NaN;
      mask[i * slab + j] = golden.mask[row * slab + j]!;
    }
  });
  return createTensor({
    data,
    mask,
    shape: golden.shape,
    axes: ["instance", "sample", "channel"],
    axisIndex: { instance: rows.map((row) => `e${row}`) },
    axisMeta: {
      instance: MetaTable.fromColumns({
        rt: columnFromCells(
          "float64",
          rows.map((row) => golden.key[row] ?? null),
        ),
      }),
    },
  });
}

async function goldenBundle(chunkRows = 5): Promise<WritableKeyValueStore> {
  const store = createMemoryStore();
  await writeBundle(store, goldenTensor(), { chunkShape: [chunkRows, samples, channels] });
  return store;
}

/** Every element of every level and reduction equals numpy's (NaN where numpy has null). */
async function expectGolden(pyramid: Pyramid, levels: GoldenLevel[]) {
  expect(pyramid.levels.length).toBe(levels.length + 1);
  for (const expected of levels) {
    const level = pyramid.levels[expected.level]!;
    expect(level.shape).toEqual(expected.shape);
    for (const reduction of ["mean", "min", "max"] as const) {
      const [rows, cols] = expected.shape as [number, number];
      for (let channel = 0; channel < channels; channel++) {
        const tile = await pyramid.readTile(
          expected.level,
          reduction,
          { start: 0, stop: rows },
          { start: 0, stop: cols },
          channel,
        );
        const want = Array.from({ length: rows * cols }, (_, k) => {
          const value = expected[reduction][k * channels + channel];
          return value === null ? Number.NaN : value;
        });
        want.forEach((value, k) => {
          if (Number.isNaN(value))
            expect(tile[k], `${reduction} level ${expected.level} #${k}`).toBeNaN();
          else expect(tile[k]).toBeCloseTo(value!, 5);
        });
      }
    }
  }
}

describe("buildPyramid against numpy", () => {
  for (const name of ["factor2", "factor4"]) {
    it(`matches the golden ${name} levels, partial last bins and NaN/masked elements included`, async () => {
      const store = await goldenBundle();
      const { factor, levels } = golden.cases[name]!;
      // tileSize 4 and blocks of 3 rows make every level flush several tiles mid-block.
      const manifest = await buildPyramid(store, {
        factor,
        targetBytes: 0,
        tileSize: 4,
        blockRows: 3,
      });
      expect(manifest.pyramids).toHaveLength(1);
      expect(manifest.change).toMatchObject({ kind: "pyramid", factor, levels: levels.length });
      await expectGolden(await openPyramid(store), levels);
    });
  }

  it("sorted by a column equals numpy's pyramid of the sorted tensor, NaN keys last", async () => {
    const store = await goldenBundle();
    await buildPyramid(store, { sortBy: "rt", targetBytes: 0, tileSize: 4, blockRows: 7 });
    const pyramid = await openPyramid(store, { sortBy: "rt" });
    expect(Array.from(pyramid.order!)).toEqual(golden.order);
    await expectGolden(pyramid, golden.cases.factor2_sorted!.levels);
  });

  it("sorted equals the pyramid of a bundle written in sorted order", async () => {
    const store = await goldenBundle();
    await buildPyramid(store, { sortBy: "rt", targetBytes: 0 });
    const sorted = createMemoryStore();
    await writeBundle(sorted, goldenTensor(golden.order), { chunkShape: [4, samples, channels] });
    await buildPyramid(sorted, { targetBytes: 0 });
    const a = await openPyramid(store, { sortBy: "rt" });
    const b = await openPyramid(sorted);
    for (const level of a.levels) {
      const [rows, cols] = level.shape as [number, number];
      for (const reduction of ["mean", "min", "max"] as const) {
        const range = { start: 0, stop: rows };
        const left = await a.readTile(level.level, reduction, range, { start: 0, stop: cols }, 1);
        const right = await b.readTile(level.level, reduction, range, { start: 0, stop: cols }, 1);
        expect(Array.from(left)).toEqual(Array.from(right));
      }
    }
  });

  it("sorts by a column of another table joined by id (a result's scores), descending", async () => {
    const store = await goldenBundle();
    const scores = MetaTable.fromColumns({
      instance_id: columnFromCells("string", ["e3", "e1", "e30"]),
      score_1: columnFromCells("float64", [0.5, 2, 1]),
    });
    await buildPyramid(store, {
      sortBy: { column: "score_1", table: scores },
      descending: true,
      targetBytes: 0,
    });
    const pyramid = await openPyramid(store, { sortBy: "score_1" });
    expect(pyramid.sortBy).toEqual({ axis: "instance", column: "score_1", descending: true });
    expect(Array.from(pyramid.order!.subarray(0, 5))).toEqual([1, 30, 3, 0, 2]);
  });

  it("reads level 0 as the base in the pyramid's order, masked elements NaN", async () => {
    const store = await goldenBundle();
    await buildPyramid(store, { sortBy: "rt" });
    const pyramid = await openPyramid(store, { sortBy: "rt" });
    const tile = await pyramid.readTile(0, "mean", { start: 0, stop: 2 }, { start: 0, stop: 6 }, 0);
    const row = golden.order[0]!;
    const slab = samples * channels;
    for (let s = 0; s < 6; s++) {
      const k = row * slab + s * channels;
      const want = golden.mask[k] ? (golden.data[k] ?? Number.NaN) : Number.NaN;
      if (Number.isNaN(want)) expect(tile[s]).toBeNaN();
      else expect(tile[s]).toBeCloseTo(want, 6);
    }
  });
});

describe("the pyramid's place in the write protocol", () => {
  it("is a new version whose manifest names it, lists its files and records its source", async () => {
    const store = await goldenBundle();
    const before = (await openBundle(store)).manifest;
    const manifest = await buildPyramid(store, { factor: 4 });
    const [entry] = manifest.pyramids!;
    expect(manifest.version).toBe(before.version! + 1);
    expect(entry).toMatchObject({
      field: "data",
      axes: ["instance", "sample"],
      factor: 4,
      sort_by: null,
      built_from: { version: before.version, array_store: before.array_store },
    });
    expect(entry!.path).toMatch(/^arrays\/data\.pyramid\.v2-[^/]+\.zarr$/);
    const files = Object.keys(manifest.inventory!).filter((f) => f.startsWith(`${entry!.path}/`));
    expect(files).toContain(`${entry!.path}/zarr.json`);
    expect(files).toContain(`${entry!.path}/mean/1/zarr.json`);
    expect(files.some((f) => f.startsWith(`${entry!.path}/max/1/c/`))).toBe(true);
  });

  it("a failure mid-build leaves the previous manifest and no pyramid files", async () => {
    const store = await goldenBundle();
    const before = await store.get("manifest.json");
    let writes = 0;
    const failing: WritableKeyValueStore = {
      ...store,
      location: store.location,
      async set(key, value, options) {
        if (key.includes(".pyramid.") && key.includes("/c/") && ++writes > 3)
          throw new Error("disk full");
        return store.set(key, value, options);
      },
    };
    await expect(buildPyramid(failing, { tileSize: 4, targetBytes: 0 })).rejects.toThrow(
      "disk full",
    );
    expect(await store.get("manifest.json")).toEqual(before);
    const left: string[] = [];
    for await (const key of store.list("")) if (key.includes("pyramid")) left.push(key);
    expect(left).toEqual([]);
    await expect(openPyramid(store)).rejects.toSatisfy((e) => isTensorToolsError(e, "not-found"));
  });

  it("an append drops the pyramid: readers never read it stale", async () => {
    const store = await goldenBundle();
    await buildPyramid(store);
    const slab = samples * channels;
    const grown = await appendBundle(store, [
      {
        data: new Float32Array(2 * slab).fill(100),
        ids: ["n1", "n2"],
        mask: new Uint8Array(2 * slab).fill(1),
      },
    ]);
    expect(grown.pyramids).toBeUndefined();
    const error = await openPyramid(store).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect(String(error)).toMatch(/has no pyramid of 'data'/);
    // A rebuild covers the appended rows.
    await buildPyramid(store, { targetBytes: 0 });
    const pyramid = await openPyramid(store);
    expect(pyramid.levels[1]!.shape[0]).toBe(Math.ceil((instances + 2) / 2));
    const last = pyramid.levels[1]!.shape[0]! - 1;
    const tile = await pyramid.readTile(
      1,
      "max",
      { start: last, stop: last + 1 },
      { start: 0, stop: 1 },
      0,
    );
    expect(tile[0]).toBe(100);
  });

  it("a manifest whose pyramid was built from other data is refused as stale", async () => {
    const store = await goldenBundle();
    const manifest = await buildPyramid(store);
    const stale = {
      ...manifest,
      pyramids: [
        { ...manifest.pyramids![0]!, built_from: { version: 0, array_store: "arrays/old.zarr" } },
      ],
    };
    await store.set("manifest.json", new TextEncoder().encode(JSON.stringify(stale)));
    const error = await openPyramid(store).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(String(error)).toMatch(
      /pyramids\[0\].*stale: it was built from version 0 \(arrays\/old\.zarr\)/,
    );
  });

  it("an annotation keeps the pyramids but those sorted by a column it replaces", async () => {
    const store = await goldenBundle();
    await buildPyramid(store);
    await buildPyramid(store, { sortBy: "rt" });
    const table = MetaTable.fromColumns({
      instance_id: columnFromCells("string", ["e0"]),
      rt: columnFromCells("float64", [99]),
    });
    const annotated = await annotateBundle(store, "instance", table, { mode: "replace" });
    expect(annotated.pyramids!.map((p) => p.sort_by)).toEqual([null]);
    await openPyramid(store);
    await expect(openPyramid(store, { sortBy: "rt" })).rejects.toThrow(
      /has no pyramid of 'data' sorted by 'rt'/,
    );
  });

  it("a rebuild of the same field and order replaces the entry; cleanup removes the old group", async () => {
    const store = await goldenBundle();
    const first = (await buildPyramid(store)).pyramids![0]!.path;
    const manifest = await buildPyramid(store, { factor: 4 });
    expect(manifest.pyramids!.map((p) => p.factor)).toEqual([4]);
    const groups = async () => {
      const found = new Set<string>();
      for await (const key of store.list("arrays/"))
        if (key.includes(".pyramid.")) found.add(key.split("/")[1]!);
      return [...found];
    };
    expect(await groups()).toHaveLength(2);
    await cleanupBundle(store, { graceMs: 0 });
    expect(await groups()).toEqual([manifest.pyramids![0]!.path.split("/")[1]]);
    expect(first).not.toBe(manifest.pyramids![0]!.path);
    await openPyramid(store);
  });
});

describe("bad input", () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["factor 3", { factor: 3 }, "config", /factor.*must be 2 or 4, got 3/],
    [
      "an unknown column",
      { sortBy: "nope" },
      "config",
      /sortBy.*axis 'instance'.*no column 'nope'; its columns are/,
    ],
    [
      "a missing field",
      { field: "masks" },
      "not-found",
      /has no field 'masks'; its fields are data/,
    ],
    [
      "an unknown axis",
      { axes: ["instance", "time"] },
      "config",
      /'time' is not an axis.*instance, sample, channel/,
    ],
    ["axes without the first", { axes: ["sample"] }, "config", /'instance' first/],
    [
      "an unknown reduction",
      { reduce: ["median"] },
      "config",
      /'median' is not one of mean, min, max/,
    ],
  ];
  for (const [what, options, tag, message] of cases)
    it(`${what} is a typed error naming it, before anything is written`, async () => {
      const store = await goldenBundle();
      const before = await store.get("manifest.json");
      const error = await buildPyramid(store, options).catch((e: unknown) => e);
      expect(isTensorToolsError(error, tag as never), String(error)).toBe(true);
      expect(String(error)).toMatch(message);
      expect(await store.get("manifest.json")).toEqual(before);
    });

  it("opening a pyramid that is not there names what there is", async () => {
    const store = await goldenBundle();
    await buildPyramid(store);
    await expect(openPyramid(store, { sortBy: "rt" })).rejects.toThrow(
      /sorted by 'rt'.*\(it has unsorted\); build it/,
    );
  });

  it("a tile outside the level is an invalid selection", async () => {
    const store: KeyValueStore = await goldenBundle();
    await buildPyramid(store as WritableKeyValueStore);
    const pyramid = await openPyramid(store);
    const error = await pyramid
      .readTile(1, "mean", { start: 0, stop: 100 }, { start: 0, stop: 1 }, 0)
      .catch((e: unknown) => e);
    expect(isTensorToolsError(error, "selection"), String(error)).toBe(true);
  });
});
