/**
 * Reads of raw slabs: consecutive rows (the common read of a block of instances) take a path that
 * builds nothing per row; it must give what reading any selection gives, across chunk borders,
 * straight into a buffer or copied, at an offset.
 */
import type { AxisSelection, KeyValueStore } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { zarrStore } from "../src/index.js";

/** A memory store that can also read a byte range straight into a caller's buffer. */
function withReadInto(store: KeyValueStore): KeyValueStore {
  return Object.assign(Object.create(store), {
    async readInto(
      key: string,
      range: { offset: number; length: number },
      target: Uint8Array,
      targetOffset: number,
    ) {
      const bytes = await store.get(key, { range });
      if (bytes === undefined) return undefined;
      target.set(bytes, targetOffset);
      return bytes.length;
    },
  }) as KeyValueStore;
}

const SHAPE = [50, 3, 2];
const SLAB = 6;

/** A memory store holding the array with its first `rows` rows written (element i holds i). */
async function written(rows: number) {
  const memory = createMemoryStore();
  const created = await zarrStore.create(memory, "a.zarr", {
    shape: SHAPE,
    dtype: "float32",
    chunkShape: [7, 3, 2],
    dimensionNames: ["instance", "sample", "channel"],
  });
  await created.writeBlock(
    0,
    Float32Array.from({ length: rows * SLAB }, (_, i) => i),
  );
  return memory;
}

async function array(readInto: boolean) {
  const memory = await written(50);
  return zarrStore.open(readInto ? withReadInto(memory) : memory, "a.zarr");
}

/** The rows `rows` of the array, from their values (element i holds i). */
function expected(rows: readonly number[]): number[] {
  return rows.flatMap((row) => Array.from({ length: SLAB }, (_, j) => row * SLAB + j));
}

describe("slab reads", () => {
  it.each([true, false])(
    "of consecutive rows across chunk borders equal the rows (readInto in the store: %s)",
    async (storeReadsInto) => {
      const opened = await array(storeReadsInto);
      for (const [start, stop] of [
        [5, 31],
        [0, 50],
        [7, 14],
        [13, 14],
      ] as const) {
        const rows = Array.from({ length: stop - start }, (_, i) => start + i);
        const target = new Float32Array((stop - start) * SLAB + 4).fill(-1);
        const selection: AxisSelection[] = [{ start, stop }, null, null];
        await opened.readInto!(selection, target, 2);
        expect(Array.from(target.subarray(2, -2))).toEqual(expected(rows));
        expect([...target.subarray(0, 2), ...target.subarray(-2)]).toEqual([-1, -1, -1, -1]);
        expect(Array.from((await opened.read(selection)) as Float32Array)).toEqual(expected(rows));
      }
    },
  );

  it("of rows out of order or repeated still land where they are asked", async () => {
    const opened = await array(true);
    const rows = [9, 8, 8, 20, 3];
    const target = new Float32Array(rows.length * SLAB);
    await opened.readInto!([Int32Array.from(rows), null, null], target, 0);
    expect(Array.from(target)).toEqual(expected(rows));
  });

  it("of one whole row (a lookup by id) equal the row, whatever form 'whole' takes", async () => {
    const opened = await array(true);
    for (let row = 0; row < 50; row++)
      for (const rest of [[], [null, null], [{ start: 0, stop: 3 }, [0, 1]]] as AxisSelection[][])
        expect(Array.from((await opened.read([[row], ...rest])) as Float32Array)).toEqual(
          expected([row]),
        );
    // Not whole: another path, the same values.
    expect(Array.from((await opened.read([[4], [2, 1], null])) as Float32Array)).toEqual([
      4 * SLAB + 4,
      4 * SLAB + 5,
      4 * SLAB + 2,
      4 * SLAB + 3,
    ]);
    await expect(opened.read([[50], null, null])).rejects.toThrow(/index 50/);
    await expect(opened.read([[1.5], null, null])).rejects.toThrow(/index 1.5/);
  });

  it("of one row of a missing chunk give the fill value, of a truncated chunk a DataError", async () => {
    const memory = await written(14);
    const opened = await zarrStore.open(withReadInto(memory), "a.zarr");
    expect(Array.from((await opened.read([[20]])) as Float32Array)).toEqual(
      new Array(SLAB).fill(0),
    );
    const key = "a.zarr/c/1/0/0";
    const bytes = (await memory.get(key))!;
    await memory.set(key, bytes.subarray(0, bytes.length - 8));
    await expect(opened.read([[13]])).rejects.toThrow(/chunk 'c\/1\/0\/0'|truncated/);
  });
});
