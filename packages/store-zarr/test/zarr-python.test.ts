import { resolve } from "node:path";
import { isTensorToolsError } from "@tt/schema";
import { createDirectoryStore } from "@tt/storage/fs";
import { describe, expect, it } from "vitest";
import { zarrStore } from "../src/index.js";

// Arrays written by zarr-python >= 3.1.2 (see fixtures/zarr-python-v3/README.md); the values are
// those its generator script wrote.
const store = createDirectoryStore(
  resolve(import.meta.dirname, "../../../fixtures/zarr-python-v3/data.zarr"),
);
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);

const expected: [string, string, number[], (number | boolean)[]][] = [
  ["1d.contiguous.gzip.i2", "int16", [4], [1, 2, 3, 4]],
  ["1d.contiguous.blosc.i2", "int16", [4], [1, 2, 3, 4]],
  ["1d.contiguous.raw.i2", "int16", [4], [1, 2, 3, 4]],
  ["1d.contiguous.i4", "int32", [4], [1, 2, 3, 4]],
  ["1d.contiguous.u1", "uint8", [4], [255, 0, 255, 0]],
  ["1d.contiguous.f4.le", "float32", [4], [-1000.5, 0, 1000.5, 0]],
  ["1d.contiguous.f4.be", "float32", [4], [-1000.5, 0, 1000.5, 0]],
  ["1d.contiguous.f8", "float64", [4], [1.5, 2.5, 3.5, 4.5]],
  ["1d.contiguous.b1", "bool", [4], [1, 0, 1, 0]],
  ["1d.chunked.i2", "int16", [4], [1, 2, 3, 4]],
  ["1d.chunked.ragged.i2", "int16", [5], [1, 2, 3, 4, 5]],
  ["2d.contiguous.i2", "int16", [2, 2], [1, 2, 3, 4]],
  ["2d.chunked.i2", "int16", [2, 2], [1, 2, 3, 4]],
  ["2d.chunked.ragged.i2", "int16", [3, 3], range(9, 1)],
  ["3d.contiguous.i2", "int16", [3, 3, 3], range(27)],
  ["3d.chunked.i2", "int16", [3, 3, 3], range(27)],
  ["3d.chunked.mixed.i2.C", "int16", [3, 3, 3], range(27)],
  ["3d.chunked.mixed.i2.F", "int16", [3, 3, 3], range(27)],
  ["1d.contiguous.compressed.sharded.i2", "int16", [4], [1, 2, 3, 4]],
  ["1d.contiguous.compressed.sharded.i4", "int32", [4], [1, 2, 3, 4]],
  ["1d.contiguous.compressed.sharded.u1", "uint8", [4], [255, 0, 255, 0]],
  ["1d.contiguous.compressed.sharded.f4", "float32", [4], [-1000.5, 0, 1000.5, 0]],
  ["1d.contiguous.compressed.sharded.f8", "float64", [4], [1.5, 2.5, 3.5, 4.5]],
  ["1d.contiguous.compressed.sharded.b1", "bool", [4], [1, 0, 1, 0]],
  ["1d.chunked.compressed.sharded.i2", "int16", [4], [1, 2, 3, 4]],
  ["1d.chunked.filled.compressed.sharded.i2", "int16", [4], [1, 2, 0, 0]],
  ["2d.contiguous.compressed.sharded.i2", "int16", [2, 2], [1, 2, 3, 4]],
  ["2d.chunked.compressed.sharded.filled.i2", "int16", [4, 4], range(16)],
  ["2d.chunked.compressed.sharded.i2", "int16", [4, 4], range(16, 1)],
  ["2d.chunked.ragged.compressed.sharded.i2", "int16", [3, 3], range(9, 1)],
  ["3d.contiguous.compressed.sharded.i2", "int16", [3, 3, 3], range(27)],
  ["3d.chunked.compressed.sharded.i2", "int16", [4, 4, 4], range(64)],
  ["3d.chunked.mixed.compressed.sharded.i2", "int16", [3, 3, 3], range(27)],
  ["1d.contiguous.delta.i4", "int32", [4], [1, 2, 3, 4]],
  ["3d.contiguous.delta.i4.mixed", "int32", [3, 3, 3], range(27)],
];

describe("arrays written by zarr-python", () => {
  it.each(expected)(
    "reads %s (%s, shape %j) with the values written",
    async (name, dtype, shape, values) => {
      const array = await zarrStore.open(store, name);
      expect(array.metadata.dtype).toBe(dtype);
      expect(array.metadata.shape).toEqual(shape);
      expect([...(await array.read([]))].map(Number)).toEqual(values.map(Number));
    },
  );

  it("reads selections across chunks of a chunked 3-d array, as numpy indexing would", async () => {
    const array = await zarrStore.open(store, "3d.chunked.i2");
    // numpy: np.arange(27).reshape(3,3,3)[[2,0],1:3,[2]] -> [[[23],[26]],[[5],[8]]]
    expect([...(await array.read([[2, 0], { start: 1, stop: 3 }, [2]]))]).toEqual([23, 26, 5, 8]);
    const transposed = await zarrStore.open(store, "3d.chunked.mixed.i2.F");
    expect([...(await transposed.read([[1], null, [0, 2]]))]).toEqual([9, 11, 12, 14, 15, 17]);
  });

  it.each([
    "1d.contiguous.f2.le",
    "1d.contiguous.string.vlen",
    "1d.string.unicode",
    "2d.chunked.string.vlen",
  ])("refuses %s with an unsupported error instead of a wrong answer", async (name) => {
    const error = await zarrStore.open(store, name).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect((error as Error).message).toMatch(
      /has dtype .* which tensortools does not read; supported: float32/,
    );
  });
});
