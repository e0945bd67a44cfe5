/** The write protocol on a key-value store: versioned writes, inventories, checked reads, cleanup. */

import { isTensorToolsError, type WritableKeyValueStore } from "@tt/schema";
import { describe, expect, it } from "vitest";
import {
  beginVersionedWrite,
  checkedStore,
  checkSizes,
  cleanupVersions,
  createMemoryStore,
  recordingStore,
  sha256Hex,
  verifyInventory,
  versionOfKey,
} from "../src/index.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : new TextDecoder().decode(value);

async function keys(store: WritableKeyValueStore): Promise<string[]> {
  const all: string[] = [];
  for await (const key of store.list()) all.push(key);
  return all.sort();
}

/** Commits version 1 with one file and returns what a later write builds on. */
async function firstVersion(store: WritableKeyValueStore) {
  const write = await beginVersionedWrite(store);
  const path = write.path("meta/table", ".txt");
  await write.store.set(path, bytes("version one"));
  const manifest = { table: path, ...(await write.versionFields()) };
  const manifestText = JSON.stringify(manifest);
  await write.commit(manifestText);
  const stored = (await store.get("manifest.json"))!;
  return {
    path,
    manifest,
    base: { bytes: stored, manifest, generation: 1, inventory: manifest.inventory },
  };
}

