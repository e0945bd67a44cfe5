/**
 * Old versions stay readable while a catalog holds them: `openDataset(key, { catalog, version })`
 * opens a registered version from the manifest the catalog kept and the files it pins, through
 * the bundle's cleanup with no grace period; once `gcCatalog` releases it, the next cleanup
 * removes its files and opening it is a clear error. A version a result was computed from stays
 * in the catalog unless `force`.
 */

import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Catalog, gcCatalog, openCatalog } from "@tt/catalog";
import { PINS_PREFIX } from "@tt/storage";
import { afterEach, describe, expect, it } from "vitest";
import {
  annotate,
  cleanupDataset,
  columnFromCells,
  createMemoryStore,
  createTensor,
  decompose,
  isTensorToolsError,
  MetaTable,
  openDataset,
  writeDataset,
  writeResult,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const dir = scratchDirectory("tt-catalog-versions-");
let count = 0;

/** A fresh folder with a catalog file in it (keys are paths relative to the folder). */
function study(): { folder: string; catalogPath: string } {
  count += 1;
  const folder = join(dir, `study-${count}`);
  return { folder, catalogPath: join(folder, "catalog.db") };
}

/** `n` instances x 3 samples, values `offset + i`, with a `group` column of `label`. */
function tensorOf(n: number, offset: number, label: string) {
  const ids = Array.from({ length: n }, (_, i) => `e${i}`);
  return createTensor({
    data: Float32Array.from({ length: n * 3 }, (_, i) => offset + i),
    shape: [n, 3],
    axes: ["epoch", "time"],
    axisIndex: { epoch: ids },
    axisMeta: {
      epoch: MetaTable.fromColumns({
        group: columnFromCells(
          "string",
          ids.map(() => label),
        ),
      }),
    },
  });
}

/** The files of version `version` of `key`, from the manifest the catalog kept. */
function filesOf(catalog: Catalog, key: string, version: number): string[] {
  const manifest = JSON.parse(catalog.manifestOf(key, version)) as {
    inventory: Record<string, unknown>;
  };
  return Object.keys(manifest.inventory);
}

const opened: Catalog[] = [];
afterEach(() => {
  for (const catalog of opened.splice(0)) catalog.close();
});

function openStudyCatalog(path: string): Catalog {
  const catalog = openCatalog(path);
  opened.push(catalog);
  return catalog;
}

describe("a version the catalog holds", () => {
  it("keeps its files through the bundle's cleanup with no grace period, reads as it was, and goes once gcCatalog releases it", async () => {
    const { folder, catalogPath } = study();
    const path = join(folder, "eeg");
    await writeDataset(path, tensorOf(5, 0, "first"), { catalog: catalogPath });
    // The next version, written over it: its own cleanup runs with no grace period.
    await writeDataset(path, tensorOf(3, 100, "second"), {
      catalog: catalogPath,
      overwrite: true,
      graceMs: 0,
    });
    await cleanupDataset(path, { graceMs: 0 });
    const catalog = openStudyCatalog(catalogPath);
    expect(catalog.versions("eeg").map((v) => v.version)).toEqual([1, 2]);
    const firstFiles = filesOf(catalog, "eeg", 1);
    for (const file of firstFiles) expect(existsSync(join(path, file)), file).toBe(true);

    const first = await openDataset("eeg", { catalog: catalogPath, version: 1 });
    expect(first.shape).toEqual([5, 3]);
    expect([...(await first.read([]))]).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(first.meta("epoch").column("group").values).toEqual(Array(5).fill("first"));
    expect(first.query("epoch", "group == 'first'").ids("epoch")).toEqual([
      "e0",
      "e1",
      "e2",
      "e3",
      "e4",
    ]);
    const second = await openDataset("eeg", { catalog: catalogPath, version: 2 });
    expect([...(await second.read([]))]).toEqual(Array.from({ length: 9 }, (_, i) => 100 + i));
    // Without a version, the dataset as it is now; by its directory too.
    const current = await openDataset("eeg", { catalog: catalogPath });
    expect(current.meta("epoch").column("group").values).toEqual(Array(3).fill("second"));
    const byPath = await openDataset(path, { catalog: catalogPath, version: 1 });
    expect(byPath.shape).toEqual([5, 3]);

    // Nothing was made from version 1: gcCatalog releases it, and the next cleanup removes it.
    expect(await gcCatalog(catalog)).toEqual({ removed: ["eeg@1"], kept: [] });
    await cleanupDataset(path, { graceMs: 0 });
    for (const file of firstFiles) expect(existsSync(join(path, file)), file).toBe(false);
    const error = await openDataset("eeg", { catalog: catalogPath, version: 1 }).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect((error as Error).message).toBe("'eeg' has no version 1 in the catalog; it has 2");
    expect([
      ...(await (await openDataset("eeg", { catalog: catalogPath, version: 2 })).read([])),
    ]).toHaveLength(9);
  });

  it("whose files are gone (its pin removed by hand) is a NotFoundError naming the version and the file", async () => {
    const { folder, catalogPath } = study();
    const path = join(folder, "eeg");
    await writeDataset(path, tensorOf(4, 0, "first"), { catalog: catalogPath });
    await writeDataset(path, tensorOf(4, 50, "second"), { catalog: false, overwrite: true });
    rmSync(join(path, PINS_PREFIX), { recursive: true });
    await cleanupDataset(path, { graceMs: 0 });
    const error = await openDataset("eeg", { catalog: catalogPath, version: 1 }).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    const { what, message } = error as { what: string; message: string };
    const catalog = openStudyCatalog(catalogPath);
    expect(filesOf(catalog, "eeg", 1)).toContain(what);
    expect(message).toMatch(
      new RegExp(
        `^'eeg' version 1 \\(in the catalog ${catalogPath}\\) cannot be opened any more: ${what.replaceAll(".", "\\.")} of version 1 of the bundle in ${path} is gone`,
      ),
    );
  });

  it("that a result was computed from stays in gcCatalog unless force; so does one a recorded annotate read", async () => {
    const { folder, catalogPath } = study();
    const path = join(folder, "eeg");
    await writeDataset(path, tensorOf(6, 0, "first"), { catalog: catalogPath });
    const result = await decompose(await openDataset(path), "pca", { rank: 2 });
    await writeResult(join(folder, "pca"), result, { catalog: catalogPath });
    await writeDataset(path, tensorOf(6, 10, "second"), {
      catalog: catalogPath,
      overwrite: true,
    });
    const table = MetaTable.fromColumns({
      epoch_id: columnFromCells("string", ["e0"]),
      flag: columnFromCells("boolean", [true]),
    });
    await annotate(path, "epoch", table, { catalog: catalogPath });
    const catalog = openStudyCatalog(catalogPath);
    expect(catalog.versions("eeg").map((v) => v.version)).toEqual([1, 2, 3]);

    expect(await gcCatalog(catalog)).toEqual({
      removed: [],
      kept: [
        { version: "eeg@1", reason: "pca@1 was made from it" },
        { version: "eeg@2", reason: "eeg@3 was made from it" },
      ],
    });
    await cleanupDataset(path, { graceMs: 0 });
    const kept = await openDataset("eeg", { catalog: catalogPath, version: 1 });
    expect(kept.meta("epoch").column("group").values).toEqual(Array(6).fill("first"));

    const forced = await gcCatalog(catalog, { force: true });
    expect(forced.removed).toEqual(["eeg@1", "eeg@2"]);
    await cleanupDataset(path, { graceMs: 0 });
    const error = await openDataset("eeg", { catalog: catalogPath, version: 1 }).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(error, "not-found")).toBe(true);
  });
});

