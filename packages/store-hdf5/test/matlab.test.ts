import { type AxisSelection, gather } from "@tt/schema";
import { createDirectoryStore } from "@tt/storage/fs";
import { describe, expect, it } from "vitest";
import { createHdf5Store, hdf5Store, openHdf5Array } from "../src/index.js";
import { expected, FIXTURES, fixture, typedValues } from "./fixtures.js";

// matlab-v7.3.mat is laid out as MATLAB's `save -v7.3` lays out a file: a 512-byte user block
// starting with MATLAB's text header, variables stored column-major (HDF5 holds the transpose:
// axes reversed) with a MATLAB_class attribute. expected.json has each variable as h5py reads it
// (the file's order) and as MATLAB shows it (matlab_shape, matlab_values in C order).
const file = fixture("matlab-v7.3.mat");
const variables = Object.entries(expected["matlab-v7.3.mat"].variables);

const selections = (shape: readonly number[]): [string, AxisSelection[]][] => [
  ["all", []],
  ["rows backwards with a repeat", [[shape[0]! - 1, 0, 0]]],
  [
    "a range of the last axis",
    [null, ...shape.slice(1, -1).map(() => null), { start: 1, stop: shape.at(-1)! }],
  ],
  ["one element of every axis", shape.map((n) => [n - 1])],
];

describe("a MATLAB v7.3 MAT-file", () => {
  it("is HDF5 after a 512-byte user block, as the file says", async () => {
    const array = await openHdf5Array(file, "X");
    expect(array.hdf5.userBlock).toBe(expected["matlab-v7.3.mat"].userblock_size);
    expect(array.hdf5.userBlock).toBe(512);
  });

  for (const [name, want] of variables) {
    it(`${name} (${want.matlab_class}) reads in the file's order by default, as h5py reads it`, async () => {
      const array = await openHdf5Array(file, name);
      const values = typedValues(want.dtype, want.values);
      expect(array.hdf5.axisOrder).toBe("hdf5");
      expect(array.hdf5.matlabClass).toBe(want.matlab_class);
      expect(array.metadata.shape).toEqual(want.shape);
      expect(array.hdf5.chunks).toEqual(want.chunks);
      for (const [label, selection] of selections(want.shape))
        expect(await array.read(selection), label).toEqual(gather(values, want.shape, selection));
    });

    it(`${name} (${want.matlab_class}) reads in MATLAB's order with axisOrder "matlab"`, async () => {
      const array = await openHdf5Array(file, name, { axisOrder: "matlab" });
      const shape = want.matlab_shape!;
      const values = typedValues(want.dtype, want.matlab_values!);
      expect(array.hdf5.axisOrder).toBe("matlab");
      expect(array.metadata.shape).toEqual(shape);
      expect(array.metadata.shape).toEqual([...want.shape].reverse());
      expect(array.hdf5.hdf5Shape).toEqual(want.shape);
      expect(array.hdf5.chunks).toEqual(want.chunks ? [...want.chunks].reverse() : null);
      for (const [label, selection] of selections(shape)) {
        const picked = gather(values, shape, selection);
        expect(await array.read(selection), label).toEqual(picked);
        const target = new (values.constructor as new (n: number) => typeof values)(
          picked.length + 4,
        );
        await array.readInto!(selection, target as never, 2);
        expect(target.subarray(2, 2 + picked.length), `${label} into a buffer`).toEqual(picked);
      }
    });
  }

  it("X, MATLAB size 4 x 3 x 2, holds X(i,j,k) = 100(i-1) + 10(j-1) + (k-1) + 0.5 in MATLAB's order", async () => {
    const array = await openHdf5Array(file, "/X", { axisOrder: "matlab" });
    expect(array.metadata.shape).toEqual([4, 3, 2]);
    expect([...(await array.read([[3], [1], [0]]))]).toEqual([310.5]);
    expect([...(await array.read([[0], [2], [1]]))]).toEqual([21.5]);
    const hdf5Order = await openHdf5Array(file, "/X");
    expect(hdf5Order.metadata.shape).toEqual([2, 3, 4]);
    expect([...(await hdf5Order.read([[0], [1], [3]]))]).toEqual([310.5]);
  });

  it("opens through a store built for MATLAB's order or the default one", async () => {
    const store = createDirectoryStore(FIXTURES);
    const matlab = await createHdf5Store({ axisOrder: "matlab" }).open(
      store,
      "matlab-v7.3.mat:/trials",
    );
    const plain = await hdf5Store.open(store, "matlab-v7.3.mat:/trials");
    expect(matlab.metadata.shape).toEqual([5, 3]);
    expect(plain.metadata.shape).toEqual([3, 5]);
    const want = expected["matlab-v7.3.mat"].variables.trials!;
    expect(await matlab.read([])).toEqual(typedValues("float32", want.matlab_values!));
  });

  it("refuses an empty array, whose dataset holds its size (MATLAB_empty), rather than misread it", async () => {
    expect(expected["matlab-v7.3.mat"].empty).toEqual({ empty: [0, 5] });
    await expect(openHdf5Array(file, "empty")).rejects.toMatchObject({
      tag: "unsupported",
      message: `${file}:/empty is an empty MATLAB array (MATLAB_empty): the dataset holds the array's size, not values`,
    });
  });

  it("refuses a struct (a group) naming it and the fields it holds", async () => {
    await expect(openHdf5Array(file, "s")).rejects.toMatchObject({
      tag: "not-found",
      message: expect.stringMatching(
        /matlab-v7\.3\.mat:\/s is a group \(a MATLAB struct\).*\/s\/a/,
      ),
    });
  });
});
