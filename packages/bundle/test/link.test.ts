/**
 * Linked bundles: the data array is a user's file, hard-linked into the bundle and read in place
 * by a store set up by settings the manifest records. A raw float32 file read by a store of this
 * test stands in for HDF5 (which `tensortools` tests), so the bundle layer is tested alone.
 */

import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ArrayStoreBackend,
  type AxisSelection,
  columnFromCells,
  createRegistry,
  isTensorToolsError,
  type JsonObject,
  type KeyValueStore,
  MetaTable,
  NotFoundError,
  resolveSelection,
  type StoredArray,
  UnsupportedError,
} from "@tt/schema";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  annotateDataset,
  appendDataset,
  cleanupDataset,
  linkDataset,
  openStoredDataset,
  verifyDataset,
  writeDataset,
} from "../src/fs.js";
import { sampleTensor } from "./helpers.js";

/** A raw little-endian float32 file of `shape`, its axes `dimension_names`. */
function rawArray(bytes: Uint8Array, settings: JsonObject): StoredArray {
  const shape = settings.shape as number[];
  const values = new Float32Array(bytes.slice().buffer);
  const read = async (selection: readonly AxisSelection[]) => {
    const picked = resolveSelection(shape, selection);
    const out = new Float32Array(picked.reduce((n, axis) => n * axis.length, 1));
    let k = 0;
    const visit = (axis: number, offset: number) => {
      for (const index of picked[axis]!) {
        const at = offset * shape[axis]! + index;
        if (axis === shape.length - 1) out[k++] = values[at]!;
        else visit(axis + 1, at);
      }
    };
    visit(0, 0);
    return out;
  };
  return {
    metadata: {
      shape,
      dtype: "float32",
      dimensionNames: settings.dimension_names as string[],
      chunkShape: [1, ...shape.slice(1)],
      codec: "none",
      fillValue: 0,
    },
    read,
  } as StoredArray;
}

function rawStore(settings: JsonObject = {}): ArrayStoreBackend {
  const refuse = () => Promise.reject(new UnsupportedError("raw writes", "read only"));
  return {
    id: "raw-f32",
    version: "0.0.0",
    configure: (next) => rawStore(next),
    async open(store: KeyValueStore, path: string) {
      const bytes = await store.get(path);
      if (bytes === undefined) throw new NotFoundError(path, `no file ${path}`);
      return rawArray(bytes, settings);
    },
    create: refuse,
    openWritable: refuse,
  };
}

const SHAPE = [6, 4, 2];
const AXES = ["trial", "time", "channel"];
const VALUES = Float32Array.from({ length: 48 }, (_, i) => i * 0.5 - 3);
const TRIALS = MetaTable.fromColumns({
  trial_id: columnFromCells("string", ["t0", "t1", "t2", "t3", "t4", "t5"]),
  condition: columnFromCells("string", ["a", "b", "a", "b", "a", "b"]),
});
const reader = {
  arrayStore: rawStore(),
  settings: { shape: SHAPE, dimension_names: AXES },
};
const registry = createRegistry([rawStore()]);

let folder: string;
let file: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "tt-link-"));
  file = join(folder, "recording.f32");
  writeFileSync(file, new Uint8Array(VALUES.buffer));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

async function linked(name = "bundle") {
  const path = join(folder, name);
  const manifest = await linkDataset(path, file, reader, {
    axisMeta: { trial: TRIALS },
    axisIndexColumns: { trial: "trial_id" },
    attrs: { source: "a raw file" },
  });
  return { path, manifest };
}

