/**
 * Datasets over HDF5 (issue 20, item 2): the EEG epochs written to an HDF5 file by h5wasm, linked
 * into a bundle with their metadata as Parquet, read in place. Views, decompositions in memory
 * and streamed, joins, annotations and concatenation give what the same values held eagerly give;
 * a file changed after linking is refused and results computed before are reported stale; the
 * copy into Zarr holds the same values; MATLAB files link in MATLAB's axis order.
 */

import { copyFileSync, statSync, utimesSync } from "node:fs";
import { join, resolve } from "node:path";
import { EEG_INDEX_COLUMNS, eegTensor, fixture, serveDirectory } from "@tt/test-fixtures";
import h5wasm from "h5wasm/node";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AxisAnnotatedTensor,
  annotate,
  concatDatasets,
  type DecompositionResult,
  datasetFromTensor,
  decompose,
  importHdf5,
  isTensorToolsError,
  joinResult,
  openDataset,
  openResult,
  reopenInput,
  type TensorDataset,
  verifyDataset,
  writeResult,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const dir = scratchDirectory("tt-hdf5-datasets-");

/** Writes `tensor`'s values as `/eeg/epochs` of a new HDF5 file, chunked by 8 epochs. */
async function writeHdf5(path: string, tensor: AxisAnnotatedTensor): Promise<void> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, "w");
  try {
    file.create_group("eeg");
    (file.get("eeg") as InstanceType<typeof h5wasm.Group>).create_dataset({
      name: "epochs",
      data: tensor.data as Float32Array,
      shape: [...tensor.shape],
      chunks: [8, ...tensor.shape.slice(1)],
    });
  } finally {
    file.close();
  }
}

/** The numbers of a result, without where its input came from or when it ran. */
function numbersOf(result: DecompositionResult) {
  const { created_at: _, duration_ms: __, ...attrs } = result.attrs;
  const { kernels: ___, ...diagnostics } = result.diagnostics as Record<string, unknown>;
  return {
    config: result.config,
    attrs,
    diagnostics,
    tables: Object.fromEntries(
      Object.entries(result.factorTables).map(([name, table]) => [name, table.toRecords()]),
    ),
  };
}

/** Whether two typed arrays hold the same bytes (vitest's toEqual is slow on large ones). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return a.constructor === b.constructor && bytes(a).equals(bytes(b));
}

let tensor: AxisAnnotatedTensor;
let eager: TensorDataset;
let linked: TensorDataset;
const h5 = join(dir, "recordings.h5");
const bundle = join(dir, "eeg");

/** Links `file` (the EEG epochs) as a bundle at `path`, metadata from the tensor's tables. */
function link(path: string, file = h5, options = {}) {
  return importHdf5(path, file, {
    dataset: "/eeg/epochs",
    axes: ["epoch", "time", "channel"],
    axisMeta: tensor.axisMeta,
    axisIndexColumns: EEG_INDEX_COLUMNS,
    link: true,
    ...options,
  });
}

beforeAll(async () => {
  tensor = await eegTensor();
  eager = datasetFromTensor(tensor, { axisIndexColumns: EEG_INDEX_COLUMNS });
  await writeHdf5(h5, tensor);
  await link(bundle);
  linked = await openDataset(bundle);
});

