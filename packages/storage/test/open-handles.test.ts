import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDirectoryStore } from "../src/fs.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});
function pooledStore(openHandles: number) {
  const directory = mkdtempSync(join(tmpdir(), "tt-handles-"));
  directories.push(directory);
  return { directory, store: createDirectoryStore(directory, { openHandles }) };
}
const range = (offset: number, length: number) => ({ range: { offset, length } });
/** Open file descriptors of this process that point into `directory` (Linux). */
function openIn(directory: string): number {
  let count = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(directory)) count++;
    } catch {}
  }
  return count;
}

describe("a directory store keeping files open for ranged reads", () => {
  it("reads the same bytes as a store that opens each time, by range and into a target", async () => {
    const { directory, store } = pooledStore(2);
    const plain = createDirectoryStore(directory);
    const values = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251);
    for (const key of ["a.bin", "b.bin", "c.bin"]) await store.set(key, values);
    for (const [key, offset, length] of [
      ["a.bin", 0, 10],
      ["b.bin", 199_990, 10],
      ["c.bin", 5, 100_000],
      ["a.bin", 70_000, 1],
    ] as const) {
      expect(await store.get(key, range(offset, length))).toEqual(
        await plain.get(key, range(offset, length)),
      );
      const target = new Uint8Array(length + 3);
      expect(await store.readInto!(key, { offset, length }, target, 3)).toBe(length);
      expect(target.subarray(3)).toEqual(values.subarray(offset, offset + length));
    }
    expect(await store.get("missing.bin", range(0, 1))).toBeUndefined();
    await store.close();
  });

  it("sees a file written or removed through it, and closes what it kept on close", async () => {
    const { directory, store } = pooledStore(4);
    await store.set("x.bin", Uint8Array.of(1, 2, 3));
    expect([...(await store.get("x.bin", range(0, 3)))!]).toEqual([1, 2, 3]);
    await store.set("x.bin", Uint8Array.of(9, 8, 7));
    expect([...(await store.get("x.bin", range(0, 3)))!]).toEqual([9, 8, 7]);
    await store.delete("x.bin");
    expect(await store.get("x.bin", range(0, 3))).toBeUndefined();
    for (const key of ["p.bin", "q.bin", "r.bin"]) {
      await store.set(key, Uint8Array.of(5));
      await store.get(key, range(0, 1));
    }
    if (process.platform === "linux") expect(openIn(directory)).toBe(3);
    await store.close();
    if (process.platform === "linux") expect(openIn(directory)).toBe(0);
  });

  it("keeps at most openHandles files open, closing the least recently used", async () => {
    const { directory, store } = pooledStore(2);
    for (const key of ["1.bin", "2.bin", "3.bin", "4.bin"]) {
      writeFileSync(join(directory, key), Uint8Array.of(4, 5, 6));
      expect([...(await store.get(key, range(1, 2)))!]).toEqual([5, 6]);
    }
    if (process.platform === "linux") expect(openIn(directory)).toBe(2);
    await Promise.all(["1.bin", "2.bin", "3.bin"].map((key) => store.get(key, range(0, 3))));
    await store.close();
    if (process.platform === "linux") expect(openIn(directory)).toBe(0);
  });
});
