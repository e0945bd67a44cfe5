import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDirectoryStore } from "../src/fs.js";
import { createMemoryStore } from "../src/index.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});
function directoryStore() {
  const directory = mkdtempSync(join(tmpdir(), "tt-store-"));
  directories.push(directory);
  return { directory, store: createDirectoryStore(directory) };
}
const bytes = (...values: number[]) => Uint8Array.from(values);

describe.each([
  ["a directory store", () => directoryStore().store],
  ["a memory store", () => createMemoryStore()],
])("%s", (_label, make) => {
  it("reads back what it stored, whole and by range, and reports sizes", async () => {
    const store = make();
    await store.set("meta/instance.bin", bytes(1, 2, 3, 4, 5));
    expect([...((await store.get("meta/instance.bin")) ?? [])]).toEqual([1, 2, 3, 4, 5]);
    expect([
      ...((await store.get("meta/instance.bin", { range: { offset: 1, length: 3 } })) ?? []),
    ]).toEqual([2, 3, 4]);
    expect(await store.size("meta/instance.bin")).toBe(5);
    expect(await store.get("meta/missing.bin")).toBeUndefined();
    expect(await store.size("meta/missing.bin")).toBeUndefined();
  });

  it("lists keys by prefix and deletes them", async () => {
    const store = make();
    await store.set("a/x", bytes(1));
    await store.set("a/y/z", bytes(2));
    await store.set("b", bytes(3));
    const listed: string[] = [];
    for await (const key of store.list("a/")) listed.push(key);
    expect(listed.sort()).toEqual(["a/x", "a/y/z"]);
    await store.delete("a/x");
    await store.delete("never/there");
    expect(await store.get("a/x")).toBeUndefined();
  });
});

describe("the directory store", () => {
  it("writes through a temporary file, leaving none behind", async () => {
    const { directory, store } = directoryStore();
    await store.set("manifest.json", bytes(123));
    await store.set("manifest.json", bytes(125));
    expect(readdirSync(directory)).toEqual(["manifest.json"]);
    expect([...((await store.get("manifest.json")) ?? [])]).toEqual([125]);
  });

  it("reads a range straight into a buffer and says how much it got", async () => {
    const { store } = directoryStore();
    await store.set("chunk", bytes(9, 8, 7, 6));
    const target = new Uint8Array(6);
    expect(await store.readInto!("chunk", { offset: 1, length: 3 }, target, 2)).toBe(3);
    expect([...target]).toEqual([0, 0, 8, 7, 6, 0]);
    expect(await store.readInto!("chunk", { offset: 2, length: 5 }, new Uint8Array(5), 0)).toBe(2);
    expect(await store.readInto!("missing", { offset: 0, length: 1 }, target, 0)).toBeUndefined();
  });

  it("refuses keys that would leave its directory", async () => {
    const { store } = directoryStore();
    await expect(store.get("../outside")).rejects.toThrow(/must stay inside the bundle/);
    await expect(store.set("a/../../outside", bytes(1))).rejects.toThrow(
      /must stay inside the bundle/,
    );
  });
});