describe("a bundle linked to an HDF5 file", () => {
  it("reads the file in place: a hard link, recorded with the HDF5 store's settings", async () => {
    const manifest = linked.dataset.manifest;
    expect(statSync(join(bundle, "arrays/recordings.h5")).ino).toBe(statSync(h5).ino);
    expect(manifest.array_store).toBe("arrays/recordings.h5");
    expect(manifest.plugins).toEqual({
      array_store: "hdf5",
      meta_io: "parquet",
      array_store_options: {
        dataset: "/eeg/epochs",
        axis_order: "hdf5",
        dimension_names: ["epoch", "time", "channel"],
      },
    });
    expect(Object.keys(manifest.meta_files)).toEqual(["epoch", "time", "channel"]);
    expect(manifest.meta_files.epoch).toMatch(/^meta\/epoch\.v1-[0-9a-f]{6}\.parquet$/);
  });

  it("opens as the dataset: shape, ids, metadata and values of the tensor", async () => {
    expect(linked.shape).toEqual(tensor.shape);
    expect(linked.ids("epoch")).toEqual(eager.ids("epoch"));
    expect(linked.meta("channel").toRecords()).toEqual(eager.meta("channel").toRecords());
    expect(sameBytes((await linked.materialize()).data, tensor.data)).toBe(true);
  });

  it("queries, filters, slices and takes as the tensor does", async () => {
    const chain = (d: TensorDataset) =>
      d
        .query("epoch", "rt_ms > 400")
        .query("channel", "type == 'EEG'")
        .slice("time", 100, 300)
        .take("channel", [5, 0, 5]);
    const [lazy, held] = [chain(linked), chain(eager)];
    expect(lazy.ids("epoch")).toEqual(held.ids("epoch"));
    expect(sameBytes((await lazy.materialize()).data, (await held.materialize()).data)).toBe(true);
  });

  it.each([
    ["pca in memory", "pca", { rank: 4 }],
    ["pca streamed in blocks", "pca", { rank: 4, memory_budget: 300_000 }],
    ["cp", "cp", { rank: 2, n_iter_max: 30 }],
  ])("%s equals that of the same values held eagerly", async (_, method, config) => {
    const view = linked.query("epoch", "rt_ms > 400");
    const result = await decompose(view, method, config, { seed: 5 });
    const held = await decompose(eager.query("epoch", "rt_ms > 400"), method, config, { seed: 5 });
    expect(numbersOf(result)).toEqual(numbersOf(held));
    if (method === "pca") expect(result.diagnostics.in_memory).toBe(!("memory_budget" in config));
  });

  it("joins a result back by instance id and annotates, the file staying in place", async () => {
    const result = await decompose(linked.query("epoch", "rt_ms > 400"), "pca", { rank: 2 });
    await writeResult(join(dir, "pca"), result);
    const joined = joinResult(linked, await openResult(join(dir, "pca")), { prefix: "pca_" });
    const high = joined.query("epoch", "pca_score_1 > 0 and rt_ms > 500");
    expect(high.shape[0]).toBeGreaterThan(0);
    const copy = join(dir, "annotated");
    await link(copy);
    const manifest = await annotate(copy, "epoch", result, { prefix: "pca_" });
    expect(manifest.inventory!["arrays/recordings.h5"]?.mtime_ms).toBe(statSync(h5).mtimeMs);
    const annotated = await openDataset(copy);
    expect(annotated.query("epoch", "pca_score_1 > 0 and rt_ms > 500").ids("epoch")).toEqual(
      high.ids("epoch"),
    );
  });

  it("concatenates with another linked bundle into a Zarr bundle", async () => {
    const second = join(dir, "second.h5");
    copyFileSync(h5, second);
    await link(join(dir, "eeg-2"), second);
    const out = join(dir, "both");
    await concatDatasets([bundle, join(dir, "eeg-2")], {
      out,
      align: { channel: "id", time: "id" },
    });
    const both = await openDataset(out);
    expect(both.shape).toEqual([160, 384, 32]);
    expect(both.dataset.manifest.plugins?.array_store).toBe("zarr");
    const data = (await both.materialize()).data as Float32Array;
    expect(sameBytes(data.subarray(tensor.data.length), tensor.data)).toBe(true);
  });

  it("is read over HTTP too, in place: the file by byte ranges, never whole", async () => {
    const server = await serveDirectory(dir);
    try {
      const remote = await openDataset(`${server.url}eeg/`);
      expect((await remote.take("epoch", [3]).materialize()).data).toEqual(
        (await eager.take("epoch", [3]).materialize()).data,
      );
      const file = server.served.filter((r) => r.path.endsWith(".h5"));
      expect(file.length).toBeGreaterThan(0);
      expect(file.every((r) => r.method === "HEAD" || r.range !== undefined)).toBe(true);
      const size = statSync(join(dir, "eeg", "arrays/recordings.h5")).size;
      expect(file.reduce((n, r) => n + r.bytes, 0)).toBeLessThan(size / 4);
    } finally {
      await server.close();
    }
  });
});

describe("a linked HDF5 file that changes", () => {
  it("is refused at open, reported by verify, and makes results computed before stale", async () => {
    const file = join(dir, "changing.h5");
    copyFileSync(h5, file);
    const path = join(dir, "changing");
    await link(path, file);
    const result = await decompose((await openDataset(path)).query("epoch", "rt_ms > 400"), "pca", {
      rank: 2,
    });
    await writeResult(join(dir, "changing-pca"), result);
    const opened = await openResult(join(dir, "changing-pca"));
    await reopenInput(opened);
    expect((await verifyDataset(path)).problems).toEqual([]);

    utimesSync(file, new Date(), new Date(statSync(file).mtimeMs + 60_000));
    const stale = await reopenInput(opened).catch((e: unknown) => e);
    expect(isTensorToolsError(stale, "input-changed")).toBe(true);
    expect((stale as { what: string }).what).toBe("data");
    expect((stale as Error).message).toContain(
      "arrays/changing.h5, a file the bundle reads in place, was modified at",
    );
    await expect(openDataset(path)).rejects.toThrow("a file the bundle reads in place");
    const { problems } = await verifyDataset(path);
    expect(problems.map((p) => p.key)).toEqual(["arrays/changing.h5"]);
  });
});

describe("importHdf5 without link", () => {
  it("copies the dataset into a Zarr bundle of the same values, block by block", async () => {
    const path = join(dir, "copied");
    const manifest = await importHdf5(path, h5, {
      dataset: "/eeg/epochs",
      axes: ["epoch", "time", "channel"],
      axisMeta: tensor.axisMeta,
      axisIndexColumns: EEG_INDEX_COLUMNS,
    });
    expect(manifest.plugins).toEqual({ array_store: "zarr", meta_io: "parquet" });
    expect(Object.keys(manifest.inventory!).some((key) => key.endsWith(".h5"))).toBe(false);
    const copied = await openDataset(path);
    expect(sameBytes((await copied.materialize()).data, tensor.data)).toBe(true);
    expect(copied.meta("epoch").toRecords()).toEqual(eager.meta("epoch").toRecords());
  });
});

describe("a MATLAB v7.3 file", () => {
  const mat = resolve(fixture("hdf5/matlab-v7.3.mat"));
  it.each([
    ["linked", true],
    ["copied", false],
  ])("%s in MATLAB's axis order holds X as MATLAB shows it", async (name, asLink) => {
    const local = join(dir, `session-${name}.mat`);
    copyFileSync(mat, local);
    const path = join(dir, `matlab-${name}`);
    await importHdf5(path, local, {
      dataset: "/X",
      axes: ["i", "j", "k"],
      axisOrder: "matlab",
      axisIndex: { i: ["a", "b", "c", "d"] },
      link: asLink,
    });
    const dataset = await openDataset(path);
    expect(dataset.shape).toEqual([4, 3, 2]);
    const at = (i: number, j: number, k: number) => 100 * i + 10 * j + k + 0.5;
    const data = (await dataset.materialize()).data as Float64Array;
    expect(data[(3 * 3 + 2) * 2 + 1]).toBe(at(3, 2, 1));
    expect(dataset.ids("i")).toEqual(["a", "b", "c", "d"]);
  });
});
