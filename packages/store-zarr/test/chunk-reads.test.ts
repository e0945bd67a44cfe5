/**
 * Reads of arrays chunked along more than the first axis (pyramid levels: tiles of rows x samples
 * x every channel): one channel of a tile is copied by a flat loop, short runs of the last axis
 * element by element; every form must give what `gather` gives.
 */
import { type AxisSelection, gather } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { zarrStore } from "../src/index.js";

const SHAPE = [10, 11, 4];
const VALUES = Float32Array.from({ length: 10 * 11 * 4 }, (_, i) => i * 0.5 - 7);

async function tiled() {
  const memory = createMemoryStore();
  const created = await zarrStore.create(memory, "t.zarr", {
    shape: SHAPE,
    dtype: "float32",
    chunkShape: [4, 5, 4],
    dimensionNames: ["instance", "sample", "channel"],
  });
  await created.writeBlock(0, VALUES);
  return zarrStore.open(memory, "t.zarr");
}

describe("chunked reads", () => {
  it("of one channel of any window equal gather, across chunk borders", async () => {
    const array = await tiled();
    for (let channel = 0; channel < 4; channel++)
      for (const [rows, samples] of [
        [
          { start: 0, stop: 10 },
          { start: 0, stop: 11 },
        ],
        [
          { start: 3, stop: 9 },
          { start: 4, stop: 6 },
        ],
        [[9, 0, 4, 4], { start: 2, stop: 11 }],
        [{ start: 7, stop: 8 }, [10, 1, 5]],
      ] as AxisSelection[][]) {
        const selection = [rows!, samples!, { start: channel, stop: channel + 1 }];
        expect(Array.from((await array.read(selection)) as Float32Array)).toEqual(
          Array.from(gather(VALUES, SHAPE, selection)),
        );
      }
  });

  it("of short runs, repeats and reversed positions of the last axis equal gather", async () => {
    const array = await tiled();
    for (const last of [{ start: 1, stop: 3 }, [3, 2, 1, 0], [0, 0, 2], null] as AxisSelection[]) {
      const selection: AxisSelection[] = [{ start: 2, stop: 7 }, [1, 6, 10], last];
      expect(Array.from((await array.read(selection)) as Float32Array)).toEqual(
        Array.from(gather(VALUES, SHAPE, selection)),
      );
    }
  });
});
