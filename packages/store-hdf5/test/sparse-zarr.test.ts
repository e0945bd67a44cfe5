import { gather, type TypedArray } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { zarrStore } from "@tt/store-zarr";
import { describe, expect, it } from "vitest";
import { openSparseArray } from "../src/index.js";
import { numbers, randomSparse } from "./sparse-helpers.js";

// The same layout stored as three one-dimensional Zarr arrays (zstd, chunks of 7 entries, as a
// Zarr copy of an h5ad X might be): openSparseArray reads it as it reads HDF5.
async function zarrVector(
  store: ReturnType<typeof createMemoryStore>,
  path: string,
  values: TypedArray,
) {
  const dtype =
    values instanceof BigInt64Array ? "int64" : values instanceof Int32Array ? "int32" : "float32";
  const array = await zarrStore.create(store, path, {
    shape: [values.length],
    dtype,
    dimensionNames: ["entry"],
    chunkShape: [7],
    codec: "zstd",
  });
  await array.writeBlock(0, values as never);
  return zarrStore.open(store, path);
}

describe("a sparse matrix stored as Zarr arrays", () => {
  it.each(["rows", "columns"] as const)(
    "compressed by %s reads as its dense copy",
    async (compressed) => {
      const parts = randomSparse({
        shape: [23, 17],
        compressed,
        fill: 0.3,
        seed: 5,
        indexDType: "int64",
        pointerDType: "int64",
        messy: true,
      });
      const store = createMemoryStore();
      const matrix = await openSparseArray(
        {
          data: await zarrVector(store, "X/data", parts.data),
          indices: await zarrVector(store, "X/indices", parts.indices),
          indptr: await zarrVector(store, "X/indptr", parts.indptr),
        },
        { compressed, shape: parts.shape, name: "X", dimensionNames: ["cell", "gene"] },
      );
      expect(matrix.sparse).toMatchObject({
        name: "X",
        nnz: parts.data.length,
        indexDType: "int64",
      });
      expect(numbers(await matrix.read([]))).toEqual([...parts.dense]);
      const selection = [[22, 3, 3], { start: 2, stop: 15 }];
      expect(numbers(await matrix.read(selection))).toEqual([
        ...gather(parts.dense, [23, 17], selection),
      ]);
    },
  );

  it("names the Zarr member at fault", async () => {
    const parts = randomSparse({ shape: [4, 3], compressed: "rows", fill: 0.5, seed: 2 });
    const store = createMemoryStore();
    const data = await zarrVector(store, "X/data", parts.data);
    const indptr = await zarrVector(store, "X/indptr", parts.indptr);
    await expect(
      openSparseArray(
        { data, indices: indptr, indptr },
        { compressed: "rows", shape: [4, 3], name: "X" },
      ),
    ).rejects.toMatchObject({ tag: "data", where: "X/indices" });
  });
});