describe("openDataset with a catalog refuses", () => {
  it("a version without a catalog, a version that is no version, a result's key, a catalog that is not there, a store", async () => {
    const { folder, catalogPath } = study();
    const path = join(folder, "eeg");
    await writeDataset(path, tensorOf(4, 0, "first"), { catalog: catalogPath });
    const result = await decompose(await openDataset(path), "pca", { rank: 1 });
    await writeResult(join(folder, "pca"), result, { catalog: catalogPath });
    const failure = (promise: Promise<unknown>): Promise<Error> =>
      promise.then(
        () => expect.fail("expected the open to fail"),
        (e: unknown) => e as Error,
      );

    const noCatalog = await failure(openDataset("eeg", { version: 1 }));
    expect(isTensorToolsError(noCatalog, "config")).toBe(true);
    expect(noCatalog.message).toBe(
      "config 'version': opening a version needs the catalog that holds it: pass catalog, or set TT_CATALOG",
    );
    const zero = await failure(openDataset("eeg", { catalog: catalogPath, version: 0 }));
    expect(zero.message).toBe("config 'version': must be a catalog version (1, 2, ...), got 0");
    const ofResult = await failure(openDataset("pca", { catalog: catalogPath, version: 1 }));
    expect(isTensorToolsError(ofResult, "config")).toBe(true);
    expect(ofResult.message).toContain(
      `'pca' version 1 (in the catalog ${catalogPath}) is a result, not a dataset: open it with openResult(`,
    );
    const missing = join(folder, "nowhere.db");
    const noFile = await failure(openDataset("eeg", { catalog: missing, version: 1 }));
    expect(isTensorToolsError(noFile, "not-found")).toBe(true);
    expect(noFile.message).toContain(`no catalog at ${missing}`);
    expect(existsSync(missing)).toBe(false);
    const unknownKey = await failure(openDataset("eeg/other", { catalog: catalogPath }));
    expect(isTensorToolsError(unknownKey, "not-found")).toBe(true);
    const store = await failure(openDataset(createMemoryStore(), { catalog: catalogPath }));
    expect(store.message).toBe(
      "config 'catalog': a key-value store is opened as it is, not from a catalog",
    );
  });
});