describe("sha256Hex", () => {
  it("matches the published SHA-256 of 'abc' (FIPS 180-2, appendix B.1)", async () => {
    expect(await sha256Hex(bytes("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});

describe("a versioned write", () => {
  it("names its files by generation and token, lists them in the inventory and commits last", async () => {
    const store = createMemoryStore();
    const write = await beginVersionedWrite(store);
    const path = write.path("arrays/data", ".zarr");
    expect(versionOfKey(`${path}/c/0`)).toEqual({ generation: 1, token: write.token, unit: path });
    await write.store.set(`${path}/zarr.json`, bytes("{}"));
    expect(await store.get("manifest.json")).toBeUndefined();
    const fields = await write.versionFields();
    expect(fields).toMatchObject({ version: 1, previous: null });
    expect(fields.inventory).toEqual({
      [`${path}/zarr.json`]: { bytes: 2, sha256: await sha256Hex(bytes("{}")) },
    });
    await write.commit(JSON.stringify({ array: path, ...fields }));
    expect(JSON.parse(text(await store.get("manifest.json"))!).array).toBe(path);
    // Its registration went with the commit.
    expect((await keys(store)).filter((k) => k.startsWith(".tt-writers/"))).toEqual([]);
  });

  it("builds on a base: keeps its files, records the previous manifest's hash, counts the generation on", async () => {
    const store = createMemoryStore();
    const { path, base } = await firstVersion(store);
    const write = await beginVersionedWrite(store, { base });
    await write.keep(path);
    const fields = await write.versionFields();
    expect(fields.version).toBe(2);
    expect(fields.previous).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Object.keys(fields.inventory)).toEqual([path]);
    await expect(write.keep("meta/absent.txt")).rejects.toThrow(
      /is not a file of the version this write builds on/,
    );
  });

  it("refuses to commit over a version another writer committed meanwhile, and leaves nothing of itself", async () => {
    const store = createMemoryStore();
    const { base } = await firstVersion(store);
    const slow = await beginVersionedWrite(store, { base });
    const fast = await beginVersionedWrite(store, { base });
    const slowFile = slow.path("meta/table", ".txt");
    await slow.store.set(slowFile, bytes("slow"));
    await fast.commit(JSON.stringify(await fast.versionFields()));
    const error = await slow
      .commit(JSON.stringify(await slow.versionFields()))
      .catch((e: unknown) => e);
    expect(isTensorToolsError(error, "conflict")).toBe(true);
    expect((error as Error).message).toMatch(/another writer committed a new version .* retry it/);
    expect(await store.get(slowFile)).toBeUndefined();
    expect((await keys(store)).filter((k) => k.startsWith(".tt-writers/"))).toEqual([]);
  });

  it("links files of the base through the store, recording them without reading", async () => {
    const store = createMemoryStore();
    const { path, base } = await firstVersion(store);
    const write = await beginVersionedWrite(store, { base });
    await write.store.link!(path, write.path("meta/copy", ".txt"));
    const fields = await write.versionFields();
    expect(Object.values(fields.inventory)).toEqual([base.inventory[path]]);
  });
});

describe("a recording store without links", () => {
  it("copies instead, and records the copy", async () => {
    const memory = createMemoryStore();
    const { link: _link, swap: _swap, ...plain } = memory;
    await plain.set("a", bytes("hello"));
    const recording = recordingStore(plain);
    await recording.store.link!("a", "b");
    expect(text(await memory.get("b"))).toBe("hello");
    expect(recording.inventory().b).toEqual({ bytes: 5, sha256: await sha256Hex(bytes("hello")) });
  });
});

describe("reading a version through its inventory", () => {
  const inventory = { "a.txt": { bytes: 5, sha256: "0".repeat(64) } };

  it("reads only listed keys, sizes from the inventory, and says which file is damaged how", async () => {
    const store = createMemoryStore("memory://b");
    await store.set("a.txt", bytes("hello"));
    await store.set("other.txt", bytes("not listed"));
    const checked = checkedStore(store, inventory);
    expect(text(await checked.get("a.txt"))).toBe("hello");
    expect(await checked.get("other.txt")).toBeUndefined();
    expect(await checked.size("a.txt")).toBe(5);
    expect(text(await checked.get("a.txt", { range: { offset: 1, length: 3 } }))).toBe("ell");
    await expect(checked.get("a.txt", { range: { offset: 3, length: 3 } })).rejects.toThrow(
      "a.txt: a read of bytes 3-6 passes the end of the file, which the manifest lists with 5 bytes (in memory://b); the bundle is damaged",
    );
    await store.set("a.txt", bytes("hello!"));
    await expect(checked.get("a.txt")).rejects.toThrow("a.txt: has 6 bytes, the manifest lists 5");
    // A range that is the whole listed file is read whole, so a grown file is still caught.
    await expect(checked.get("a.txt", { range: { offset: 0, length: 5 } })).rejects.toThrow(
      "a.txt: has 6 bytes, the manifest lists 5",
    );
    await store.set("a.txt", bytes("he"));
    await expect(checked.get("a.txt", { range: { offset: 0, length: 4 } })).rejects.toThrow(
      "gave 2 of the 4 bytes asked for at 0: it is shorter than the 5 bytes the manifest lists",
    );
    await store.delete("a.txt");
    const missing = await checked.get("a.txt").catch((e: unknown) => e);
    expect(isTensorToolsError(missing, "data")).toBe(true);
    expect((missing as Error).message).toBe(
      "a.txt: is missing; the manifest lists it with 5 bytes (in memory://b); the bundle is damaged",
    );
    await expect(checkSizes(store, inventory, ["a.txt"])).rejects.toThrow("a.txt: is missing");
  });

  it("reads a range that is the whole file with one get and no size call", async () => {
    const store = createMemoryStore("memory://c");
    await store.set("a.txt", bytes("hello"));
    const calls: string[] = [];
    const counted = {
      location: store.location,
      get: (key: string, options?: { range?: { offset: number; length: number } }) => {
        calls.push(
          `get ${key}${options?.range ? ` ${options.range.offset}+${options.range.length}` : ""}`,
        );
        return store.get(key, options);
      },
      size: (key: string) => {
        calls.push(`size ${key}`);
        return store.size(key);
      },
    };
    const checked = checkedStore(counted, inventory);
    expect(text(await checked.get("a.txt", { range: { offset: 0, length: 5 } }))).toBe("hello");
    expect(calls).toEqual(["get a.txt"]);
    expect(text(await checked.get("a.txt", { range: { offset: 1, length: 2 } }))).toBe("el");
    expect(calls).toEqual(["get a.txt", "size a.txt", "get a.txt 1+2"]);
  });

  it("verifies every file: present, of its length, and with its checksum", async () => {
    const store = createMemoryStore();
    await store.set("same.txt", bytes("same"));
    await store.set("changed.txt", bytes("four"));
    await store.set("grown.txt", bytes("grown!"));
    const listed = {
      "same.txt": { bytes: 4, sha256: await sha256Hex(bytes("same")) },
      "changed.txt": { bytes: 4, sha256: await sha256Hex(bytes("FOUR")) },
      "grown.txt": { bytes: 5, sha256: await sha256Hex(bytes("grown")) },
      "gone.txt": { bytes: 1, sha256: await sha256Hex(bytes("x")) },
    };
    const report = await verifyInventory(store, listed);
    expect(report).toMatchObject({ files: 4, bytes: 14, checksums: true });
    expect(report.problems).toEqual([
      { key: "changed.txt", problem: "has other bytes than were written (SHA-256 differs)" },
      { key: "gone.txt", problem: "is missing" },
      { key: "grown.txt", problem: "has 6 bytes, the manifest lists 5" },
    ]);
    const quick = await verifyInventory(store, listed, { checksums: false });
    expect(quick.problems.map((p) => p.key)).toEqual(["gone.txt", "grown.txt"]);
  });
});

describe("cleanup", () => {
  /** A store with version 2 current, version 1 replaced, a dead writer's files, a user's file. */
  async function history() {
    const store = createMemoryStore();
    const { path: old, base } = await firstVersion(store);
    const write = await beginVersionedWrite(store, { base });
    const current = write.path("meta/table", ".txt");
    await write.store.set(current, bytes("version two"));
    const fields = await write.versionFields();
    await write.commit(JSON.stringify({ table: current, ...fields }));
    // A writer of generation 3 that died before its commit (its pid runs nowhere).
    await store.set(
      ".tt-writers/dead00.json",
      bytes(JSON.stringify({ generation: 3, pid: 0x3fffff, host: "elsewhere", started: 0 })),
    );
    await store.set("arrays/data.v3-dead00.zarr/c/0", bytes("orphan"));
    await store.set("notes.txt", bytes("the user's own file"));
    await store.set("meta/table.v2-aaaaaa.txt.tmp-0123456789ab", bytes("torn"));
    const committedAt = Date.parse(fields.created_at);
    return {
      store,
      old,
      current,
      version: { generation: 2, committedAt, inventory: fields.inventory, keep: ["manifest.json"] },
    };
  }

  it("removes dead writers' files and temporaries at once, replaced versions after the grace period, never a user's file", async () => {
    const { store, old, current, version } = await history();
    const early = await cleanupVersions(store, version, { now: version.committedAt + 1000 });
    expect(early.removed).toEqual([
      "arrays/data.v3-dead00.zarr",
      "meta/table.v2-aaaaaa.txt.tmp-0123456789ab",
    ]);
    expect(early.deferred).toEqual([{ key: old, reason: "the grace period" }]);
    const late = await cleanupVersions(store, version, { now: version.committedAt + 11 * 60_000 });
    expect(late.removed).toEqual([old]);
    expect(await keys(store)).toEqual(["manifest.json", current, "notes.txt"].sort());
  });

  it("keeps the files a catalog pinned (.tt-pins/), whole units, until the pin goes; unreadable pins pin nothing", async () => {
    const { store, old, current, version } = await history();
    await store.set(".tt-pins/c1-v2.json", bytes(JSON.stringify({ files: [old] })));
    await store.set(".tt-pins/c1-v9.json.123.tmp", bytes("{"));
    await store.set(".tt-pins/broken.json", bytes("{"));
    const late = { now: version.committedAt + 11 * 60_000 };
    expect((await cleanupVersions(store, version, late)).removed).not.toContain(old);
    expect(await store.get(old)).toBeDefined();
    await store.delete(".tt-pins/c1-v2.json");
    expect((await cleanupVersions(store, version, late)).removed).toContain(old);
    expect(await keys(store)).toEqual(
      [
        "manifest.json",
        current,
        "notes.txt",
        ".tt-pins/c1-v9.json.123.tmp",
        ".tt-pins/broken.json",
      ].sort(),
    );
  });

  it("leaves the files of a writer that still runs", async () => {
    const store = createMemoryStore();
    const { base } = await firstVersion(store);
    const running = await beginVersionedWrite(store, { base });
    const file = running.path("meta/table", ".txt");
    await running.store.set(file, bytes("in progress"));
    const report = await cleanupVersions(
      store,
      { generation: 1, committedAt: 0, inventory: base.inventory, keep: ["manifest.json"] },
      { graceMs: 0 },
    );
    expect(report.removed).toEqual([]);
    expect(report.deferred).toEqual([{ key: file, reason: "its writer is still writing" }]);
    expect(await store.get(file)).toBeDefined();
  });
});
