import { gather } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { type Hdf5Source, hdf5Store, openHdf5Array } from "../src/index.js";

const ROWS = 2000;
const COLUMNS = 500;
const CHUNK_ROWS = 100;
const CHUNK_BYTES = CHUNK_ROWS * COLUMNS * 4;
/** Generous room for what HDF5 reads besides chunks: superblock, object headers, chunk index. */
const METADATA_BYTES = 64 * 1024;

const data = Float32Array.from({ length: ROWS * COLUMNS }, (_, i) => Math.sin(i * 0.37) * 1000);

/** An HDF5 file of `data` chunked in slabs of CHUNK_ROWS rows, written by the store itself. */
async function fileBytes(codec: "none" | "gzip"): Promise<Uint8Array> {
  const store = createMemoryStore();
  const array = await hdf5Store.create(store, "data.h5", {
    shape: [ROWS, COLUMNS],
    dtype: "float32",
    dimensionNames: ["row", "column"],
    chunkShape: [CHUNK_ROWS, COLUMNS],
    codec,
  });
  await array.writeBlock(0, data);
  return (await store.get("data.h5"))!;
}

/** A source over `bytes` that counts what HDF5 reads from it. */
function countingSource(bytes: Uint8Array) {
  const counter = { bytes: 0, reads: 0 };
  const source: Hdf5Source = {
    name: "counted.h5",
    size: bytes.length,
    read(target, position) {
      const piece = bytes.subarray(position, position + target.length);
      target.set(piece);
      counter.bytes += piece.length;
      counter.reads++;
      return piece.length;
    },
  };
  return { source, counter };
}

/** Bytes read from the file to open the dataset and then read `selection`. */
async function bytesRead(bytes: Uint8Array, selection: Parameters<typeof gather>[2]) {
  const { source, counter } = countingSource(bytes);
  const array = await openHdf5Array(source, "/data");
  const opened = counter.bytes;
  const got = await array.read(selection);
  const want = gather(data, [ROWS, COLUMNS], selection);
  // Compared as bytes: a deep equality of a million elements takes seconds.
  expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
  array.close();
  return { open: opened, read: counter.bytes - opened };
}

describe("reads touch only the chunks they need", () => {
  it("uncompressed: a row set reads its three chunks once, a slab its four", async () => {
    const bytes = await fileBytes("none");
    const whole = await bytesRead(bytes, []);
    expect(whole.read).toBeGreaterThanOrEqual(ROWS * COLUMNS * 4);
    // Rows 5, 1234, 1299 and 1999 lie in chunks 0, 12 and 19.
    const rows = await bytesRead(bytes, [[1999, 5, 1234, 1299, 5]]);
    expect(rows.read).toBeGreaterThanOrEqual(3 * CHUNK_BYTES);
    expect(rows.read).toBeLessThan(3 * CHUNK_BYTES + METADATA_BYTES);
    // Rows 150..449 lie in chunks 1 to 4.
    const slab = await bytesRead(bytes, [
      { start: 150, stop: 450 },
      { start: 10, stop: 20 },
    ]);
    expect(slab.read).toBeGreaterThanOrEqual(4 * CHUNK_BYTES);
    expect(slab.read).toBeLessThan(4 * CHUNK_BYTES + METADATA_BYTES);
    expect(whole.open).toBeLessThan(METADATA_BYTES);
  });

  it("gzip: a row set reads about 3 of the 20 compressed chunks", async () => {
    const bytes = await fileBytes("gzip");
    const whole = await bytesRead(bytes, []);
    const rows = await bytesRead(bytes, [
      [1999, 5, 1234, 1299, 5],
      [499, 0],
    ]);
    const perChunk = whole.read / (ROWS / CHUNK_ROWS);
    expect(rows.read).toBeGreaterThan(2.5 * perChunk);
    expect(rows.read).toBeLessThan(3.5 * perChunk + METADATA_BYTES);
  });
});