describe("linkDataset", () => {
  it("hard-links the file into the bundle and records the store, its settings and the file", async () => {
    const { path, manifest } = await linked();
    const inBundle = join(path, "arrays/recording.f32");
    expect(statSync(inBundle).ino).toBe(statSync(file).ino);
    expect(manifest).toMatchObject({
      shape: SHAPE,
      dtype: "float32",
      axes: AXES,
      array_store: "arrays/recording.f32",
      plugins: { array_store: "raw-f32", meta_io: "parquet", array_store_options: reader.settings },
      change: { kind: "link", file: "arrays/recording.f32" },
      axis_index_columns: { trial: "trial_id" },
      attrs: { source: "a raw file" },
    });
    expect(manifest.inventory!["arrays/recording.f32"]).toEqual({
      bytes: VALUES.byteLength,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      mtime_ms: statSync(file).mtimeMs,
    });
  });

  it("opens as a dataset whose reads come from the file, with the metadata by id", async () => {
    const { path } = await linked();
    const dataset = await openStoredDataset(path, { registry });
    expect(dataset.shape).toEqual(SHAPE);
    expect(dataset.getInstance("t3")?.meta).toMatchObject({ condition: "b" });
    expect(
      Array.from((await dataset.read([[3, 0], { start: 1, stop: 2 }, null])) as Float32Array),
    ).toEqual([VALUES[26], VALUES[27], VALUES[2], VALUES[3]]);
    const error = await openStoredDataset(path).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as Error).message).toContain("the 'raw-f32' array store");
  });

  it("refuses a file whose length or time changed since, as input that changed", async () => {
    const { path } = await linked();
    utimesSync(file, new Date(), new Date(Date.now() + 120_000));
    const error = await openStoredDataset(path, { registry }).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "input-changed")).toBe(true);
    expect((error as Error).message).toContain(
      "arrays/recording.f32, a file the bundle reads in place, was modified at",
    );
    const report = await verifyDataset(path);
    expect(report.problems).toEqual([
      { key: "arrays/recording.f32", problem: expect.stringContaining("its bytes are the same") },
    ]);
  });

  it("keeps the file through annotations and cleanups; refuses to append to it", async () => {
    const { path, manifest } = await linked();
    const annotated = await annotateDataset(
      path,
      "trial",
      MetaTable.fromColumns({
        trial_id: columnFromCells("string", ["t1"]),
        good: columnFromCells("boolean", [true]),
      }),
      { registry, graceMs: 0 },
    );
    expect(annotated.inventory!["arrays/recording.f32"]).toEqual(
      manifest.inventory!["arrays/recording.f32"],
    );
    expect(annotated.plugins).toEqual(manifest.plugins);
    await cleanupDataset(path, { graceMs: 0 });
    const dataset = await openStoredDataset(path, { registry });
    expect(dataset.meta("trial").get(1, "good")).toBe(true);
    const append = await appendDataset(path, [{ data: new Float32Array(8), ids: ["t6"] }], {
      registry,
    }).catch((e: unknown) => e);
    expect(isTensorToolsError(append, "unsupported")).toBe(true);
    expect((append as Error).message).toContain(
      "reads its array in place from arrays/recording.f32, a file it does not own, so it cannot grow",
    );
  });

  it("leaves the file when the bundle is overwritten by a copy and cleaned up", async () => {
    const { path } = await linked();
    await writeDataset(path, sampleTensor(), { overwrite: true, graceMs: 0 });
    await cleanupDataset(path, { graceMs: 0 });
    expect(readdirSync(join(path, "arrays"))).toContain("recording.f32");
    expect(statSync(file).size).toBe(VALUES.byteLength);
    expect((await openStoredDataset(path)).shape).toEqual(sampleTensor().shape);
  });

  it("relinks over a linked bundle (as its next version) with the link it has", async () => {
    const { path } = await linked();
    const again = await linkDataset(path, file, reader, {
      axisMeta: { trial: TRIALS },
      axisIndexColumns: { trial: "trial_id" },
      overwrite: true,
    });
    expect(again.version).toBe(2);
    expect(again.array_store).toBe("arrays/recording.f32");
    expect(readdirSync(join(path, "arrays"))).toEqual(["recording.f32"]);
  });

  it("relinks a file that changed from the bundle's own link, which then opens again", async () => {
    const { path } = await linked();
    utimesSync(file, new Date(), new Date(Date.now() + 120_000));
    await expect(openStoredDataset(path, { registry })).rejects.toThrow("reads in place");
    const again = await linkDataset(path, join(path, "arrays/recording.f32"), reader, {
      axisMeta: { trial: TRIALS },
      axisIndexColumns: { trial: "trial_id" },
      overwrite: true,
    });
    expect(again.array_store).toBe("arrays/recording.f32");
    expect((await openStoredDataset(path, { registry })).shape).toEqual(SHAPE);
    expect((await verifyDataset(path)).problems).toEqual([]);
  });

  it.each([
    [
      "a file named like one tensortools writes",
      () => {
        const named = join(folder, "data.v1-abcdef.f32");
        writeFileSync(named, new Uint8Array(VALUES.buffer));
        return named;
      },
      "is named like a file tensortools writes and removes",
    ],
    ["a missing file", () => join(folder, "nothing.f32"), "no file"],
    ["a folder", () => folder, "is not a file"],
  ])("refuses %s, writing nothing", async (_, source, says) => {
    const path = join(folder, "bundle");
    const error = await linkDataset(path, source(), reader, {
      axisMeta: { trial: TRIALS },
      axisIndexColumns: { trial: "trial_id" },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(says);
    expect(readdirSync(folder).filter((name) => name.includes("bundle"))).toEqual([]);
  });

  it("refuses metadata that does not fit the file's array, leaving the file", async () => {
    const error = await linkDataset(join(folder, "bundle"), file, reader, {
      axisMeta: { trial: MetaTable.fromColumns({ trial_id: columnFromCells("string", ["t0"]) }) },
    }).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toContain("1 rows");
    expect(statSync(file).nlink).toBe(1);
  });

  it.skipIf(!statSync("/dev/shm", { throwIfNoEntry: false })?.isDirectory())(
    "refuses a file on another file system rather than copy it",
    async () => {
      const other = mkdtempSync("/dev/shm/tt-link-");
      try {
        const elsewhere = join(other, "recording.f32");
        writeFileSync(elsewhere, new Uint8Array(VALUES.buffer));
        const error = await linkDataset(join(folder, "bundle"), elsewhere, reader, {
          axisMeta: { trial: TRIALS },
          axisIndexColumns: { trial: "trial_id" },
        }).catch((e: unknown) => e);
        if (statSync(other).dev === statSync(folder).dev) return;
        expect(isTensorToolsError(error, "unsupported")).toBe(true);
        expect((error as Error).message).toContain("the bundle must be on the same file system");
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    },
  );
});
