/** Fields: arrays beside `data` sharing the instance axis, added one at a time and updated by id. */

import { join } from "node:path";
import {
  columnFromCells,
  createTensor,
  isTensorToolsError,
  MetaTable,
  type StoredDataset,
} from "@tt/schema";
import { afterEach, describe, expect, it } from "vitest";
import {
  addField,
  buildDatasetPyramid,
  openStoredDataset,
  updateInstances,
  verifyDataset,
  writeDataset,
} from "../src/fs.js";
import { sampleTensor, temporaryDirectory } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const N = 6;
const ids = Array.from({ length: N }, (_, i) => `rec01-e${String(i).padStart(3, "0")}`);

/** A spectrogram-like field: instance x freq x time, value 1000 i + 10 f + t. */
function spectrogram(n = N) {
  const data = new Float64Array(n * 4 * 3).map((_, k) => {
    const i = Math.floor(k / 12);
    return 1000 * i + 10 * Math.floor((k % 12) / 3) + (k % 3);
  });
  return createTensor({
    data,
    shape: [n, 4, 3],
    axes: ["row", "freq", "time"],
    axisIndex: { freq: [5, 10, 20, 40] },
    axisMeta: {
      time: MetaTable.fromColumns({ time_s: columnFromCells("float64", [0, 0.5, 1]) }),
    },
  });
}

async function written() {
  const dir = temporaryDirectory();
  cleanups.push(dir.cleanup);
  const path = join(dir.path, "dataset");
  await writeDataset(path, sampleTensor(N), { chunkShape: [2, 7, 3] });
  return path;
}

async function caught(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected the call to fail");
}

const readAll = (dataset: StoredDataset) => dataset.read(dataset.shape.map(() => null));

