import { readFileSync } from "node:fs";
import { type AxisSelection, gather } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { describe, expect, it } from "vitest";
import { hdf5Store, openHdf5Array } from "../src/index.js";
import { expected, FIXTURES, fixture, typedValues } from "./fixtures.js";

// Every dataset of datasets.h5 that a tensor can hold, checked against what h5py read back
// (fixtures/hdf5/expected.json): chunked (gzip, shuffle + gzip, chunks that do not divide the
// shape), contiguous, big-endian, every integer and float type, h5py's bool, 1-d and empty.
const datasets = Object.entries(expected["datasets.h5"].datasets);
const file = fixture("datasets.h5");

/** Selections of every kind for an array of `shape`: ranges, indices in any order with repeats. */
function selectionsFor(shape: readonly number[]): [string, AxisSelection[]][] {
  const [rows = 0] = shape;
  const middle = Math.floor(rows / 2);
  const backwards = (n: number) => Array.from({ length: n }, (_, i) => n - 1 - i);
  const evens = (n: number) => Array.from({ length: Math.ceil(n / 2) }, (_, i) => 2 * i);
  return [
    ["all", []],
    ["rows in any order with repeats", [rows > 0 ? [rows - 1, 0, middle, middle] : []]],
    [
      "a range of rows, other axes backwards",
      [
        { start: Math.min(1, rows), stop: Math.max(Math.min(1, rows), rows - 1) },
        ...shape.slice(1).map(backwards),
      ],
    ],
    ["every other element of every axis", shape.map(evens)],
    ["no rows", [{ start: 0, stop: 0 }]],
  ];
}

describe("datasets.h5 (written by h5py) reads as h5py reads it", () => {
  for (const [name, want] of datasets) {
    it(`${name}: ${want.descr} ${JSON.stringify(want.shape)}, chunks ${JSON.stringify(want.chunks)}`, async () => {
      const array = await openHdf5Array(file, name);
      const values = typedValues(want.dtype, want.values);
      expect(array.metadata.shape).toEqual(want.shape);
      expect(array.metadata.dtype).toBe(want.dtype);
      expect(array.hdf5.chunks).toEqual(want.chunks);
      if (want.chunks) expect(array.metadata.chunkShape).toEqual(want.chunks);
      const filters = [
        ...(want.shuffle ? ["shuffle"] : []),
        ...(want.compression === "gzip" ? ["gzip"] : []),
      ];
      expect(array.hdf5.filters).toEqual(filters);
      expect(array.metadata.codec).toBe(filters.length === 0 ? "none" : filters.join("+"));
      expect(array.hdf5.byteOrder).toBe(want.descr.startsWith(">") ? "big" : "little");
      expect(array.hdf5.userBlock).toBe(0);
      for (const [label, selection] of selectionsFor(want.shape)) {
        const got = await array.read(selection);
        expect(got, label).toEqual(gather(values, want.shape, selection));
      }
      array.close();
    });
  }

  it("takes the axis names from HDF5 dimension labels (h5py's dims[i].label), else dim_i", async () => {
    const labelled = await openHdf5Array(file, "labelled");
    expect(labelled.metadata.dimensionNames).toEqual(
      expected["datasets.h5"].datasets.labelled!.labels,
    );
    expect(labelled.metadata.dimensionNames).toEqual(["instance", "sample", "channel"]);
    const matlabOrder = await openHdf5Array(file, "labelled", { axisOrder: "matlab" });
    expect(matlabOrder.metadata.dimensionNames).toEqual(["channel", "sample", "instance"]);
    const plain = await openHdf5Array(file, "float32/contiguous");
    expect(plain.metadata.dimensionNames).toEqual(["dim_0", "dim_1"]);
    const named = await openHdf5Array(file, "float32/contiguous", { dimensionNames: ["a", "b"] });
    expect(named.metadata.dimensionNames).toEqual(["a", "b"]);
  });

  it("follows soft links to datasets", async () => {
    const linked = await openHdf5Array(file, "/soft_link");
    const target = await openHdf5Array(file, "/float32/contiguous");
    expect(linked.hdf5.dataset).toBe("/soft_link");
    expect(await linked.read([])).toEqual(await target.read([]));
  });

  it("reads into a buffer at an offset, leaving the rest alone", async () => {
    const want = expected["datasets.h5"].datasets["int/i8-be-chunked"]!;
    const array = await openHdf5Array(file, "int/i8-be-chunked");
    const selection = [
      [3, 0, 3],
      [2, 0],
    ];
    const target = new BigInt64Array(12).fill(-7n);
    await array.readInto!(selection, target, 5);
    const picked = gather(typedValues("int64", want.values), want.shape, selection);
    expect(target.subarray(5, 11)).toEqual(picked);
    expect([...target.subarray(0, 5), ...target.subarray(11)]).toEqual(Array(6).fill(-7n));
  });

  it("opens the same dataset from bytes, a Blob, a directory store and a memory store", async () => {
    const bytes = new Uint8Array(readFileSync(file));
    const want = await (await openHdf5Array(file, "float64/big_endian_chunked")).read([]);
    const memory = createMemoryStore();
    await memory.set("data/datasets.h5", bytes);
    const opened = [
      await openHdf5Array(bytes, "float64/big_endian_chunked"),
      await openHdf5Array(new Blob([bytes]), "/float64/big_endian_chunked"),
      await hdf5Store.open(
        createDirectoryStore(FIXTURES),
        "datasets.h5:/float64/big_endian_chunked",
      ),
      await hdf5Store.open(memory, "data/datasets.h5:/float64/big_endian_chunked"),
    ];
    for (const array of opened) expect(await array.read([])).toEqual(want);
    expect((opened[2] as { hdf5?: { file: string } }).hdf5?.file).toBe(`${FIXTURES}/datasets.h5`);
    expect((opened[3] as { hdf5?: { file: string } }).hdf5?.file).toBe("memory://data/datasets.h5");
  });

  it("rejects selections outside the dataset with a selection error naming the axis", async () => {
    const array = await openHdf5Array(file, "labelled");
    await expect(array.read([[2]])).rejects.toMatchObject({ tag: "selection", axis: "instance" });
    await expect(array.read([null, { start: 0, stop: 4 }])).rejects.toMatchObject({
      tag: "selection",
      axis: "sample",
    });
  });
});
