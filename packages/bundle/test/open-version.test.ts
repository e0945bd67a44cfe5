/**
 * `openBundle(store, { manifest })`: an older version of a bundle opened from its manifest (what a
 * catalog keeps of it) while its files are still there, its data and metadata as they were; a
 * version whose files are gone, cut short or never versioned is refused at open, naming the file.
 */

import { truncateSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidManifestError, isTensorToolsError, type Manifest, parseManifest } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupDataset, writeDataset } from "../src/fs.js";
import { openBundle, writeBundle } from "../src/index.js";
import { sampleTensor, temporaryDirectory } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A dataset at version 2 (4 instances) whose version 1 (6 instances) is `first`. */
async function twoVersions(): Promise<{ path: string; first: Manifest; firstText: string }> {
  const dir = temporaryDirectory();
  cleanups.push(dir.cleanup);
  const path = join(dir.path, "dataset");
  await writeDataset(path, sampleTensor(6), { attrs: { take: 1 } });
  const firstText = await readFile(join(path, "manifest.json"), "utf8");
  await writeDataset(path, sampleTensor(4, 7, 2), { overwrite: true, attrs: { take: 2 } });
  return { path, first: parseManifest(firstText), firstText };
}

describe("openBundle with the manifest of an older version", () => {
  it("reads that version's data, ids, metadata and attrs while its files are there; without it, the current one", async () => {
    const { path, first } = await twoVersions();
    const store = createDirectoryStore(path);
    const old = await openBundle(store, { manifest: first });
    const v1 = sampleTensor(6);
    expect(old.manifest.version).toBe(1);
    expect(old.shape).toEqual([6, 7, 3]);
    expect([...(await old.read([]))]).toEqual([...v1.data]);
    expect(old.getInstance("rec01-e005")).toMatchObject({ index: 5, meta: { label: "novel" } });
    expect(old.meta("channel").column("channel_id").values).toEqual(["Fz", "Cz", "Pz"]);
    expect(old.attrs).toMatchObject({ take: 1 });

    const current = await openBundle(store);
    expect(current.manifest.version).toBe(2);
    expect(current.shape).toEqual([4, 7, 2]);
    expect(current.attrs).toMatchObject({ take: 2 });
  });

  it("validates a manifest given as parsed JSON, in any store (memory)", async () => {
    const store = createMemoryStore();
    const first = await writeBundle(store, sampleTensor(5));
    await writeBundle(store, sampleTensor(3), { overwrite: true });
    const json = JSON.parse(JSON.stringify(first)) as Manifest;
    const old = await openBundle(store, { manifest: json });
    expect(old.shape).toEqual([5, 7, 3]);
    expect([...(await old.read([{ start: 4, stop: 5 }]))]).toEqual([
      ...sampleTensor(5).data.slice(4 * 21),
    ]);

    const broken = { ...json, shape: [5, 7] } as Manifest;
    const error = await openBundle(store, { manifest: broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidManifestError);
  });

  it("refuses a version whose files the cleanup removed: a NotFoundError naming the file and the version", async () => {
    const { path, first } = await twoVersions();
    await cleanupDataset(path, { graceMs: 0 });
    const error = await openBundle(createDirectoryStore(path), { manifest: first }).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    const { what, message } = error as { what: string; message: string };
    expect(Object.keys(first.inventory!)).toContain(what);
    expect(message).toContain(`${what} of version 1 of the bundle in ${path} is gone`);
    expect(message).toContain("once no catalog pins them");
  });

  it("refuses a version with a file cut short: a DataError with both lengths", async () => {
    const { path, first } = await twoVersions();
    const table = first.meta_files.instance!;
    const bytes = first.inventory![table]!.bytes;
    truncateSync(join(path, table), 10);
    const error = await openBundle(createDirectoryStore(path), { manifest: first }).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toBe(
      `${table}: of version 1 of the bundle in ${path} has 10 bytes, its manifest lists ${bytes}`,
    );
  });

  it("refuses a manifest without an inventory (written before versions had files of their own)", async () => {
    const { path, firstText } = await twoVersions();
    const legacy = JSON.parse(firstText) as Record<string, unknown>;
    for (const key of ["inventory", "version", "previous", "history", "change", "created_at"])
      delete legacy[key];
    legacy.schema_version = "0.1.0";
    const error = await openBundle(createDirectoryStore(path), {
      manifest: legacy as unknown as Manifest,
    }).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect((error as Error).message).toContain("has schema 0.1.0");
    expect((error as Error).message).toContain("only the current version of such a bundle");
  });
});