describe("fields", () => {
  it("adds a field as a new version that keeps every other file, with its own axes and metadata", async () => {
    const path = await written();
    const before = await openStoredDataset(path);
    const manifest = await addField(path, "spectrogram", spectrogram(), {
      axes: ["instance", "freq", "time"],
      chunkShape: [4, 4, 3],
    });
    expect(manifest.version).toBe(2);
    expect(manifest.change).toEqual({
      kind: "add_field",
      field: "spectrogram",
      shape: [N, 4, 3],
      dtype: "float64",
    });
    expect(manifest.array_store).toBe(before.manifest.array_store);
    const entry = manifest.fields!.spectrogram!;
    expect(entry.array_store).toMatch(/^arrays\/spectrogram\.v2-[0-9a-z]+\.zarr$/);
    expect(Object.keys(entry.meta_files!).sort()).toEqual(["freq", "time"]);
    const dataset = await openStoredDataset(path);
    expect(dataset.fields).toEqual(["data", "spectrogram"]);
    const field = dataset.fieldDataset!("spectrogram");
    expect(field.axes).toEqual(["instance", "freq", "time"]);
    expect(field.shape).toEqual([N, 4, 3]);
    expect(field.dtype).toBe("float64");
    expect(Array.from((await readAll(field)) as Float64Array)).toEqual(
      Array.from(spectrogram().data as Float64Array),
    );
    expect(field.ids("instance")).toEqual(ids);
    expect(Array.from(field.ids("freq") as ArrayLike<number>)).toEqual([5, 10, 20, 40]);
    expect(field.meta("time").column("time_s").values).toEqual(new Float64Array([0, 0.5, 1]));
    expect(field.getInstance("rec01-e003")?.index).toBe(3);
    expect(await readAll(dataset)).toEqual(await readAll(before));
    expect((await verifyDataset(path)).problems).toEqual([]);
  });

  it("adds fields one at a time; each keeps the others", async () => {
    const path = await written();
    await addField(path, "spectrogram", spectrogram(), { axes: ["instance", "freq", "time"] });
    const features = createTensor({
      data: new Float32Array(N * 5).map((_, k) => k / 2),
      shape: [N, 5],
      axes: ["instance", "feature"],
    });
    const manifest = await addField(path, "features", features);
    expect(manifest.version).toBe(3);
    const dataset = await openStoredDataset(path);
    expect(dataset.fields).toEqual(["data", "spectrogram", "features"]);
    expect(Array.from((await readAll(dataset.fieldDataset!("features"))) as Float32Array)).toEqual(
      Array.from(features.data as Float32Array),
    );
    expect(dataset.fieldDataset!("spectrogram").shape).toEqual([N, 4, 3]);
  });

  it("refuses a wrong first dimension, an existing name, an unsafe name, mismatched ids", async () => {
    const path = await written();
    const short = await caught(addField(path, "spectrogram", spectrogram(N - 1)));
    expect(isTensorToolsError(short, "data")).toBe(true);
    expect(short.message).toMatch(/field 'spectrogram'.*5 elements on its first axis.*6 instances/);
    await addField(path, "spectrogram", spectrogram());
    const again = await caught(addField(path, "spectrogram", spectrogram()));
    expect(isTensorToolsError(again, "exists")).toBe(true);
    expect(again.message).toMatch(/already has a field 'spectrogram'/);
    for (const name of ["../x", "a b", "data", ""]) {
      const unsafe = await caught(addField(path, name, spectrogram()));
      expect(isTensorToolsError(unsafe, "argument")).toBe(true);
      expect(unsafe.parameter).toBe("name");
    }
    const reordered = createTensor({
      data: new Float32Array(N),
      shape: [N],
      axes: ["instance"],
      axisIndex: { instance: [...ids].reverse() },
    });
    const order = await caught(addField(path, "score", reordered));
    expect(isTensorToolsError(order, "data")).toBe(true);
    expect(order.message).toMatch(/block at instance 0 row 0.*"rec01-e005".*"rec01-e000"/);
    const wrongAxis = await caught(
      addField(path, "x", spectrogram(), { axes: ["event", "f", "t"] }),
    );
    expect(isTensorToolsError(wrongAxis, "argument")).toBe(true);
    expect(wrongAxis.message).toMatch(/must start with 'instance'/);
    expect((await openStoredDataset(path)).manifest.version).toBe(2);
  });

  it("updates instances by id as a new version; readers of the old one see none of it", async () => {
    const path = await written();
    await addField(path, "spectrogram", spectrogram(), { chunkShape: [2, 4, 3] });
    const before = await openStoredDataset(path);
    const oldValues = await readAll(before.fieldDataset!("spectrogram"));
    const values = new Float64Array(2 * 12).fill(-1);
    values.fill(-2, 12);
    const manifest = await updateInstances(
      path,
      "spectrogram",
      ["rec01-e004", "rec01-e001"],
      values,
      {
        graceMs: 60_000,
      },
    );
    expect(manifest.change).toEqual({ kind: "update", field: "spectrogram", n_instances: 2 });
    expect(manifest.array_store).toBe(before.manifest.array_store);
    const after = await openStoredDataset(path);
    const updated = (await readAll(after.fieldDataset!("spectrogram"))) as Float64Array;
    const expected = Float64Array.from(oldValues as Float64Array);
    expected.fill(-1, 4 * 12, 5 * 12);
    expected.fill(-2, 1 * 12, 2 * 12);
    expect(Array.from(updated)).toEqual(Array.from(expected));
    expect(await readAll(before.fieldDataset!("spectrogram"))).toEqual(oldValues);
    expect(await readAll(after)).toEqual(await readAll(before));
    expect((await verifyDataset(path)).problems).toEqual([]);
  });

  it("updates the default field and drops nothing else", async () => {
    const path = await written();
    const before = await openStoredDataset(path);
    const manifest = await updateInstances(
      path,
      "data",
      ["rec01-e002"],
      new Float32Array(21).fill(7),
    );
    expect(manifest.change).toEqual({ kind: "update", field: "data", n_instances: 1 });
    expect(manifest.array_store).not.toBe(before.manifest.array_store);
    const data = (await readAll(await openStoredDataset(path))) as Float32Array;
    const old = (await readAll(before)) as Float32Array;
    expect(Array.from(data.subarray(42, 63))).toEqual(new Array(21).fill(7));
    expect(Array.from(data.subarray(0, 42))).toEqual(Array.from(old.subarray(0, 42)));
    expect(Array.from(data.subarray(63))).toEqual(Array.from(old.subarray(63)));
  });

  it("drops the pyramids of the updated field and keeps the others", async () => {
    const path = await written();
    await addField(path, "spectrogram", spectrogram());
    await buildDatasetPyramid(path, { factor: 2, targetBytes: 0 });
    const other = await updateInstances(path, "spectrogram", ["rec01-e000"], new Float64Array(12));
    expect(other.pyramids?.map((pyramid) => pyramid.field)).toEqual(["data"]);
    const own = await updateInstances(path, "data", ["rec01-e000"], new Float32Array(21));
    expect(own.pyramids).toBeUndefined();
    expect((await verifyDataset(path)).problems).toEqual([]);
  });

  it("refuses unknown ids, repeated ids, values of another dtype or length, unknown fields", async () => {
    const path = await written();
    const unknown = await caught(updateInstances(path, "data", ["nope"], new Float32Array(21)));
    expect(isTensorToolsError(unknown, "not-found")).toBe(true);
    expect(unknown.message).toMatch(/ids\[0\] = "nope" is not an id of 'instance'/);
    const twice = await caught(
      updateInstances(path, "data", ["rec01-e001", "rec01-e001"], new Float32Array(42)),
    );
    expect(isTensorToolsError(twice, "argument")).toBe(true);
    expect(twice.message).toMatch(/ids\[1\] = "rec01-e001" repeats ids\[0\]/);
    const dtype = await caught(updateInstances(path, "data", ["rec01-e001"], new Float64Array(21)));
    expect(dtype.message).toMatch(/values are a Float64Array, the field holds float32/);
    const length = await caught(
      updateInstances(path, "data", ["rec01-e001"], new Float32Array(20)),
    );
    expect(length.message).toMatch(/20 elements, 1 instances of \[7, 3\] need 21/);
    const field = await caught(
      updateInstances(path, "waveform", ["rec01-e001"], new Float32Array(21)),
    );
    expect(isTensorToolsError(field, "not-found")).toBe(true);
    expect(field.message).toMatch(/no field 'waveform'; its fields are data/);
    expect((await openStoredDataset(path)).manifest.version).toBe(1);
  });
});
