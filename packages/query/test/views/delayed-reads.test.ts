/** How transformed views read: lazily, straight into the caller's buffer, with the dtype rule. */

import { openBundle, writeBundle } from "@tt/bundle";
import {
  createTensor,
  type DType,
  type StoredDataset,
  type TypedArray,
  typedArrayConstructor,
} from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { createDataset, datasetFromTensor } from "../../src/index.js";
import { datasetOf, positionalTensor } from "./fixture.js";

const tensor = positionalTensor(12, 8, 3);

describe("transformed views", () => {
  it("read nothing until read, and then each chunk once", async () => {
    const { dataset, chunkReads } = await datasetOf(tensor);
    const view = dataset
      .slice("instance", 3, 12)
      .subtractMean("sample", { start: 0, stop: 3 })
      .subtractElement("channel", "Cz")
      .divide([1, 2, 4, 8, 16, 32, 64, 128], { axis: "sample" })
      .log1p()
      .abs();
    expect(view.shape).toEqual([9, 8, 3]);
    expect(view.toJSON().selectors.map((s) => s.op)).toEqual([
      "slice",
      "subtract_mean",
      "subtract_element",
      "divide",
      "log1p",
      "abs",
    ]);
    expect(chunkReads).toEqual([]);
    await view.materialize();
    // Instances 3..11 live in chunks 0, 1 and 2 (5 instances a chunk).
    expect([...chunkReads].sort()).toEqual(
      [0, 1, 2].map((c) => `${dataset.manifest.array_store}/c/${c}/0/0`),
    );
  });

  it("read rows straight into the caller's buffer, then transform them there", async () => {
    const store = createMemoryStore();
    const single = createTensor({
      ...tensor,
      dtype: "float32",
      data: Float32Array.from(tensor.data as Float64Array),
    });
    await writeBundle(store, single, { chunkShape: [4, 8, 3], codec: "none" });
    const stored = await openBundle(store);
    expect(stored.readInto).toBeDefined();
    const targets: TypedArray[] = [];
    const spied: StoredDataset = {
      ...stored,
      readInto: (selection, target, offset, options) => {
        targets.push(target);
        return stored.readInto!(selection, target, offset, options);
      },
    };
    const view = createDataset(spied).subtractMean("sample", { start: 0, stop: 2 }).multiply(0.5);
    expect(view.dtype).toBe("float32");
    const target = new Float32Array(12 * 24);
    await view.readRowsInto!(0, 12, target, 0);
    expect(targets).toEqual([target]);
    const expected = await datasetFromTensor(single)
      .subtractMean("sample", { start: 0, stop: 2 })
      .multiply(0.5)
      .materialize();
    expect(Array.from(target)).toEqual(Array.from(expected.data as Float32Array));
    // Instance 0, channel 0: samples j*100 - 50 (the mean of 0 and 100), halved.
    expect(Array.from(target.subarray(0, 24).filter((_, i) => i % 3 === 0))).toEqual(
      Array.from({ length: 8 }, (_, j) => (100 * j - 50) / 2),
    );
  });

  it.each<[DType, "float32" | "float64"]>([
    ["float32", "float32"],
    ["float64", "float64"],
    ["int8", "float64"],
    ["uint8", "float64"],
    ["int16", "float64"],
    ["uint16", "float64"],
    ["int32", "float64"],
    ["uint32", "float64"],
    ["int64", "float64"],
    ["uint64", "float64"],
    ["bool", "float64"],
  ])("of %s data are %s", async (dtype, expected) => {
    const Typed = typedArrayConstructor(dtype);
    const values = [0, 1, 1, 0, 1, 1];
    const data = (
      dtype === "int64" || dtype === "uint64"
        ? (Typed as BigInt64ArrayConstructor).from(values, BigInt)
        : (Typed as Float64ArrayConstructor).from(values)
    ) as TypedArray;
    const dataset = datasetFromTensor(
      createTensor({ data, dtype, shape: [2, 3], axes: ["i", "x"] }),
    );
    expect(dataset.dtype).toBe(dtype);
    const view = dataset.divide(4);
    expect(view.dtype).toBe(expected);
    const got = await view.materialize();
    expect(got.dtype).toBe(expected);
    expect(got.data).toBeInstanceOf(typedArrayConstructor(expected));
    expect(Array.from(got.data as Float64Array)).toEqual(values.map((v) => v / 4));
  });

  it("keep the mask as it is: invalid elements stay invalid, their values transformed", async () => {
    const mask = new Uint8Array(12 * 8 * 3).fill(1);
    mask[5] = 0;
    const masked = datasetFromTensor(createTensor({ ...tensor, mask }));
    const view = masked.add(1).sqrt();
    expect(view.hasMask).toBe(true);
    const got = await view.materialize();
    expect(got.mask).toEqual(mask);
    expect((got.data as Float64Array)[5]).toBe(Math.sqrt((tensor.data as Float64Array)[5]! + 1));
  });

  it("are immutable and leave the view they came from as it was", async () => {
    const base = datasetFromTensor(tensor).slice("sample", 0, 4);
    const scaled = base.multiply(2);
    expect(base.dtype).toBe("float64");
    expect(base.selectors).toHaveLength(1);
    expect(scaled.selectors).toHaveLength(2);
    const [a, b] = await Promise.all([base.materialize(), scaled.materialize()]);
    expect(Array.from(b.data as Float64Array)).toEqual(
      Array.from(a.data as Float64Array, (x) => 2 * x),
    );
  });

  it("read a block of many megabytes in pieces, each transformed as soon as it lands", async () => {
    const [n, samples, channels] = [1100, 1000, 2];
    const data = Float32Array.from({ length: n * samples * channels }, (_, i) => (i * 7919) % 1000);
    const big = createTensor({
      data,
      shape: [n, samples, channels],
      axes: ["i", "t", "c"],
      axisIndex: { i: Array.from({ length: n }, (_, i) => `r${i}`) },
    });
    const store = createMemoryStore();
    await writeBundle(store, big, { chunkShape: [300, samples, channels], codec: "none" });
    const dataset = createDataset(await openBundle(store));
    const weights = Array.from({ length: n }, (_, i) => 1 + (i % 5));
    const view = dataset
      .multiply(weights, { axis: "i" })
      .subtractMean("t", { start: 10, stop: 20 })
      .slice("t", 100, 1000);
    // Rows of 7200 bytes: 4 MiB pieces of 582 rows, so two pieces, the second one short.
    const target = new Float32Array(n * 900 * channels);
    await view.readRowsInto!(0, n, target, 0);
    const expected = new Float32Array(target.length);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < channels; c++) {
        const at = (t: number) => (i * samples + t) * channels + c;
        let sum = 0;
        for (let t = 10; t < 20; t++) sum += Math.fround(data[at(t)]! * weights[i]!);
        for (let t = 100; t < samples; t++)
          expected[(i * 900 + t - 100) * channels + c] =
            Math.fround(data[at(t)]! * weights[i]!) - sum / 10;
      }
    expect(target).toEqual(expected);
    expect((await view.materialize()).data).toEqual(expected);
  });

  it("fail with a read's error only once every piece's read has landed", async () => {
    const [n, samples] = [1100, 2000];
    const data = new Float32Array(n * samples);
    const ids = Array.from({ length: n }, (_, i) => `r${i}`);
    const store = createMemoryStore();
    await writeBundle(
      store,
      createTensor({ data, shape: [n, samples], axes: ["i", "t"], axisIndex: { i: ids } }),
      { codec: "none" },
    );
    const stored = await openBundle(store);
    let calls = 0;
    let landed = false;
    const failing: StoredDataset = {
      ...stored,
      async readInto(selection, target, offset, options) {
        calls++;
        if (calls > 1) throw new Error("disk gone");
        await new Promise((resolve) => setTimeout(resolve, 50));
        await stored.readInto!(selection, target, offset, options);
        landed = true;
      },
    };
    const view = createDataset(failing).subtractMean("t", { start: 0, stop: 10 });
    const failure = view.readRowsInto!(0, n, new Float32Array(n * samples), 0).then(
      () => undefined,
      (error: Error) => ({ message: error.message, landed }),
    );
    expect(await failure).toEqual({ message: "disk gone", landed: true });
    // Rows of 8000 bytes: pieces of 524 rows, three reads; the first lands after the others fail.
    expect(calls).toBe(3);
  });
});
