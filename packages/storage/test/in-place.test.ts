/**
 * Files a version reads in place (a user's file linked into a bundle): recorded with their time,
 * listed but never removed by a write, checked by length and time at open, and by bytes (hashed
 * piece by piece when large) in verification.
 */

import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputChangedError, isTensorToolsError } from "@tt/schema";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDirectoryStore, recordInPlace } from "../src/fs.js";
import {
  beginVersionedWrite,
  checkInPlaceFiles,
  cleanupVersions,
  createMemoryStore,
  inPlaceFiles,
  verifyInventory,
} from "../src/index.js";

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "tt-in-place-"));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const sha = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/** A file `name` in the folder with `bytes`, and its record. */
async function placed(name: string, bytes: Uint8Array) {
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return { path, record: await recordInPlace(path) };
}

describe("recordInPlace", () => {
  it("records the file's length, SHA-256 (read piece by piece) and modification time", async () => {
    const bytes = new Uint8Array(9 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251);
    const { path, record } = await placed("large.h5", bytes);
    utimesSync(path, new Date(1_700_000_000_000), new Date(1_700_000_000_000));
    expect(await recordInPlace(path)).toEqual({
      bytes: bytes.length,
      sha256: sha(bytes),
      mtime_ms: 1_700_000_000_000,
    });
    expect(record.sha256).toBe(sha(bytes));
  });

  it("refuses what is not a file", async () => {
    await expect(recordInPlace(folder)).rejects.toThrow("is not a file");
  });
});

describe("a write that adopts a file", () => {
  it("lists it with its record, and leaves it when the write gives up or cleanup runs", async () => {
    const store = createDirectoryStore(folder);
    const { record } = await placed("data.h5", new TextEncoder().encode("hdf5 bytes"));
    const first = await beginVersionedWrite(store);
    first.adopt("data.h5", record);
    await first.abort();
    expect(await store.size("data.h5")).toBe(10);

    const write = await beginVersionedWrite(store);
    write.adopt("data.h5", record);
    const fields = await write.versionFields({ kind: "link" });
    expect(fields.inventory["data.h5"]).toEqual(record);
    await write.commit(JSON.stringify({ ...fields }));
    expect(inPlaceFiles(fields.inventory)).toEqual([["data.h5", record]]);

    // A next version that no longer lists it, and a cleanup past the grace period.
    const next = await beginVersionedWrite(store, {
      base: {
        bytes: (await store.get("manifest.json"))!,
        manifest: fields as unknown as Record<string, unknown>,
        generation: 1,
        inventory: fields.inventory,
      },
    });
    const other = next.path("meta/table", ".txt");
    await next.store.set(other, new TextEncoder().encode("other"));
    const later = await next.versionFields();
    await next.commit(JSON.stringify(later));
    await cleanupVersions(
      store,
      { generation: 2, committedAt: 0, inventory: later.inventory, keep: ["manifest.json"] },
      { graceMs: 0 },
    );
    expect(await store.size("data.h5")).toBe(10);
  });
});

describe("checkInPlaceFiles", () => {
  it("accepts the file as recorded and ignores files without a time", async () => {
    const store = createDirectoryStore(folder);
    const { record } = await placed("data.h5", new Uint8Array(100));
    await placed("table.parquet", new Uint8Array(3));
    await checkInPlaceFiles(store, {
      "data.h5": record,
      "table.parquet": { bytes: 999, sha256: sha("x") },
    });
  });

  it.each([
    ["missing", (path: string) => rmSync(path), "is missing: it was moved or deleted"],
    [
      "grown",
      (path: string) => writeFileSync(path, new Uint8Array(101)),
      "has 101 bytes where the bundle recorded 100",
    ],
    [
      "touched",
      (path: string) => utimesSync(path, new Date(), new Date(Date.now() + 60_000)),
      "was modified at",
    ],
  ])(
    "a file %s since it was recorded is an InputChangedError naming it",
    async (_, change, says) => {
      const store = createDirectoryStore(folder);
      const { path, record } = await placed("data.h5", new Uint8Array(100));
      change(path);
      const error = await checkInPlaceFiles(store, { "data.h5": record }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputChangedError);
      expect(isTensorToolsError(error, "input-changed")).toBe(true);
      expect((error as InputChangedError).what).toBe("data");
      expect((error as Error).message).toContain(
        `data.h5, a file the bundle reads in place, ${says}`,
      );
      expect((error as Error).message).toContain(folder);
    },
  );

  it("checks only the length where the store cannot tell times (memory, HTTP)", async () => {
    const store = createMemoryStore();
    await store.set("data.h5", new Uint8Array(100));
    const record = { bytes: 100, sha256: sha(new Uint8Array(100)), mtime_ms: 1 };
    await checkInPlaceFiles(store, { "data.h5": record });
    await expect(checkInPlaceFiles(store, { "data.h5": { ...record, bytes: 99 } })).rejects.toThrow(
      "has 100 bytes where the bundle recorded 99",
    );
  });
});

describe("verifyInventory of a file read in place", () => {
  it("compares bytes piece by piece, and reports a new time even when the bytes are the same", async () => {
    const store = createDirectoryStore(folder);
    const bytes = new Uint8Array(20 * 1024 * 1024).map((_, i) => i % 253);
    const { path, record } = await placed("large.h5", bytes);
    expect((await verifyInventory(store, { "large.h5": record })).problems).toEqual([]);

    utimesSync(path, new Date(), new Date(record.mtime_ms! + 60_000));
    const [touched] = (await verifyInventory(store, { "large.h5": record })).problems;
    expect(touched!.problem).toMatch(
      /^was modified at .*, after the bundle linked it \(.*\); its bytes are the same \(SHA-256 matches\), but readers refuse a file whose time changed: link it anew$/,
    );
    const quick = await verifyInventory(store, { "large.h5": record }, { checksums: false });
    expect(quick.problems[0]!.problem).toContain("its bytes were not compared (--quick)");

    bytes[12_345_678] = (bytes[12_345_678]! + 1) % 256;
    writeFileSync(path, bytes);
    const [changed] = (await verifyInventory(store, { "large.h5": record })).problems;
    expect(changed!.problem).toBe(
      "has other bytes than when the bundle linked it (SHA-256 differs): it was changed in place",
    );
    writeFileSync(path, bytes.subarray(1));
    const [shorter] = (await verifyInventory(store, { "large.h5": record })).problems;
    expect(shorter!.problem).toBe(
      `has ${bytes.length - 1} bytes, the manifest lists ${bytes.length}; it is read in place, and was changed after the bundle linked it`,
    );
  });
});
